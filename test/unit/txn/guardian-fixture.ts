/**
 * A virtual clock and a fake engine for the guardian loop. Time moves only when the guardian
 * sleeps: each sleep runs, in time order, the test's hooks that fall due before it ends (an
 * extension, a confirmation, a signal, a watch that finishes), and stops early when a hook wakes
 * the guardian. So a test reads as a timeline and every run takes the same virtual path, while the
 * journal underneath is the real one in a temp directory.
 */
import { EventEmitter } from 'node:events';
import { setImmediate as turn } from 'node:timers/promises';
import type {
  CheckResult,
  RevertOptions,
  RevertOutcome,
  RevertReason,
} from '../../../source/txn/engine/engine-api.js';
import type { GuardianClock } from '../../../source/txn/guardian/guardian.js';
import type { JournalStore } from '../../../source/txn/journal/journal.js';

interface Hook {
  at: number;
  order: number;
  run: () => unknown;
}

export function virtualClock(startWall: number) {
  let wall = startWall;
  let mono = 0;
  let order = 0;
  const hooks: Hook[] = [];
  const advanceTo = (target: number) => {
    wall += target - mono;
    mono = target;
  };
  const clock: GuardianClock & {
    /** Runs `run` when virtual time reaches `at` (ms since the start). */
    at(at: number, run: () => unknown): void;
    /** A promise that resolves `ms` from now in virtual time. */
    after(ms: number): Promise<void>;
    /** Steps the wall clock only (NTP, `date -s`). */
    stepWall(deltaMs: number): void;
    sleeps: number;
  } = {
    now: () => wall,
    monotonic: () => mono,
    sleeps: 0,
    async sleep(ms, wake) {
      clock.sleeps++;
      if (clock.sleeps > 100_000) throw new Error('the guardian slept 100000 times: a runaway loop');
      const target = mono + ms;
      for (;;) {
        hooks.sort((a, b) => a.at - b.at || a.order - b.order);
        const next = hooks[0];
        if (!next || next.at > target) break;
        hooks.shift();
        advanceTo(Math.max(mono, next.at));
        await next.run();
        // Let the promise chains the hook resolved settle (a watch's then/finally wakes the loop).
        for (let i = 0; i < 5; i++) await turn();
        if (wake.aborted) return;
      }
      advanceTo(target);
      await turn();
    },
    at(at, run) {
      hooks.push({ at, order: order++, run });
    },
    after(ms) {
      return new Promise((resolve) => clock.at(mono + ms, resolve));
    },
    stepWall(deltaMs) {
      wall += deltaMs;
    },
  };
  return clock;
}

export type VirtualClock = ReturnType<typeof virtualClock>;

export function check(id: string, ok: boolean): CheckResult {
  return {
    id,
    title: `check ${id}`,
    target: '198.51.100.1',
    via: 'fcbr0',
    ok,
    detail: ok ? 'reply' : 'no reply',
    durationMs: 1,
  };
}

export interface FakeEngineOptions {
  /** Results of the n-th watch (0-based) and how long it takes in virtual ms; default all pass at once. */
  watch?: (call: number) => { results: CheckResult[]; takesMs?: number };
  /** Replaces the revert; default: phase reverting, then an identical host. */
  revert?: (reason: RevertReason, options?: RevertOptions) => Promise<RevertOutcome>;
}

/** Engine.revert and Engine.watch as the guardian sees them, recording when each was called. */
export function fakeEngine(
  store: JournalStore,
  stateDir: string,
  clock: VirtualClock,
  options: FakeEngineOptions = {},
) {
  const reverts: Array<{ reason: RevertReason; at: number; wall: number }> = [];
  const watches: Array<{ at: number }> = [];
  return {
    reverts,
    watches,
    async watch(): Promise<CheckResult[]> {
      const call = watches.length;
      watches.push({ at: clock.monotonic() });
      const planned = options.watch?.(call) ?? { results: [check('gateway-icmp', true)] };
      if (planned.takesMs) await clock.after(planned.takesMs);
      return planned.results;
    },
    async revert(reason: RevertReason, revertOptions?: RevertOptions): Promise<RevertOutcome> {
      reverts.push({ reason, at: clock.monotonic(), wall: clock.now() });
      if (options.revert) return options.revert(reason, revertOptions);
      const journal = await store.load(stateDir);
      if (journal?.phase !== 'reverting') await store.setPhase(stateDir, 'reverting', reason);
      return {
        kind: 'reverted',
        reason,
        steps: [],
        differences: [],
        manualCommands: [],
        checks: [check('gateway-icmp', true)],
      };
    },
  };
}

export function fakeSignals(): EventEmitter {
  return new EventEmitter();
}
