/**
 * The screens after the engine has answered: the change pending confirmation (a minimal screen;
 * the countdown comes with the guardian), confirmed, reverted (completely or not), and failed.
 * Each is a few live rows under the migration log, plus the notice and key hints.
 */
import { Box } from 'ink';
import type { Plan } from '../../plan/types.js';
import type { AppFailure, AppState } from '../../store/app-state.js';
import type { MigrationProgress } from '../../store/migration-progress.js';
import type { RevertOutcome } from '../../txn/engine-api.js';
import { HelpOverlay } from '../components/help-overlay.js';
import { KeyHints } from '../components/key-hints.js';
import { LiveFrame } from '../components/live-frame.js';
import { NoticeLines } from '../components/notice-lines.js';
import { FixedRows } from '../components/row-text.js';
import { useAppState, useUi } from '../context.js';
import type { Glyphs } from '../glyphs.js';
import { clockTime, REVERT_REASONS } from '../migration-text.js';
import { type Row, wrapped } from '../rows.js';
import type { Viewport } from '../use-viewport.js';

const BLANK: Row = { text: '', tone: 'plain' };

export function pendingRows(
  plan: Plan,
  progress: MigrationProgress,
  state: Pick<AppState, 'guardian' | 'commands'>,
  glyphs: Glyphs,
  width: number,
): Row[] {
  const deadline =
    progress.deadline === null
      ? `Deadline ${plan.deadlineSec} s after the change.`
      : `Deadline ${clockTime(progress.deadline)} by this host's clock (${plan.deadlineSec} s after the change).`;
  const guard = state.guardian
    ? wrapped('  The guardian reverts the change then unless it is confirmed.', 'plain', width, '    ')
    : wrapped(
        `  ${glyphs.warning} No guardian in this build: nothing reverts by itself at the deadline.`,
        'warning',
        width,
        '    ',
      );
  return [
    ...wrapped(
      `${glyphs.ok} Applied and verified: ${plan.nic} ${glyphs.arrow} ${plan.bridge} is live, pending confirmation.`,
      'ok',
      width,
      '  ',
    ),
    ...wrapped(`  ${deadline}`, 'plain', width, '  '),
    ...guard,
    // Commands get rows of their own so they can be copied whole.
    ...wrapped('Keep it: c, or from a NEW SSH session (proves the new path works):', 'plain', width, '  '),
    ...wrapped(`    ${state.commands.confirm}`, 'accent', width, '      '),
    ...wrapped('Undo it: r, or from any session:', 'plain', width, '  '),
    ...wrapped(`    ${state.commands.rollback}`, 'accent', width, '      '),
  ];
}

export function doneRows(plan: Plan, progress: MigrationProgress, glyphs: Glyphs, width: number): Row[] {
  const note = progress.confirmation?.note ?? '';
  return [
    ...wrapped(
      `${glyphs.ok} Confirmed: ${plan.nic} ${glyphs.arrow} ${plan.bridge} is kept.`,
      'ok',
      width,
      '  ',
    ),
    ...(note ? wrapped(`  ${glyphs.text(note)}`, 'plain', width, '  ') : []),
  ];
}

/** What was undone and how the host compares with its pre-state; the commands left to run. */
export function revertRows(
  revert: RevertOutcome,
  failure: string | null,
  glyphs: Glyphs,
  width: number,
): Row[] {
  const why = REVERT_REASONS[revert.reason] ?? revert.reason;
  const undone = revert.steps.filter((step) => step.state === 'reverted').length;
  const rows: Row[] = [];
  if (revert.kind === 'reverted') {
    rows.push(
      ...wrapped(
        `${glyphs.reverted} Reverted (${why}): the host matches its pre-state.`,
        'info',
        width,
        '  ',
      ),
    );
  } else {
    rows.push(
      ...wrapped(
        `${glyphs.failed} Revert incomplete (${why}): the host still differs from its pre-state.`,
        'blocker',
        width,
        '  ',
      ),
    );
  }
  if (failure) rows.push(...wrapped(`  What failed: ${glyphs.text(failure)}`, 'plain', width, '    '));
  const compared =
    revert.differences.length === 0
      ? 'no difference.'
      : `${revert.differences.length} difference${revert.differences.length === 1 ? '' : 's'}:`;
  rows.push(
    ...wrapped(
      `  Undid ${undone} of ${revert.steps.length} steps. Compared with the pre-state: ${compared}`,
      'plain',
      width,
      '  ',
    ),
  );
  for (const difference of revert.differences) {
    rows.push(...wrapped(`  ${glyphs.bullet} ${glyphs.text(difference)}`, 'warning', width, '      '));
  }
  if (revert.manualCommands.length > 0) {
    rows.push(BLANK, ...wrapped('Run these as root to finish the revert by hand:', 'plain', width, '  '));
    for (const command of revert.manualCommands)
      rows.push(...wrapped(`  ${command}`, 'accent', width, '    '));
  }
  return rows;
}

export function failureRows(failure: AppFailure, glyphs: Glyphs, width: number): Row[] {
  return [
    ...wrapped(`${glyphs.failed} ${failure.title}`, 'blocker', width, '  '),
    ...wrapped(glyphs.text(failure.message), 'plain', width, '  '),
    BLANK,
    ...wrapped(glyphs.text(failure.fix), 'accent', width, '  '),
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

function useProgress(): MigrationProgress | null {
  return useAppState((state) => state.migration);
}

export function PendingScreen({ plan, viewport }: { plan: Plan; viewport: Viewport }) {
  const { glyphs } = useUi();
  const progress = useProgress();
  const guardian = useAppState((state) => state.guardian);
  const commands = useAppState((state) => state.commands);
  const rows = progress ? pendingRows(plan, progress, { guardian, commands }, glyphs, viewport.columns) : [];
  return <LiveFrame rows={rows} viewport={viewport} />;
}

export function DoneScreen({ plan, viewport }: { plan: Plan; viewport: Viewport }) {
  const { glyphs } = useUi();
  const progress = useProgress();
  return (
    <LiveFrame
      rows={progress ? doneRows(plan, progress, glyphs, viewport.columns) : []}
      viewport={viewport}
    />
  );
}

export function RevertedScreen({ viewport }: { viewport: Viewport }) {
  const { glyphs } = useUi();
  const progress = useProgress();
  const rows = progress?.revert
    ? revertRows(progress.revert, progress.failure, glyphs, viewport.columns)
    : [];
  return <LiveFrame rows={rows} viewport={viewport} />;
}

export function FailedScreen({ viewport }: { viewport: Viewport }) {
  const { glyphs } = useUi();
  const failure = useAppState((state) => state.failure);
  const applied = useProgress() !== null;
  const shown = failure ?? { title: 'Failed', message: 'unknown failure', fix: '', exitCode: 1 as const };
  const rows = failureRows(shown, glyphs, viewport.columns);
  // Once the migration log is on screen, the failure goes under it as a short live part too.
  return applied ? (
    <LiveFrame rows={rows} viewport={viewport} />
  ) : (
    <FullFrame rows={rows} viewport={viewport} />
  );
}
