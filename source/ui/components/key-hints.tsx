/**
 * The key hints, always on screen, drawn from the keybinding table. Hints are packed into at most
 * `rows` lines at the terminal width; a hint that does not fit is dropped whole, never cut.
 */
import { Box, Text } from 'ink';
import { useShallow } from 'zustand/react/shallow';
import { useAppState, useUi } from '../context.js';
import { type Hint, hintFacts, hintsFor } from '../keys.js';
import { toneStyle } from '../rows.js';
import { width as cells } from '../text-fit.js';

const GAP = '  ';

export function packHints(hints: readonly Hint[], width: number, rows: number): Hint[][] {
  const packed: Hint[][] = [];
  let line: Hint[] = [];
  let used = 0;
  for (const hint of hints) {
    const size = cells(`${hint.label} ${hint.text}`);
    const needed = line.length === 0 ? size : used + cells(GAP) + size;
    if (needed <= width) {
      line.push(hint);
      used = needed;
      continue;
    }
    if (line.length > 0) packed.push(line);
    if (packed.length === rows) return packed;
    line = size <= width ? [hint] : [];
    used = line.length > 0 ? size : 0;
  }
  if (line.length > 0 && packed.length < rows) packed.push(line);
  return packed;
}

export function KeyHints({ width, rows }: { width: number; rows: number }) {
  const { color } = useUi();
  // The facts are plain values: a shallow compare re-renders only when a hint can change.
  const facts = useAppState(useShallow(hintFacts));
  const hints = hintsFor(facts);
  const lines = packHints(hints, width, rows);
  const padding = Array.from({ length: Math.max(0, rows - lines.length) }, () => [] as Hint[]);
  return (
    <Box flexDirection="column" height={rows}>
      {[...lines, ...padding].map((line, index) => (
        // biome-ignore lint/suspicious/noArrayIndexKey: hint lines are positional
        <Text key={index} wrap="truncate-end">
          {line.length === 0
            ? ' '
            : line.map((hint, at) => (
                <Text key={hint.label}>
                  {at > 0 ? GAP : ''}
                  <Text {...toneStyle('accent', color)}>{hint.label}</Text> {hint.text}
                </Text>
              ))}
        </Text>
      ))}
    </Box>
  );
}
