/**
 * The guardian's revert: the engine undoes the change from the journal; this makes sure the
 * outcome is in the journal with the checks after the revert and how late it was, and decides
 * what a failed attempt means. An attempt refused because the journal moved on (the operator's
 * confirmation took the lock an instant before the deadline, or a rollback finished first) is not
 * a failure: that decision stands.
 *
 * Anything else is retried for as long as the change is pending — a guardian that gives up leaves
 * a host nobody may be able to reach — with a pause that doubles from `revertRetryMs` up to
 * `revertRetryMaxMs`, so a host whose state directory is full or read-only is not hammered and is
 * still reverted within seconds of it becoming possible. What blocks it goes where it can always
 * be written: /run (runtime-state.ts, read by `status` and the TUI) and the log (which falls back
 * to stderr); the journal too, best effort. Only a stop signal ends the retries.
 */
import type { CheckResult, Engine, RevertOutcome, RevertReason } from '../engine/engine-api.js';
import { type Journal, type JournalStore, KEPT_PHASES, REVERTED_PHASES } from '../journal/journal.js';
import type { GuardianClock, GuardianEnd, GuardianTiming } from './guardian-api.js';

export interface GuardianRevertDeps {
  stateDir: string;
  engine: Pick<Engine, 'revert'>;
  journal: JournalStore;
  clock: GuardianClock;
  note(message: string): void;
  timing: Pick<GuardianTiming, 'revertRetryMs' | 'revertRetryMaxMs'>;
  /** Tells `status` what blocks the guardian (null: nothing); must not throw. */
  reportBlocker(blocker: string | null, attempts: number, nextAttemptAt: number | null): Promise<void>;
  /** The signal that stops the guardian, once one arrived; ends the retries (without deciding). */
  stopSignal(): NodeJS.Signals | null;
  /** Aborted when a stop signal arrives, to cut a pause between attempts short. */
  wake(): AbortSignal;
}

/** The pause before attempt `attempt + 1`: doubling from the first, capped. */
export function retryDelayMs(
  attempt: number,
  timing: Pick<GuardianTiming, 'revertRetryMs' | 'revertRetryMaxMs'>,
): number {
  return Math.min(timing.revertRetryMaxMs, timing.revertRetryMs * 2 ** Math.min(30, attempt - 1));
}

export async function revertAsGuardian(
  deps: GuardianRevertDeps,
  reason: RevertReason,
  why: string,
  seen: Journal,
): Promise<GuardianEnd> {
  const { stateDir, engine, journal: store, clock, note, timing } = deps;
  note(`reverting (${reason}): ${why}`);
  // The decision as a field (the TUI says why from it), before anything is undone.
  await store.recordRevertTrigger(stateDir, { by: 'guardian', reason, detail: why }).catch(() => undefined);
  let known = seen;
  // Bounded by the change: every attempt either ends (reverted, kept, reverted elsewhere, stopped)
  // or pauses at most revertRetryMaxMs; the operator's `rollback` or `confirm` ends it too.
  for (let attempt = 1; ; attempt++) {
    let outcome: RevertOutcome;
    try {
      outcome = await engine.revert(reason, { known });
    } catch (error) {
      const problem = (error as Error).message;
      const now = await store.load(stateDir).catch(() => null);
      if (now && KEPT_PHASES.includes(now.phase)) return { kind: 'confirmed', phase: now.phase };
      if (now && REVERTED_PHASES.includes(now.phase)) return { kind: 'finished-elsewhere', phase: now.phase };
      if (now) known = now;
      const signal = deps.stopSignal();
      if (signal) return { kind: 'stopped', signal };
      const delay = retryDelayMs(attempt, timing);
      const blocker = `revert attempt ${attempt} failed: ${problem}; retrying in ${(delay / 1000).toFixed(0)} s`;
      note(blocker);
      await deps.reportBlocker(blocker, attempt, clock.now() + delay);
      // Once per doubling, not every attempt: the journal may be what is failing.
      if ((attempt & (attempt - 1)) === 0) {
        await store.addEvent(stateDir, `guardian: ${blocker}`).catch(() => undefined);
      }
      await clock.sleep(delay, deps.wake());
      const stopped = deps.stopSignal();
      if (stopped) return { kind: 'stopped', signal: stopped };
      continue;
    }
    await deps.reportBlocker(null, attempt, null);
    if (outcome.elsewhere) {
      note(`another process reverted first (${outcome.kind}); nothing undone here`);
      return { kind: 'finished-elsewhere', phase: outcome.kind };
    }
    const afterDeadlineMs = clock.now() - seen.deadline;
    note(`revert ${outcome.kind} ${afterDeadlineMs} ms after the deadline`);
    // The host is already back; failing to note it must not make the guardian revert again.
    await recordRevert(store, stateDir, outcome, afterDeadlineMs).catch((error: unknown) =>
      note(`could not record the revert: ${(error as Error).message}`),
    );
    return { kind: 'reverted', outcome, afterDeadlineMs };
  }
}

/** The engine records the outcome itself; this makes sure of it, and notes the checks and timing. */
async function recordRevert(
  store: JournalStore,
  stateDir: string,
  outcome: RevertOutcome,
  afterDeadlineMs: number,
): Promise<void> {
  const now = await store.load(stateDir);
  if (now?.phase === 'reverting' || now?.phase === 'undoing') {
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
