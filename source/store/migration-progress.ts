/**
 * What the engine has reported about the migration in flight, folded from its events. Pure: the
 * store applies each EngineEvent with `withEngineEvent` and asks `engineTurn` what it means for
 * the flow (phase-flow.ts decides whether the current phase takes it).
 *
 * `log` only ever grows: it is what the screen prints once, in Ink's <Static>, as each step or
 * check reaches a final state, so a slow SSH link redraws only the short live part below it.
 */

import type { ExecCommand, OperatorCommands } from '../plan/operator-commands.js';
import type { Plan } from '../plan/types.js';
import type {
  CheckPhase,
  CheckResult,
  EngineEvent,
  RevertOutcome,
  StepState,
} from '../txn/engine/engine-api.js';
import type { PersistPart, PersistPartState } from '../txn/persist/persist-parts.js';
import type { PhaseEvent } from './phase-flow.js';

/** What confirming did to the journal, and what the operator must know about it. */
export interface ConfirmOutcome {
  /**
   * persisted: nothing was left to write, the migration is finished. confirmed: config files are
   * still to be written by the persist step, so the journal keeps the migration open.
   */
  journalPhase: 'confirmed' | 'persisted';
  /** One or two sentences: where the change lives now (e.g. runtime only, gone after a reboot). */
  note: string;
  /** Config files the persist step wrote; absent or empty: nothing was written to disk. */
  written?: string[];
  /** Persisting failed: the files were restored and the change reverted (the revert's outcome). */
  persistFailed?: { part: string; failure: string; revert: RevertOutcome };
}

export interface StepProgress {
  id: string;
  state: StepState;
  /** Why it failed (or could not be reverted), from the engine. */
  message: string | null;
}

export type LogEntry =
  /** The first line: what is being applied. */
  | { kind: 'start' }
  | { kind: 'step'; stepId: string; state: StepState; message: string | null }
  | { kind: 'check'; phase: CheckPhase; result: CheckResult }
  | { kind: 'reverting'; reason: string | null }
  /** A part of the persist transaction that ended (ok or failed), with what it did or why it failed. */
  | { kind: 'persist'; part: PersistPart; state: PersistPartState; detail: string | null }
  /**
   * Applied and verified: who enforces the deadline and the exact commands for another session.
   * Printed once above the countdown, whose live part is then only the bar, the guardian and the checks.
   */
  | { kind: 'pending'; commands: OperatorCommands }
  /** After a revert: the comparison with the pre-state and the commands left to run by hand. */
  | { kind: 'revert-report'; revert: RevertOutcome; failure: string | null }
  /** A revert of a migration found pending at start (recovery, `rollback`): what is undone, from where. */
  | { kind: 'rolling-back'; phase: string }
  /** Confirmed: what changed, where it lives, how to undo it. */
  | { kind: 'confirmed'; confirmation: ConfirmOutcome; elsewhere: boolean; rollback: ExecCommand };

export interface MigrationProgress {
  steps: StepProgress[];
  log: LogEntry[];
  /** Epoch ms by the host clock, once applied and verified. */
  deadline: number | null;
  /** What went wrong when the engine reverted by itself. */
  failure: string | null;
  revert: RevertOutcome | null;
  confirmation: ConfirmOutcome | null;
}

/** States after which a step does not change again in this run (until a revert starts). */
const FINAL_STATES: readonly StepState[] = ['ok', 'failed', 'reverted', 'revert-failed'];

export function initialProgress(plan: Plan, log: LogEntry[] = [{ kind: 'start' }]): MigrationProgress {
  return {
    steps: plan.steps.map((step) => ({ id: step.id, state: 'pending', message: null })),
    log,
    deadline: null,
    failure: null,
    revert: null,
    confirmation: null,
  };
}

export function withEngineEvent(progress: MigrationProgress, event: EngineEvent): MigrationProgress {
  switch (event.kind) {
    case 'step': {
      const message = event.message ?? null;
      const known = progress.steps.some((step) => step.id === event.stepId);
      const steps = known
        ? progress.steps.map((step) =>
            step.id === event.stepId
              ? { ...step, state: event.state, message: message ?? step.message }
              : step,
          )
        : [...progress.steps, { id: event.stepId, state: event.state, message }];
      const log: LogEntry[] = FINAL_STATES.includes(event.state)
        ? [...progress.log, { kind: 'step', stepId: event.stepId, state: event.state, message }]
        : progress.log;
      return { ...progress, steps, log };
    }
    case 'check':
      return {
        ...progress,
        log: [...progress.log, { kind: 'check', phase: event.phase, result: event.result }],
      };
    case 'persist':
      if (event.state === 'running') return progress;
      return {
        ...progress,
        log: [
          ...progress.log,
          { kind: 'persist', part: event.part, state: event.state, detail: event.detail ?? null },
        ],
      };
    case 'phase':
      if (event.phase !== 'reverting') return progress;
      return { ...progress, log: [...progress.log, { kind: 'reverting', reason: event.message ?? null }] };
    default: {
      const unknown: never = event;
      return unknown;
    }
  }
}

/**
 * What an engine event (already folded into `progress`) means for the flow while the engine
 * works: the journal's `applying` ends arming, every step done starts the verification, and a
 * revert the engine began by itself (a failed step or check) shows as reverting. Null: it moves
 * nothing. The outcome phases come from the engine's result, not from its events.
 */
export function engineTurn(progress: MigrationProgress, event: EngineEvent): PhaseEvent | null {
  if (event.kind === 'phase' && event.phase === 'reverting') return { type: 'revert-started' };
  if (event.kind === 'phase' && event.phase === 'applying') return { type: 'steps-started' };
  if (event.kind === 'phase' && event.phase === 'persisting') return { type: 'persist-started' };
  if (event.kind === 'persist' || event.kind === 'phase') return null;
  if (progress.steps.length > 0 && progress.steps.every((step) => step.state === 'ok')) {
    return { type: 'steps-done' };
  }
  return null;
}

export function withLogEntries(progress: MigrationProgress, ...entries: LogEntry[]): MigrationProgress {
  return { ...progress, log: [...progress.log, ...entries] };
}

/** Whether any step started: until then a failure has changed nothing on the host. */
export function anyStepStarted(progress: MigrationProgress): boolean {
  return progress.steps.some((step) => step.state !== 'pending');
}
