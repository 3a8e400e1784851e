/**
 * The dead-man guardian (DESIGN.md, "The guardian"): a process outside the operator's session that
 * reverts a pending change at the deadline unless the journal says it was confirmed, and earlier
 * when a check that passed before the change keeps failing. It knows the migration only through
 * the journal, which it re-reads every tick, so a deadline extended or a change confirmed by any
 * other process (the TUI, `bridge-migrate confirm` over a new SSH session) is seen within a tick.
 *
 * Decisions per phase it finds:
 * - planned, applying, applied: the countdown runs; at the deadline it reverts ('timeout'). Only in
 *   `applied` does it watch the checks (during `applying` the apply process verifies each step and
 *   a check would fail mid-cutover by design).
 * - confirmed with config still to write: it stays (up to `persistStartMs`) for the persist
 *   transaction, which moves the journal to persisting with a fresh deadline.
 * - persisting: the countdown runs again on that deadline and the checks are watched, as in
 *   `applied`; at the deadline, or when a check keeps failing, it reverts ('persist-failed'), and
 *   the engine's revert restores the written files first (txn/persist/restore-persisted.ts).
 * - confirmed with nothing to write, persisted: the change is kept; it exits.
 * - reverted, revert-incomplete: someone else (rollback, apply's own failure path) finished; it exits.
 * - undoing: the operator's undo of a persisted migration runs in another process (`rollback`,
 *   cli/undo-migration.ts), which armed this guardian first with a fresh deadline. The guardian
 *   finishes the undo itself ('recovery') as soon as that process is gone (the undo's revert lock
 *   has no live holder once `undoStartMs` passed) or at the deadline, so an undo cut short by a
 *   lost SSH session never leaves a half-undone host. It does not watch the checks: mid-undo
 *   they fail by design, and the undo runs them itself when it ends.
 * - reverting: someone else is reverting; it waits. If that revert stalls (no journal change for
 *   `stalledRevertMs`, e.g. `rollback` killed half way) it finishes the revert itself ('recovery'):
 *   a half-reverted host is the one state that must never be left alone.
 * A revert that fails is retried, with a growing pause, for as long as the change is pending
 * (guardian-revert.ts); nothing it needs is written first, so a full or read-only state directory
 * does not stop it. What blocks it goes to /run/bridge-migrate for `status` and the TUI.
 *
 * Signals: SIGHUP is ignored (the guardian exists to outlive a dropped SSH session). SIGTERM and
 * SIGINT stop it WITHOUT reverting or confirming: whoever stops the guardian is taking the
 * decision away from it, and a guessed decision is worse than none. The journal stays pending, so
 * the next start of the tool (or `status`) finds it and offers confirm / rollback (DESIGN.md "The guardian",
 * last paragraph). A signal that arrives while the guardian reverts waits for the revert to finish.
 */
import { setTimeout as sleepFor } from 'node:timers/promises';
import { commandLine } from '../../plan/operator-commands.js';
import type { DebugLog } from '../../system/debug-log.js';
import { UntrustedPath } from '../../system/trusted-path.js';
import type { Engine, RevertReason } from '../engine/engine-api.js';
import {
  clearGuardianRuntimeStatus,
  RUNTIME_DIR,
  revertLockHeld,
  writeGuardianRuntimeStatus,
} from '../engine/runtime-state.js';
import {
  type GuardianInfo,
  type Journal,
  JournalRefused,
  type JournalStore,
  KEPT_PHASES,
  NoJournal,
  REVERTED_PHASES,
  type WatchRecord,
} from '../journal/journal.js';
import { nothingToPersist } from '../persist/persist.js';
import { persistRendererFor } from '../persist/persist-renderers.js';
import type { GuardianClock, GuardianEnd, GuardianTiming } from './guardian-api.js';
import { describeChecks, revertAsGuardian } from './guardian-revert.js';

export type { GuardianClock, GuardianEnd, GuardianTiming };

import { trackDeadline, trackWatchFailures } from './guardian-rules.js';

export const realGuardianClock: GuardianClock = {
  now: () => Date.now(),
  monotonic: () => performance.now(),
  sleep: (ms, wake) => sleepFor(ms, undefined, { signal: wake }).catch(() => undefined),
};

