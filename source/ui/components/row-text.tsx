import { Box, Text } from 'ink';
import { useUi } from '../context.js';
import { type Row, toneStyle } from '../rows.js';

/** One pre-fitted row. An empty row is a space: Ink gives an empty Text no height. */
export function RowText({ row }: { row: Row }) {
  const { color } = useUi();
  return (
    <Text {...toneStyle(row.tone, color)} wrap="truncate-end">
      {row.text === '' ? ' ' : row.text}
    </Text>
  );
}

/** Exactly `height` rows: the given ones, cut or padded, so the layout never jumps. */
export function FixedRows({ rows, height }: { rows: readonly Row[]; height: number }) {
  const shown = rows.slice(0, height);
  const padding = Array.from({ length: Math.max(0, height - shown.length) }, () => ({
    text: '',
    tone: 'plain' as const,
  }));
  return (
    <Box flexDirection="column" height={height} overflow="hidden">
      {[...shown, ...padding].map((row, index) => (
        // Rows have no identity beyond their position in the viewport.
        // biome-ignore lint/suspicious/noArrayIndexKey: position is the identity here
        <RowText key={index} row={row} />
      ))}
    </Box>
  );
}
