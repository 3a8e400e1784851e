/**
 * The interactive flow's phase machine: one pure `transition(state, event)`, as ink-ui's
 * use-select-state.ts reduces its actions. Actions do their I/O, then dispatch what happened;
 * only this function sets the phase. An event the current phase does not take is refused (null)
 * and changes nothing, the way the journal's PHASE_TRANSITIONS refuses a move (a late engine
 * event of a finished run, a key pressed twice, the journal read just after `c` was pressed).
 *
 * test/ui/phase-flow.test.ts names the next phase, or the refusal, for every (phase, event) pair.
 */
import { DECIDING_PHASES, ENGINE_PHASES, type Phase } from './phase.js';

/** The part of the store's state the flow owns; nothing else writes these fields. */
export interface FlowState {
  phase: Phase;
  /** In reverting: the revert on screen is the guardian's or another session's, seen in the journal. */
  remoteRevert: boolean;
  /**
   * In confirming, and in this session's own reverting: where a refused decision returns, since the
   * journal refused it before anything changed (another session confirmed or reverted meanwhile).
   */
  resumePhase: Phase | null;
}

export type PhaseEvent =
  /** The probes and the planner finished. */
  | { type: 'planned' }
  /** The start found a migration left pending (recovery). */
  | { type: 'found-pending' }
  /** `bridge-migrate rollback` on a terminal: ask y/N about the pending migration. */
  | { type: 'ask-rollback' }
  /** Enter on an acceptable plan: "apply? y/N". */
  | { type: 'ask-apply' }
  /** n, Enter or Esc on the question, or `y` in a build that cannot apply. */
  | { type: 'decline-apply' }
  /** `y` on the question: journal, baseline checks and guardian, nothing changed yet. */
  | { type: 'arm' }
  /** The engine: the journal says applying. */
  | { type: 'steps-started' }
  /** Every step ran and was verified on its own; the checks through the bridge follow. */
  | { type: 'steps-done' }
  /** The engine's outcome: applied and verified, pending until confirmed or rolled back. */
  | { type: 'pending' }
  /** `c`/Enter on the countdown, `c` at recovery. */
  | { type: 'confirm' }
  /** The journal took this session's confirmation; the persist transaction starts writing. */
  | { type: 'persist-started' }
  /** The journal took this session's confirmation (and its config is written, if any). */
  | { type: 'confirmed' }
  /** The journal says the change was kept by another process (`confirm` from a new SSH session). */
  | { type: 'kept-elsewhere' }
  /** `r`, or `y` on the rollback question: this session undoes the change. */
  | { type: 'rollback' }
  /** The engine began undoing (a failed step or check, or this session's rollback). */
  | { type: 'revert-started' }
  /** The journal says reverting: the guardian or another session is undoing the change. */
  | { type: 'reverting-elsewhere' }
  /** A revert ended: this session's own, or (elsewhere) another process's, seen in the journal. */
  | { type: 'revert-finished'; kind: 'reverted' | 'revert-incomplete'; elsewhere: boolean }
  /** The journal refused the confirmation or the rollback before anything changed. */
  | { type: 'refused' }
  /** Probe, plan, apply or this session's revert broke outside the engine's own revert. */
  | { type: 'fail' }
  /** `p` after an apply refused because the host changed since the preview: probe and plan again. */
  | { type: 'plan-again' };
// The persist phase (DESIGN.md flow step 6): 'persist-started' moves confirming → persisting (the
// renderer's config is written under the guardian); 'confirmed' ends it in done; a failed persist
// reverts as this session's engine does ('revert-started', then 'revert-finished').

/** The next flow state, or null: the event is refused in this state and nothing may change. */
export function transition(state: FlowState, event: PhaseEvent): FlowState | null {
  const { phase, remoteRevert } = state;
  const ownRevert = phase === 'reverting' && !remoteRevert;
  const seenRevert = phase === 'reverting' && remoteRevert;
  /** The flow in `next`; a decision in flight is forgotten unless `resumePhase` is given again. */
  const to = (next: Phase, changes: Partial<FlowState> = {}): FlowState => ({
    phase: next,
    remoteRevert,
    resumePhase: null,
    ...changes,
  });
  const only = (allowed: boolean, next: () => FlowState): FlowState | null => (allowed ? next() : null);

  switch (event.type) {
    case 'planned':
      return only(phase === 'probing', () => to('planned'));
    case 'found-pending':
      return only(phase === 'probing', () => to('recovery'));
    case 'ask-rollback':
      return only(phase === 'probing', () => to('confirm-rollback'));
    case 'ask-apply':
      return only(phase === 'planned', () => to('confirm-apply'));
    case 'decline-apply':
      return only(phase === 'confirm-apply', () => to('planned'));
    case 'arm':
      return only(phase === 'confirm-apply', () => to('arming', { remoteRevert: false }));
    case 'steps-started':
      return only(phase === 'arming', () => to('applying'));
    case 'steps-done':
      return only(phase === 'applying', () => to('verifying'));
    case 'pending':
      return only(phase === 'arming' || phase === 'applying' || phase === 'verifying', () =>
        to('awaiting-confirmation'),
      );
    case 'confirm':
      return only(phase === 'awaiting-confirmation' || phase === 'recovery', () =>
        to('confirming', { resumePhase: phase }),
      );
    case 'persist-started':
      return only(phase === 'confirming', () => to('persisting'));
    case 'confirmed':
      return only(phase === 'confirming' || phase === 'persisting', () => to('done'));
    case 'kept-elsewhere':
      return only(DECIDING_PHASES.includes(phase), () => to('done'));
    case 'rollback':
      return only(DECIDING_PHASES.includes(phase), () =>
        to('reverting', { remoteRevert: false, resumePhase: phase }),
      );
    case 'revert-started':
      // During this session's own rollback the engine's "reverting" only confirms the phase.
      if (ownRevert) return to('reverting', { resumePhase: state.resumePhase });
      return only(
        phase === 'arming' || phase === 'applying' || phase === 'verifying' || phase === 'persisting',
        () => to('reverting', { remoteRevert: false }),
      );
    case 'reverting-elsewhere':
      return only(phase === 'awaiting-confirmation', () => to('reverting', { remoteRevert: true }));
    case 'revert-finished':
      if (event.elsewhere) {
        return only(DECIDING_PHASES.includes(phase) || seenRevert, () =>
          to(event.kind, { remoteRevert: true }),
        );
      }
      return only(ENGINE_PHASES.includes(phase) && !seenRevert, () => to(event.kind));
    case 'refused': {
      const back = state.resumePhase;
      return back !== null && (phase === 'confirming' || ownRevert) ? to(back) : null;
    }
    case 'fail':
      return only(phase === 'probing' || (ENGINE_PHASES.includes(phase) && !seenRevert), () => to('failed'));
    case 'plan-again':
      // Only from a failure: the store allows it only when nothing was changed (AppFailure.planAgain).
      return only(phase === 'failed', () => to('probing'));
    default: {
      const unknown: never = event;
      return unknown;
    }
  }
}
