/**
 * The Apply and Verify screen's live part (DESIGN.md flow steps 3 and 4): what is happening now,
 * and every step that has not reached a final state, with its state and command summary. Finished
 * steps and check results are in the log above it (MigrationLog, printed once by <Static>).
 */
import type { Plan } from '../../plan/types.js';
import type { MigrationProgress } from '../../store/migration-progress.js';
import { type Phase, unreachable } from '../../store/phase.js';
import { LiveFrame } from '../components/live-frame.js';
import { useAppState, useUi } from '../context.js';
import type { Glyphs } from '../glyphs.js';
import { stepRows } from '../migration-text.js';
import { type Row, wrapped } from '../rows.js';
import { useSpinnerFrame } from '../spinner/use-spinner-frame.js';
import type { Viewport } from '../use-viewport.js';

export type BusyPhase = Extract<
  Phase,
  'arming' | 'applying' | 'verifying' | 'confirming' | 'persisting' | 'reverting'
>;

/** One sentence on what the engine is doing, and whether the host has changed yet. */
export function activity(phase: BusyPhase, plan: Plan, remote = false): string {
  switch (phase) {
    case 'arming':
      return 'Arming: journal written, taking the baseline checks, starting the guardian. Nothing is changed yet.';
    case 'applying':
      return `Applying ${plan.steps.length} steps, each verified; keep this session open.`;
    case 'verifying':
      return `Verifying through ${plan.bridge}: what passed before the change must pass again.`;
    case 'confirming':
      return 'Confirming: recording the decision in the journal.';
    case 'persisting':
      return `Writing the ${plan.persistWith} config under the guardian: check, back up, write, hand over, verify. A failure restores every file and reverts.`;
    case 'reverting':
      return remote
        ? 'The guardian (or another session) is reverting the change; its outcome shows here.'
        : 'Reverting: undoing the applied steps, then comparing with the pre-state.';
    default:
      return unreachable(phase);
  }
}

export function applyRows(
  phase: BusyPhase,
  plan: Plan,
  progress: MigrationProgress,
  options: { glyphs: Glyphs; width: number; frame: number; remote?: boolean },
): Row[] {
  const { glyphs, width } = options;
  const spin = glyphs.spinner[options.frame % glyphs.spinner.length] ?? glyphs.pending;
  const rows = wrapped(`${spin} ${activity(phase, plan, options.remote)}`, 'accent', width, '  ');
  // The steps still in motion: in a revert the ones being undone, otherwise the ones not yet run.
  const live = progress.steps.filter((step) =>
    phase === 'reverting' ? step.state === 'reverting' : step.state === 'pending' || step.state === 'running',
  );
  for (const step of live) {
    const planned = plan.steps.find((candidate) => candidate.id === step.id) ?? null;
    rows.push(
      ...stepRows(
        { step: planned, stepId: step.id, state: step.state, message: step.message },
        plan,
        glyphs,
        width,
        {
          spin,
          summary: phase !== 'reverting',
        },
      ),
    );
  }
  return rows;
}

export function ApplyScreen({ phase, plan, viewport }: { phase: BusyPhase; plan: Plan; viewport: Viewport }) {
  const { glyphs } = useUi();
  const progress = useAppState((state) => state.migration);
  const helpOpen = useAppState((state) => state.helpOpen);
  const remote = useAppState((state) => state.remoteRevert);
  const frame = useSpinnerFrame(!helpOpen);
  const rows = progress
    ? applyRows(phase, plan, progress, { glyphs, width: viewport.columns, frame, remote })
    : [];
  return <LiveFrame rows={rows} viewport={viewport} />;
}