/** Where signals come from: `process` in the real guardian, an EventEmitter in tests. */
export interface SignalSource {
  on(signal: NodeJS.Signals, handler: () => void): unknown;
  off(signal: NodeJS.Signals, handler: () => void): unknown;
}

export const DEFAULT_GUARDIAN_TIMING: GuardianTiming = {
  heartbeatMs: 1_000,
  maxSleepMs: 1_000,
  watchEveryMs: 2_000,
  probeFailMs: 10_000,
  stalledRevertMs: 60_000,
  undoStartMs: 5_000,
  persistStartMs: 30_000,
  revertRetryMs: 1_000,
  revertRetryMaxMs: 30_000,
};

export interface GuardianOptions {
  stateDir: string;
  engine: Pick<Engine, 'revert' | 'watch'>;
  journal: JournalStore;
  clock: GuardianClock;
  log: DebugLog;
  /** This process's pid, as the journal records it. */
  pid: number;
  mode: GuardianInfo['mode'];
  unit?: string;
  signals?: SignalSource;
  timing?: Partial<GuardianTiming>;
  /** Where the guardian's status goes when the journal cannot take it (runtime-state.ts). */
  runtimeDir?: string;
  /** Whether a live process holds the migration's revert lock; default: the lock in runtimeDir. */
  undoRunning?: (journal: Journal) => Promise<boolean>;
}

