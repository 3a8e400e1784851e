/**
 * The screens after the flow has ended: confirmed (DoneScreen), reverted completely or not (the
 * guided RollbackScreen, DESIGN.md flow step 7), and failed. What changed, what was undone, the
 * comparison with the pre-state and the commands left to run were printed once above by the
 * migration log, whole and copyable; the live part under them says how it ended and how to leave.
 */
import { Box } from 'ink';
import { commandLine } from '../../plan/operator-commands.js';
import type { AppFailure, OperatorCommands } from '../../store/app-state.js';
import type { RevertOutcome } from '../../txn/engine/engine-api.js';
import { proseRows, quotableCommands } from '../command-rows.js';
import { HelpOverlay } from '../components/help-overlay.js';
import { KeyHints } from '../components/key-hints.js';
import { LiveFrame } from '../components/live-frame.js';
import { NoticeLines } from '../components/notice-lines.js';
import { FixedRows } from '../components/row-text.js';
import { useAppState, useUi } from '../context.js';
import type { Glyphs } from '../glyphs.js';
import { keyedText, keyLabel } from '../keys.js';
import { unfinishedRevertAdvice } from '../outcome-text.js';
import { type Row, wrapped } from '../rows.js';
import type { Viewport } from '../use-viewport.js';

const BLANK: Row = { text: '', tone: 'plain' };

/** `commands`: the ones a fix may quote, kept whole when it wraps (command-rows.ts proseRows). */
export function failureRows(
  failure: AppFailure,
  glyphs: Glyphs,
  width: number,
  commands: Partial<OperatorCommands> = {},
): Row[] {
  return [
    ...wrapped(`${glyphs.failed} ${failure.title}`, 'blocker', width, '  '),
    ...wrapped(glyphs.text(failure.message), 'plain', width, '  '),
    BLANK,
    ...proseRows(glyphs.text(keyedText(failure.fix)), 'accent', width, '  ', quotableCommands(commands)),
    { text: `exit code ${failure.exitCode}`, tone: 'dim' },
  ];
}

const NOTICE_ROWS = 2;
const HINT_ROWS = 1;

/** The full-height frame of a failure before anything was applied (no log above it). */
function FullFrame({ rows, viewport }: { rows: Row[]; viewport: Viewport }) {
  const helpOpen = useAppState((state) => state.helpOpen);
  const height = viewport.rows - 1 - NOTICE_ROWS - HINT_ROWS;
  return (
    <Box flexDirection="column" width={viewport.columns}>
      {helpOpen ? (
        <HelpOverlay width={viewport.columns} height={height} />
      ) : (
        <FixedRows rows={rows} height={height} />
      )}
      <NoticeLines width={viewport.columns} rows={NOTICE_ROWS} />
      <KeyHints width={viewport.columns} rows={HINT_ROWS} />
    </Box>
  );
}

export function DoneScreen({ viewport }: { viewport: Viewport }) {
  const { glyphs } = useUi();
  const plan = useAppState((state) => state.plan);
  const what = plan ? `${plan.nic} ${glyphs.arrow} ${plan.bridge} ` : '';
  const rows = wrapped(
    `${glyphs.ok} Kept: ${what}is confirmed. ${keyLabel('back')} quits (exit 0).`,
    'ok',
    viewport.columns,
    '  ',
  );
  return <LiveFrame rows={rows} viewport={viewport} />;
}

/** The end of the guided rollback: how it ended, what to do if it is incomplete, the exit code. */
export function rollbackLiveRows(
  revert: RevertOutcome,
  commands: Pick<OperatorCommands, 'status' | 'rollback'>,
  glyphs: Glyphs,
  width: number,
): Row[] {
  // The reason and the details are in the report above; this says where things stand.
  if (revert.kind === 'reverted') {
    return wrapped(
      `${glyphs.reverted} Reverted: the host matches its pre-state. ${keyLabel('back')} quits (exit 3).`,
      'info',
      width,
      '  ',
    );
  }
  return proseRows(
    `${glyphs.failed} Revert incomplete: ${unfinishedRevertAdvice(revert, commands.status)}; \`${commandLine(commands.rollback)}\` retries the revert. ${keyLabel('back')} quits (exit 4).`,
    'blocker',
    width,
    '  ',
    quotableCommands(commands),
  );
}

export function RollbackScreen({ viewport }: { viewport: Viewport }) {
  const { glyphs } = useUi();
  const revert = useAppState((state) => state.migration?.revert ?? null);
  const commands = useAppState((state) => state.commands);
  const rows = revert ? rollbackLiveRows(revert, commands, glyphs, viewport.columns) : [];
  return <LiveFrame rows={rows} viewport={viewport} />;
}

export function FailedScreen({ viewport }: { viewport: Viewport }) {
  const { glyphs } = useUi();
  const failure = useAppState((state) => state.failure);
  const applied = useAppState((state) => state.migration !== null);
  const shown = failure ?? { title: 'Failed', message: 'unknown failure', fix: '', exitCode: 1 as const };
  const commands = useAppState((state) => state.commands);
  const rows = failureRows(shown, glyphs, viewport.columns, commands);
  // Once the migration log is on screen, the failure goes under it as a short live part too.
  return applied ? (
    <LiveFrame rows={rows} viewport={viewport} />
  ) : (
    <FullFrame rows={rows} viewport={viewport} />
  );
}
