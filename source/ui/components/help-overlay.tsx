/** The `?` overlay: every key of the screen underneath, from the keybinding table. */
import { useAppState, useUi } from '../context.js';
import { firstKeyLabel, helpEntries, keyContext, keyLabel } from '../keys.js';
import type { Row } from '../rows.js';
import { clip, padEnd } from '../text-fit.js';
import { FixedRows } from './row-text.js';

export function HelpOverlay({ width, height }: { width: number; height: number }) {
  const { glyphs } = useUi();
  const phase = useAppState((state) => state.phase);
  const entries = helpEntries(keyContext({ phase, helpOpen: false }));
  const labelWidth = Math.max(...entries.map((entry) => entry.label.length), 5) + 2;
  const rows: Row[] = [
    { text: `Keys  (${keyLabel('help')} or ${firstKeyLabel('back')} closes this help)`, tone: 'title' },
    ...entries.map(
      (entry): Row => ({
        text: clip(`  ${padEnd(entry.label, labelWidth)}${entry.help}`, width, glyphs),
        tone: 'plain',
      }),
    ),
  ];
  return <FixedRows rows={rows} height={height} />;
}
