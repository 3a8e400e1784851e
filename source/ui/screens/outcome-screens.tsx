/**
 * Screens after the preview that this build has: apply in flight, applied and pending
 * confirmation, and failure. Each is a few rows of text plus the key hints.
 */
import { Box } from 'ink';
import { useShallow } from 'zustand/react/shallow';
import type { Plan } from '../../plan/types.js';
import type { AppFailure } from '../../store/app-state.js';
import { HelpOverlay } from '../components/help-overlay.js';
import { KeyHints } from '../components/key-hints.js';
import { NoticeLines } from '../components/notice-lines.js';
import { FixedRows } from '../components/row-text.js';
import { useAppState, useUi } from '../context.js';
import type { Glyphs } from '../glyphs.js';
import { type Row, wrapped } from '../rows.js';
import { useSpinnerFrame } from '../spinner/use-spinner-frame.js';
import { clip } from '../text-fit.js';
import type { Viewport } from '../use-viewport.js';

export function applyingRows(plan: Plan, glyphs: Glyphs, width: number, frame: number): Row[] {
  const spin = glyphs.spinner[frame % glyphs.spinner.length];
  return [
    ...wrapped(`bridge-migrate  applying ${plan.nic} ${glyphs.arrow} ${plan.bridge}`, 'title', width),
    ...wrapped(`${spin} Applying ${plan.steps.length} steps; keep this session open.`, 'accent', width, '  '),
    ...plan.steps.map(
      (step, index): Row => ({
        text: clip(`  ${index + 1}. ${glyphs.text(step.title)}`, width, glyphs),
        tone: 'plain',
      }),
    ),
  ];
}

export function pendingRows(plan: Plan, glyphs: Glyphs, width: number): Row[] {
  return [
    ...wrapped(`bridge-migrate  ${plan.nic} ${glyphs.arrow} ${plan.bridge} applied`, 'title', width),
    ...wrapped(
      `${glyphs.ok} The change is live and pending until it is confirmed (deadline ${plan.deadlineSec} s).`,
      'ok',
      width,
      '  ',
    ),
    { text: '', tone: 'plain' },
    // Commands get rows of their own so they can be copied whole.
    { text: 'Confirm from a new SSH session (that proves the new path works):', tone: 'plain' },
    ...wrapped(`  ${plan.confirmCommand}`, 'accent', width, '    '),
    { text: 'Roll back:', tone: 'plain' },
    ...wrapped(`  ${plan.rollbackCommand}`, 'accent', width, '    '),
  ];
}

export function failureRows(failure: AppFailure, glyphs: Glyphs, width: number): Row[] {
  return [
    ...wrapped(`${glyphs.failed} ${failure.title}`, 'blocker', width, '  '),
    ...wrapped(glyphs.text(failure.message), 'plain', width, '  '),
    { text: '', tone: 'plain' },
    ...wrapped(glyphs.text(failure.fix), 'accent', width, '  '),
    { text: `exit code ${failure.exitCode}`, tone: 'dim' },
  ];
}

const NOTICE_ROWS = 2;
const HINT_ROWS = 1;

function OutcomeFrame({ rows, viewport }: { rows: Row[]; viewport: Viewport }) {
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

export function ApplyingScreen({ plan, viewport }: { plan: Plan; viewport: Viewport }) {
  const { glyphs } = useUi();
  const frame = useSpinnerFrame(true);
  return <OutcomeFrame rows={applyingRows(plan, glyphs, viewport.columns, frame)} viewport={viewport} />;
}

export function PendingScreen({ plan, viewport }: { plan: Plan; viewport: Viewport }) {
  const { glyphs } = useUi();
  return <OutcomeFrame rows={pendingRows(plan, glyphs, viewport.columns)} viewport={viewport} />;
}

export function FailedScreen({ viewport }: { viewport: Viewport }) {
  const { glyphs } = useUi();
  const { failure } = useAppState(useShallow(({ failure }) => ({ failure })));
  const shown = failure ?? { title: 'Failed', message: 'unknown failure', fix: '', exitCode: 1 as const };
  return <OutcomeFrame rows={failureRows(shown, glyphs, viewport.columns)} viewport={viewport} />;
}
