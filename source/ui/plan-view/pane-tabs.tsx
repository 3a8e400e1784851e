/**
 * The tab row above the pane viewport: every pane with its item count, the focused one in
 * brackets (visible without color), and where the viewport is within the focused pane.
 */
import { Box, Text } from 'ink';
import { PANES, type PaneId } from '../../store/phase.js';
import { useUi } from '../context.js';
import type { Glyphs } from '../glyphs.js';
import { toneStyle } from '../rows.js';
import { PANE_TITLES } from './pane-rows.js';

export function scrollPosition(offset: number, height: number, total: number, glyphs: Glyphs): string {
  if (total <= height) return total === 0 ? '' : `all ${total} rows`;
  const last = Math.min(offset + height, total);
  const up = offset > 0 ? glyphs.up : ' ';
  const down = last < total ? glyphs.down : ' ';
  return `${up}${down} rows ${offset + 1}-${last} of ${total}`;
}

export function PaneTabs(props: {
  focus: PaneId;
  counts: Record<PaneId, number>;
  position: string;
  width: number;
}) {
  const { color } = useUi();
  return (
    <Box width={props.width} justifyContent="space-between">
      <Text wrap="truncate-end">
        {PANES.map((pane) => {
          const label = `${PANE_TITLES[pane]} ${props.counts[pane]}`;
          return pane === props.focus ? (
            <Text key={pane} {...toneStyle('accent', color)}>{`[${label}] `}</Text>
          ) : (
            <Text key={pane}>{` ${label}  `}</Text>
          );
        })}
      </Text>
      <Text {...toneStyle('dim', color)} wrap="truncate-end">
        {props.position}
      </Text>
    </Box>
  );
}