export async function runGuardian(options: GuardianOptions): Promise<GuardianEnd> {
  const { stateDir, engine, journal: store, clock, log, pid } = options;
  const timing = { ...DEFAULT_GUARDIAN_TIMING, ...options.timing };
  const signals = options.signals ?? process;
  const note = (message: string) => log.note(`guardian: ${message}`);
  let wakeup = new AbortController();
  const wake = () => wakeup.abort();
  let stopSignal: NodeJS.Signals | null = null;
  const onHangup = () => note('SIGHUP ignored: the guardian outlives the session that started it');
  const onStop = (signal: NodeJS.Signals) => () => {
    stopSignal ??= signal;
    wake();
  };
  const stopHandlers = { SIGTERM: onStop('SIGTERM'), SIGINT: onStop('SIGINT') } as const;
  signals.on('SIGHUP', onHangup);
  for (const [signal, handler] of Object.entries(stopHandlers)) signals.on(signal as NodeJS.Signals, handler);

  const deadline = trackDeadline();
  const failures = trackWatchFailures({ failForMs: timing.probeFailMs });
  let watching: Promise<void> | null = null;
  let lastWatchAt: number | null = null;
  /** The latest watch not yet written: it goes into the journal with the next heartbeat. */
  let unsentWatch: WatchRecord | null = null;
  let lastBeatAt = clock.monotonic();
  let lastSeen: Journal | null = null;
  let stall: { fingerprint: string; since: number } | null = null;
  let confirmedSince: number | null = null;
  let undoSince: number | null = null;
  let finished = false;

  function startWatch(): void {
    const startedAt = clock.monotonic();
    lastWatchAt = startedAt;
    watching = engine
      .watch()
      .then(
        (results) => {
          if (finished) return;
          failures.record(results, startedAt, clock.monotonic());
          unsentWatch = { at: clock.now(), results };
          const failed = results.filter((result) => !result.ok);
          if (failed.length > 0) note(`watch: ${describeChecks(failed)}`);
        },
        (error: unknown) => note(`watch could not run: ${(error as Error).message}`),
      )
      .finally(() => {
        watching = null;
        wake();
      });
  }

  const runtimeDir = options.runtimeDir ?? RUNTIME_DIR;
  const undoRunning = options.undoRunning ?? ((journal: Journal) => revertLockHeld(runtimeDir, journal.id));
  let lastBlocker: string | null = null;
  /**
   * Writes what blocks the guardian where `status` finds it even on a full disk, and removes it
   * once nothing does: the file exists only while there is something to say (a guardian killed
   * while unblocked leaves nothing behind in /run).
   */
  async function reportBlocker(
    blocker: string | null,
    revertAttempts = 0,
    nextAttemptAt: number | null = null,
  ) {
    const journalId = lastSeen?.id;
    const was = lastBlocker;
    if (blocker !== was && blocker !== null) note(`blocked: ${blocker}`);
    lastBlocker = blocker;
    if (!journalId) return;
    if (blocker === null) {
      if (was !== null) await clearGuardianRuntimeStatus(runtimeDir, journalId);
      return;
    }
    await writeGuardianRuntimeStatus(runtimeDir, journalId, {
      pid,
      at: clock.now(),
      blocker,
      revertAttempts,
      nextAttemptAt,
    }).catch((error: Error) => note(`could not write the status to ${runtimeDir}: ${error.message}`));
  }

  const revert = (reason: RevertReason, why: string, seen: Journal) =>
    revertAsGuardian(
      {
        stateDir,
        engine,
        journal: store,
        clock,
        note,
        timing,
        reportBlocker,
        stopSignal: () => stopSignal,
        wake: () => {
          if (wakeup.signal.aborted && !stopSignal) wakeup = new AbortController();
          return wakeup.signal;
        },
      },
      reason,
      why,
      seen,
    );

  /** One look at the journal: an end, or how long to sleep before the next look. */
  async function tick(): Promise<GuardianEnd | number> {
    let seen: Journal | null;
    try {
      seen = await store.load(stateDir);
    } catch (error) {
      // A state directory or journal that is no longer root's alone is never read, so nothing in
      // it chooses what a revert runs (system/trusted-path.ts). The guardian keeps the last copy it
      // read while it was trusted and still reverts from that one at the deadline: stopping here
      // would leave the host changed with nobody to undo it. `status` shows why (the blocker).
      if (error instanceof UntrustedPath) {
        note(`will not read the journal (judging by the last trusted copy): ${error.message}`);
        await reportBlocker(`the journal is not trusted any more: ${error.message}`);
      } else {
        // Unreadable for a moment (or for good): keep judging by the last journal read.
        note(`cannot read the journal: ${(error as Error).message}`);
      }
      seen = lastSeen;
    }
    if (seen === null) return { kind: 'finished-elsewhere', phase: null };
    lastSeen = seen;
    if (seen.guardian && seen.guardian.pid !== pid) return { kind: 'replaced', by: seen.guardian.pid };
    const monotonic = clock.monotonic();
    if (seen.phase === 'confirmed' && persistFollows(seen)) {
      confirmedSince ??= monotonic;
      if (monotonic - confirmedSince < timing.persistStartMs) return timing.maxSleepMs;
      note('no persist started after the confirmation: the change is kept at runtime');
    }
    if (KEPT_PHASES.includes(seen.phase) && seen.phase !== 'persisting')
      return { kind: 'confirmed', phase: seen.phase };
    if (REVERTED_PHASES.includes(seen.phase)) return { kind: 'finished-elsewhere', phase: seen.phase };
    if (seen.phase === 'undoing') return watchUndo(seen, monotonic);
    if (seen.phase === 'reverting') {
      const fingerprint = `${seen.events.length}:${seen.events.at(-1)?.at ?? 0}`;
      if (stall?.fingerprint !== fingerprint) stall = { fingerprint, since: monotonic };
      if (monotonic - stall.since >= timing.stalledRevertMs) {
        return revert(
          'recovery',
          `the revert in progress made no progress for ${timing.stalledRevertMs / 1000} s`,
          seen,
        );
      }
      return timing.maxSleepMs;
    }
    stall = null;
    const persisting = seen.phase === 'persisting';
    const watched = seen.phase === 'applied' || persisting;
    const remaining = deadline.remainingMs({ deadline: seen.deadline, now: clock.now(), monotonic });
    if (remaining <= 0) {
      return persisting
        ? revert('persist-failed', 'writing the config did not finish before its deadline', seen)
        : revert('timeout', 'the deadline passed without a confirmation', seen);
    }
    const broken = watched ? failures.broken() : [];
    if (broken.length > 0) {
      const what = broken.map(
        (check) =>
          `${check.title} failed ${check.failures} times in ${(check.failingForMs / 1000).toFixed(1)} s (${check.detail})`,
      );
      return revert(persisting ? 'persist-failed' : 'probe-failed', what.join('; '), seen);
    }
    if (watched && watching === null) {
      if (lastWatchAt === null || monotonic - lastWatchAt >= timing.watchEveryMs) startWatch();
    }
    const untilBeat = lastBeatAt + timing.heartbeatMs - monotonic;
    // A watch in flight wakes the loop when it ends; the next one is due a period after it began.
    const untilWatch =
      watched && watching === null && lastWatchAt !== null
        ? lastWatchAt + timing.watchEveryMs - monotonic
        : timing.maxSleepMs;
    return Math.max(1, Math.min(timing.maxSleepMs, remaining, untilBeat, untilWatch));
  }

  /** Phase undoing: wait while the undo runs; finish it when its process is gone or at the deadline. */
  async function watchUndo(seen: Journal, monotonic: number): Promise<GuardianEnd | number> {
    undoSince ??= monotonic;
    const remaining = deadline.remainingMs({ deadline: seen.deadline, now: clock.now(), monotonic });
    if (remaining <= 0) return revert('recovery', 'the undo did not finish before its deadline', seen);
    if (monotonic - undoSince >= timing.undoStartMs && !(await undoRunning(seen)))
      return revert('recovery', 'the process undoing the migration is gone', seen);
    return Math.max(1, Math.min(timing.maxSleepMs, remaining));
  }

  async function heartbeat(): Promise<GuardianEnd | null> {
    if (clock.monotonic() - lastBeatAt < timing.heartbeatMs) return null;
    const watch = unsentWatch;
    try {
      await store.heartbeat(stateDir, pid, watch ?? undefined);
      if (unsentWatch === watch) unsentWatch = null;
      await reportBlocker(null);
    } catch (error) {
      if (error instanceof NoJournal) return { kind: 'finished-elsewhere', phase: null };
      if (error instanceof JournalRefused) return { kind: 'replaced', by: lastSeen?.guardian?.pid ?? null };
      // The lock was busy (next time), or the state directory is full or read-only: the guardian
      // still reverts at the deadline (nothing it needs is written), but `status` must say so.
      await reportBlocker(`the journal cannot be written: ${(error as Error).message}`);
    }
    // A beat is due a period after the last TRY: a failing disk is not retried in a busy loop.
    lastBeatAt = clock.monotonic();
    return null;
  }

  async function loop(): Promise<GuardianEnd> {
    try {
      await store.setGuardian(stateDir, {
        pid,
        mode: options.mode,
        ...(options.unit ? { unit: options.unit } : {}),
      });
    } catch (error) {
      if (error instanceof NoJournal || error instanceof JournalRefused) {
        note(`nothing to guard: ${error.message}`);
        return {
          kind: 'finished-elsewhere',
          phase: (await store.load(stateDir).catch(() => null))?.phase ?? null,
        };
      }
      throw error;
    }
    note(`armed (pid ${pid}, ${options.mode}${options.unit ? ` unit ${options.unit}` : ''})`);
    // Bounded by the deadline: every pass either ends or sleeps toward it (only the operator moves
    // it, at most MAX_DEADLINE_AHEAD_SEC at a time), or waits on another process's revert, which
    // is taken over once it stalls.
    for (;;) {
      if (stopSignal) return { kind: 'stopped', signal: stopSignal };
      const next = await tick();
      if (typeof next !== 'number') return next;
      const beat = await heartbeat();
      if (beat) return beat;
      if (stopSignal) continue;
      if (wakeup.signal.aborted) wakeup = new AbortController();
      await clock.sleep(next, wakeup.signal);
    }
  }

  try {
    const end = await loop();
    finished = true;
    await reportEnd(end);
    const last = lastSeen as Journal | null;
    if (last) await clearGuardianRuntimeStatus(runtimeDir, last.id);
    return end;
  } finally {
    finished = true;
    signals.off('SIGHUP', onHangup);
    for (const [signal, handler] of Object.entries(stopHandlers))
      signals.off(signal as NodeJS.Signals, handler);
  }

  /** A confirmation whose config the persist transaction is about to write. */
  function persistFollows(journal: Journal): boolean {
    return !nothingToPersist(journal.plan) && persistRendererFor(journal.plan.persistWith) !== null;
  }

  async function reportEnd(end: GuardianEnd): Promise<void> {
    note(`exits: ${end.kind}`);
    if (end.kind === 'stopped') {
      await store
        .addEvent(
          stateDir,
          `guardian stopped by ${end.signal} without deciding; the change stays pending: \`${commandLine(store.commands.confirm)}\` or \`${commandLine(store.commands.rollback)}\``,
        )
        .catch(() => undefined);
    }
  }
}
