/**
 * The frame of the screens after the preview: a few rows of live content, the notice lines and
 * the key hints, no taller than it needs to be. These screens sit under the migration log that
 * <Static> prints, so they must stay short: Ink redraws the live part on every change, and a live
 * part as tall as the terminal makes it clear the screen and reprint the whole log each time.
 */
import { Box } from 'ink';
import { commandLine } from '../../plan/operator-commands.js';
import { useAppState, useUi } from '../context.js';
import type { Row } from '../rows.js';
import type { Viewport } from '../use-viewport.js';
import { HelpOverlay } from './help-overlay.js';
import { KeyHints } from './key-hints.js';
import { NoticeLines } from './notice-lines.js';
import { FixedRows } from './row-text.js';

const NOTICE_ROWS = 2;
const HINT_ROWS = 1;

/** The rows that fit in `height`; the last one says how many were left out. */
export function fitRows(rows: readonly Row[], height: number, ellipsis: string, status: string): Row[] {
  if (rows.length <= height) return [...rows];
  const kept = rows.slice(0, Math.max(0, height - 1));
  kept.push({
    text: `${ellipsis} ${rows.length - kept.length} more rows; \`${status}\` shows all`,
    tone: 'dim',
  });
  return kept;
}

/** Rows the live content may take: one short of the terminal with the notice and the hints. */
export function liveBudget(viewport: Viewport): number {
  return Math.max(1, viewport.rows - 1 - NOTICE_ROWS - HINT_ROWS);
}

export function LiveFrame({ rows, viewport }: { rows: readonly Row[]; viewport: Viewport }) {
  const { glyphs } = useUi();
  const helpOpen = useAppState((state) => state.helpOpen);
  const status = useAppState((state) => state.commands.status);
  const budget = liveBudget(viewport);
  const body = fitRows(rows, budget, glyphs.ellipsis, commandLine(status));
  return (
    <Box flexDirection="column" width={viewport.columns}>
      {helpOpen ? (
        <HelpOverlay width={viewport.columns} height={Math.min(budget, Math.max(body.length, 8))} />
      ) : (
        <FixedRows rows={body} height={body.length} />
      )}
      <NoticeLines width={viewport.columns} rows={NOTICE_ROWS} />
      <KeyHints width={viewport.columns} rows={HINT_ROWS} />
    </Box>
  );
}
