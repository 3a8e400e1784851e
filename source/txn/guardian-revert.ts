/**
 * The guardian's revert: the engine undoes the change from the journal; this makes sure the
 * outcome is in the journal with the checks after the revert and how late it was, and decides
 * what a failed attempt means. An attempt refused because the journal moved on (the operator's
 * confirmation took the lock an instant before the deadline, or a rollback finished first) is not
 * a failure: that decision stands. Anything else is retried a bounded number of times, then the
 * journal says the revert must be finished with `rollback`.
 */
import type { CheckResult, Engine, RevertOutcome, RevertReason } from './engine-api.js';
import type { GuardianClock, GuardianEnd, GuardianTiming } from './guardian.js';
import type { JournalPhase, JournalStore } from './journal.js';

/** Phases in which the change is kept: the guardian's work is over. */
export const KEPT_PHASES: readonly JournalPhase[] = ['confirmed', 'persisting', 'persisted'];
/** Phases in which a revert has finished (by anyone). */
export const REVERTED_PHASES: readonly JournalPhase[] = ['reverted', 'revert-incomplete'];

export interface GuardianRevertDeps {
  stateDir: string;
  engine: Pick<Engine, 'revert'>;
  journal: JournalStore;
  clock: GuardianClock;
  note(message: string): void;
  timing: Pick<GuardianTiming, 'revertAttempts' | 'revertRetryMs'>;
}

export async function revertAsGuardian(
  deps: GuardianRevertDeps,
  reason: RevertReason,
  why: string,
  deadline: number,
): Promise<GuardianEnd> {
  const { stateDir, engine, journal: store, clock, note, timing } = deps;
  note(`reverting (${reason}): ${why}`);
  await store.addEvent(stateDir, `guardian: reverting (${reason}): ${why}`).catch(() => undefined);
  let lastError = '';
  for (let attempt = 1; attempt <= timing.revertAttempts; attempt++) {
    let outcome: RevertOutcome;
    try {
      outcome = await engine.revert(reason);
    } catch (error) {
      lastError = (error as Error).message;
      note(`revert attempt ${attempt} failed: ${lastError}`);
      const now = await store.load(stateDir).catch(() => null);
      if (now && KEPT_PHASES.includes(now.phase)) return { kind: 'confirmed', phase: now.phase };
      if (now && REVERTED_PHASES.includes(now.phase)) return { kind: 'finished-elsewhere', phase: now.phase };
      if (attempt < timing.revertAttempts)
        await clock.sleep(timing.revertRetryMs, new AbortController().signal);
      continue;
    }
    const afterDeadlineMs = clock.now() - deadline;
    note(`revert ${outcome.kind} ${afterDeadlineMs} ms after the deadline`);
    // The host is already back; failing to note it must not make the guardian revert again.
    await recordRevert(store, stateDir, outcome, afterDeadlineMs).catch((error: unknown) =>
      note(`could not record the revert: ${(error as Error).message}`),
    );
    return { kind: 'reverted', outcome, afterDeadlineMs };
  }
  await store
    .addEvent(stateDir, `guardian: could not revert (${lastError}); run \`bridge-migrate rollback\``)
    .catch(() => undefined);
  return { kind: 'failed', error: lastError };
}

/** The engine records the outcome itself; this makes sure of it, and notes the checks and timing. */
async function recordRevert(
  store: JournalStore,
  stateDir: string,
  outcome: RevertOutcome,
  afterDeadlineMs: number,
): Promise<void> {
  const now = await store.load(stateDir);
  if (now?.phase === 'reverting') {
    await store.recordOutcome(stateDir, {
      kind: outcome.kind,
      reason: outcome.reason,
      differences: outcome.differences,
      manualCommands: outcome.manualCommands,
      steps: outcome.steps.map((step) => ({
        stepId: step.stepId,
        title: step.title,
        state: step.state === 'revert-failed' ? 'revert-failed' : 'reverted',
        ...(step.message ? { message: step.message } : {}),
      })),
      checks: outcome.checks,
    });
  }
  const when =
    outcome.reason === 'timeout' ? `, ${(afterDeadlineMs / 1000).toFixed(2)} s after the deadline` : '';
  const checks =
    outcome.checks.length > 0 ? `; checks after the revert: ${describeChecks(outcome.checks)}` : '';
  await store.addEvent(stateDir, `guardian: revert ${outcome.kind}${when}${checks}`);
}

export function describeChecks(results: readonly CheckResult[]): string {
  return results
    .map((result) => `${result.title}: ${result.ok ? 'ok' : 'FAILED'} (${result.detail})`)
    .join('; ');
}
