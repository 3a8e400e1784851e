/**
 * The journal as the TUI follows it. Any process of the tool can move a migration on (the guardian
 * reverting at the deadline, `bridge-migrate confirm` from a new SSH session, `rollback`), so the
 * countdown and the recovery screen learn what happened only from the journal. Pure functions of
 * a journal: what turn it took, the progress a recovered migration starts from, and a revert done
 * by another process in the shape this session's own revert has.
 */
import type { RevertOutcome, RevertReason, StepState } from '../txn/engine/engine-api.js';
import type { GuardianStatus } from '../txn/guardian/guardian-api.js';
import {
  isPending,
  type Journal,
  type JournalPhase,
  KEPT_PHASES,
  REVERTED_PHASES,
} from '../txn/journal/journal.js';
import type { JournalReading, Watched } from './app-state.js';
import { initialProgress, type LogEntry, type MigrationProgress } from './migration-progress.js';

export type JournalTurn = 'pending' | 'kept' | 'reverting' | 'reverted';

export function journalTurn(phase: JournalPhase): JournalTurn {
  if (KEPT_PHASES.includes(phase)) return 'kept';
  if (REVERTED_PHASES.includes(phase)) return 'reverted';
  // An undo of a persisted migration is followed as a revert (the guardian may finish it).
  if (phase === 'reverting' || phase === 'undoing') return 'reverting';
  return 'pending';
}

/** Whether a start of the tool must stop at the recovery screen for this journal. */
export function needsRecovery(journal: Journal | null): journal is Journal {
  return journal !== null && isPending(journal);
}

/** Whether `rollback` on a terminal has something to offer: a pending migration, or a finished
 * (persisted) one to undo (cli/undo-migration.ts). */
export function canRollBack(journal: Journal | null): journal is Journal {
  return journal !== null && (isPending(journal) || journal.phase === 'persisted');
}

/** The progress a migration found in the journal starts from: each step as far as it got. */
export function progressFromJournal(journal: Journal): MigrationProgress {
  const progress = initialProgress(journal.plan, []);
  const steps = progress.steps.map((step) => {
    const applied = journal.applied.find((entry) => entry.stepId === step.id);
    if (!applied) return step;
    const state: StepState = applied.finishedAt === null ? 'running' : applied.ok ? 'ok' : 'failed';
    return { ...step, state, message: applied.error ?? null };
  });
  return { ...progress, steps, deadline: journal.deadline };
}

/** The steps a revert is undoing, as the live screen shows them while the journal says reverting. */
export function stepsBeingReverted(progress: MigrationProgress, journal: Journal): MigrationProgress {
  const started = new Set(journal.applied.map((entry) => entry.stepId));
  return {
    ...progress,
    steps: progress.steps.map((step) => (started.has(step.id) ? { ...step, state: 'reverting' } : step)),
  };
}

/**
 * A finished revert as the journal recorded it. The engine records the steps and the checks with
 * the outcome; a journal without them (written by an older version) still gives the comparison
 * and the manual commands, and the steps by what the journal says was started.
 */
export function revertFromJournal(journal: Journal): RevertOutcome | null {
  const outcome = journal.outcome;
  if (!outcome || (outcome.kind !== 'reverted' && outcome.kind !== 'revert-incomplete')) return null;
  const title = (stepId: string) => journal.plan.steps.find((step) => step.id === stepId)?.title ?? stepId;
  const steps =
    outcome.steps ??
    [...journal.applied].reverse().map((entry) => ({
      stepId: entry.stepId,
      title: title(entry.stepId),
      state: 'reverted' as const,
    }));
  return {
    kind: outcome.kind,
    // 'persist-failed' is a journal reason the engine's type does not list; the screen names it.
    reason: outcome.reason as RevertReason,
    steps,
    differences: outcome.differences ?? [],
    notDone: outcome.notDone ?? [],
    manualCommands: outcome.manualCommands ?? [],
    checks: outcome.checks ?? [],
  };
}

/** Why the guardian reverted ("reverting (timeout): the deadline passed ..."), from the journal's field. */
export function guardianReason(journal: Journal): string | null {
  const trigger = journal.revertTrigger;
  if (trigger?.by !== 'guardian') return null;
  return `reverting (${trigger.reason}): ${trigger.detail}`;
}

/**
 * The log lines of a revert this session did not run: the start (unless already printed), each
 * step undone, and the checks after it, as the engine's events would have printed them here.
 */
export function remoteRevertEntries(revert: RevertOutcome, startLogged: boolean): LogEntry[] {
  return [
    ...(startLogged ? [] : [{ kind: 'reverting', reason: revert.reason } as const]),
    ...revert.steps.map(
      (step): LogEntry => ({
        kind: 'step',
        stepId: step.stepId,
        state: step.state,
        message: step.message ?? null,
      }),
    ),
    ...revert.checks.map((result): LogEntry => ({ kind: 'check', phase: 'after-revert', result })),
  ];
}

/** A live guardian watches the checks itself; the countdown then shows its results. */
export function guardianWatching(guardian: GuardianStatus): boolean {
  return guardian.alive;
}

export function firstWatched(reading: JournalReading & { journal: Journal }, now: number): Watched {
  return {
    reading,
    now,
    windowMs: Math.max(reading.journal.timeoutSec * 1000, reading.journal.deadline - now),
    localChecks: null,
  };
}

/** A new reading of the same migration: the bar's length grows with an extension, never shrinks. */
export function nextWatched(
  watched: Watched | null,
  reading: JournalReading & { journal: Journal },
  now: number,
): Watched {
  if (!watched || watched.reading.journal.id !== reading.journal.id) return firstWatched(reading, now);
  return {
    ...watched,
    reading,
    now,
    windowMs: Math.max(watched.windowMs, reading.journal.deadline - now),
  };
}
