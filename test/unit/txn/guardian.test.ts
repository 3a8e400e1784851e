import { chmodSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { configFile } from '../../../source/plan/persist/diff.js';
import { silentLog } from '../../../source/system/debug-log.js';
import type { RevertOptions, RevertOutcome, RevertReason } from '../../../source/txn/engine/engine-api.js';
import { readGuardianRuntimeStatus } from '../../../source/txn/engine/runtime-state.js';
import { type GuardianOptions, runGuardian } from '../../../source/txn/guardian/guardian.js';
import {
  createJournalStore,
  JOURNAL_FILE,
  JournalRefused,
  type JournalStore,
} from '../../../source/txn/journal/journal.js';
import {
  check,
  type FakeEngineOptions,
  fakeEngine,
  fakeSignals,
  type VirtualClock,
  virtualClock,
} from './guardian-fixture.js';
import { makePlan, makePreState, makeTempStateDir } from './journal-fixture.js';

const START = Date.UTC(2024, 0, 2, 3, 4, 5);
const TIMEOUT_SEC = 30;
const DEADLINE = START + TIMEOUT_SEC * 1000;
const PID = 4242;

let temp: ReturnType<typeof makeTempStateDir>;
let clock: VirtualClock;
let store: JournalStore;

beforeEach(async () => {
  temp = makeTempStateDir();
  clock = virtualClock(START);
  store = createJournalStore({ clock: () => clock.now(), purpose: 'test' });
  await store.create(temp.stateDir, { plan: makePlan(), preState: makePreState(), timeoutSec: TIMEOUT_SEC });
});
afterEach(() => temp.cleanup());

/** The journal as `apply` leaves it once the change is applied and verified. */
async function applied(): Promise<void> {
  await store.setPhase(temp.stateDir, 'applying');
  await store.setPhase(temp.stateDir, 'applied');
}

function guard(engineOptions: FakeEngineOptions = {}, overrides: Partial<GuardianOptions> = {}) {
  const engine = fakeEngine(store, temp.stateDir, clock, engineOptions);
  const signals = fakeSignals();
  const run = runGuardian({
    stateDir: temp.stateDir,
    engine,
    journal: store,
    clock,
    log: silentLog,
    pid: PID,
    mode: 'detached',
    signals,
    timing: { probeFailMs: 10_000, watchEveryMs: 2_000 },
    runtimeDir: runtimeDir(),
    ...overrides,
  });
  return { engine, signals, run };
}

const runtimeDir = () => `${temp.root}/run`;

const load = async () => {
  const journal = await store.load(temp.stateDir);
  if (!journal) throw new Error('journal missing');
  return journal;
};

describe('the deadline', () => {
  it('reverts at the deadline and not before, records itself, beats, and records the outcome', async () => {
    await applied();
    let seenAtHalfway: unknown = null;
    clock.at(15_000, async () => {
      seenAtHalfway = (await load()).guardian;
    });
    const { engine, run } = guard();
    const end = await run;

    expect(end.kind).toBe('reverted');
    expect(engine.reverts).toEqual([{ reason: 'timeout', at: expect.any(Number), wall: expect.any(Number) }]);
    const revertedAt = engine.reverts[0]?.wall ?? 0;
    expect(revertedAt).toBeGreaterThanOrEqual(DEADLINE);
    // It sleeps exactly up to the deadline, so in virtual time the revert starts on it.
    expect(revertedAt - DEADLINE).toBeLessThanOrEqual(1);
    expect(seenAtHalfway).toMatchObject({ pid: PID, mode: 'detached', startedAt: START });
    expect((seenAtHalfway as { heartbeatAt: number }).heartbeatAt).toBeGreaterThanOrEqual(START + 14_000);

    const journal = await load();
    expect(journal.phase).toBe('reverted');
    expect(journal.outcome).toMatchObject({ kind: 'reverted', reason: 'timeout', differences: [] });
    const messages = journal.events.map((event) => event.message);
    expect(messages).toContain('guardian: reverting (timeout): the deadline passed without a confirmation');
    expect(journal.revertTrigger).toEqual({
      by: 'guardian',
      reason: 'timeout',
      detail: 'the deadline passed without a confirmation',
      at: expect.any(Number),
    });
    expect(messages.at(-1)).toMatch(
      /^guardian: revert reverted, 0\.00 s after the deadline; checks after the revert: check gateway-icmp: ok/,
    );
  });

  it('keeps counting before the change is applied (a killed apply still gets reverted)', async () => {
    const { engine, run } = guard();
    expect((await run).kind).toBe('reverted');
    expect(engine.reverts.map((revert) => revert.reason)).toEqual(['timeout']);
    expect(engine.watches).toEqual([]); // checks are watched only once the change is applied
  });

  it('follows a deadline extended by another process', async () => {
    await applied();
    clock.at(20_000, () => store.extendDeadline(temp.stateDir, 45));
    const { engine, run } = guard();
    await run;
    expect(engine.reverts).toHaveLength(1);
    expect(engine.reverts[0]?.wall).toBeGreaterThanOrEqual(DEADLINE + 45_000);
    expect((engine.reverts[0]?.wall ?? 0) - (DEADLINE + 45_000)).toBeLessThanOrEqual(1);
  });

  it('is not fooled by the wall clock stepping back: the monotonic deadline still holds', async () => {
    await applied();
    clock.at(5_000, () => clock.stepWall(-3_600_000));
    const { engine, run } = guard();
    await run;
    expect(engine.reverts.map((revert) => [revert.reason, revert.at])).toEqual([
      ['timeout', TIMEOUT_SEC * 1000],
    ]);
  });
});

describe("a journal that is no longer root's alone", () => {
  // Whoever could write the journal would choose the commands a revert runs as root, so it is not
  // read again; but a guardian that stopped would leave the host changed with nobody to undo it.
  // It keeps judging by the last copy it read while trusted, reverts from that copy, and says why.
  it.each([
    [
      'applied',
      'the state directory turns 0755',
      () => chmodSync(temp.stateDir, 0o755),
      'timeout',
      /state has mode 0755/,
    ],
    [
      'reverting',
      'the journal turns 0644',
      () => chmodSync(join(temp.stateDir, JOURNAL_FILE), 0o644),
      'recovery',
      /journal.json has mode 0644/,
    ],
  ] as const)(
    'in phase %s, when %s, reverts from its last trusted copy',
    async (phase, _what, spoil, reason, refusal) => {
      await applied();
      if (phase === 'reverting') await store.setPhase(temp.stateDir, 'reverting', 'operator');
      const trusted = await load();
      clock.at(5_000, spoil);
      // What an untrusted writer says is never believed: a "confirmed" planted after the spoil.
      clock.at(6_000, () =>
        writeFileSync(join(temp.stateDir, JOURNAL_FILE), JSON.stringify({ ...trusted, phase: 'confirmed' })),
      );
      const blockers: unknown[] = [];
      clock.at(20_000, async () => {
        blockers.push((await readGuardianRuntimeStatus(runtimeDir(), trusted.id))?.blocker);
      });
      const revertedFrom: unknown[] = [];
      const revert = async (why: RevertReason, options?: RevertOptions): Promise<RevertOutcome> => {
        revertedFrom.push(options?.known);
        return { kind: 'reverted', reason: why, steps: [], differences: [], manualCommands: [], checks: [] };
      };
      const { engine, run } = guard({ revert }, { timing: { stalledRevertMs: 30_000 } });
      const end = await run;
      expect(end).toMatchObject({ kind: 'reverted' });
      expect(engine.reverts.map((attempt) => attempt.reason)).toEqual([reason]);
      // The copy read while trusted (with the guardian's own heartbeat), never the planted one.
      expect(revertedFrom).toEqual([expect.objectContaining({ id: trusted.id, phase: trusted.phase })]);
      expect(blockers).toEqual([expect.stringMatching(refusal)]);
      expect(String(blockers[0])).not.toContain('\n');
    },
  );
});

describe('decisions made elsewhere', () => {
  it('exits without reverting once the change is confirmed', async () => {
    await applied();
    clock.at(10_000, () => store.setPhase(temp.stateDir, 'confirmed'));
    const { engine, run } = guard();
    expect(await run).toEqual({ kind: 'confirmed', phase: 'confirmed' });
    expect(engine.reverts).toEqual([]);
    expect(clock.monotonic()).toBeLessThan(TIMEOUT_SEC * 1000);
    expect((await load()).phase).toBe('confirmed');
  });

  it('exits when someone else reverted (rollback)', async () => {
    await applied();
    clock.at(8_000, async () => {
      await store.setPhase(temp.stateDir, 'reverting', 'operator');
      await store.recordOutcome(temp.stateDir, { kind: 'reverted', reason: 'operator' });
    });
    const { engine, run } = guard();
    expect(await run).toEqual({ kind: 'finished-elsewhere', phase: 'reverted' });
    expect(engine.reverts).toEqual([]);
  });

  it('finishes a revert that another process started and abandoned', async () => {
    await applied();
    clock.at(8_000, () => store.setPhase(temp.stateDir, 'reverting', 'operator'));
    const { engine, run } = guard({}, { timing: { stalledRevertMs: 60_000 } });
    expect((await run).kind).toBe('reverted');
    expect(engine.reverts.map((revert) => revert.reason)).toEqual(['recovery']);
    // Not at the deadline: only once the other revert had been silent for the whole stall period.
    expect(engine.reverts[0]?.at).toBeGreaterThanOrEqual(68_000);
  });

  it('a guardian started again for the same journal (systemd restarted it) resumes: it takes over and reverts at the deadline', async () => {
    await applied();
    // The first guardian recorded itself and was SIGKILLed: its pid stays in the journal.
    await store.setGuardian(temp.stateDir, { pid: 111, mode: 'systemd-run', unit: 'bridge-migrate-guard-x' });
    const { engine, run } = guard({}, { mode: 'systemd-run', unit: 'bridge-migrate-guard-x' });
    const end = await run;
    expect(end.kind).toBe('reverted');
    expect(engine.reverts.map((revert) => revert.reason)).toEqual(['timeout']);
    // The same deadline, not a new window from the restart.
    expect(engine.reverts[0]?.wall).toBe(DEADLINE);
    const journal = await load();
    expect(journal.guardian).toMatchObject({ pid: PID, mode: 'systemd-run', unit: 'bridge-migrate-guard-x' });
    expect(journal.events.map((event) => event.message)).toContain(
      `guardian started (systemd-run, pid ${PID} unit bridge-migrate-guard-x)`,
    );
  });

  it('a guardian restarted after the change was confirmed exits without touching anything', async () => {
    await applied();
    await store.setGuardian(temp.stateDir, { pid: 111, mode: 'systemd-run' });
    await store.setPhase(temp.stateDir, 'confirmed');
    const { engine, run } = guard({}, { mode: 'systemd-run' });
    // `confirmed` exits 0 (guard-command.ts), which Restart=on-failure does not restart.
    expect((await run).kind).toBe('confirmed');
    expect(engine.reverts).toEqual([]);
  });

  it('steps aside when the journal names another guardian', async () => {
    await applied();
    clock.at(3_000, () => store.setGuardian(temp.stateDir, { pid: 777, mode: 'detached' }));
    const { engine, run } = guard();
    expect(await run).toEqual({ kind: 'replaced', by: 777 });
    expect(engine.reverts).toEqual([]);
  });

  it('takes the confirmation that won the race against its revert', async () => {
    await applied();
    const revert = async (_reason: RevertReason) => {
      await store.setPhase(temp.stateDir, 'confirmed'); // the operator's write got the lock first
      throw new JournalRefused('the change was confirmed', 'nothing to do');
    };
    const { engine, run } = guard({ revert });
    expect(await run).toEqual({ kind: 'confirmed', phase: 'confirmed' });
    expect(engine.reverts).toHaveLength(1);
  });

  it('never gives up while the change is pending: retries with a doubling pause, capped, and says what blocks it', async () => {
    await applied();
    const revert = async () => {
      throw new Error('ENOSPC: no space left on device');
    };
    const blocked: Array<unknown> = [];
    clock.at(100_000, async () => {
      blocked.push(await readGuardianRuntimeStatus(runtimeDir(), (await load()).id));
    });
    // The operator finishes it by hand (rollback) while the guardian keeps trying.
    clock.at(125_000, async () => {
      await store.setPhase(temp.stateDir, 'reverting', 'operator');
      await store.recordOutcome(temp.stateDir, {
        kind: 'reverted',
        reason: 'operator',
        differences: [],
        manualCommands: [],
      });
    });
    const { engine, run } = guard({ revert });
    expect(await run).toEqual({ kind: 'finished-elsewhere', phase: 'reverted' });
    expect(engine.reverts.map((attempt) => attempt.at)).toEqual([
      30_000, 31_000, 33_000, 37_000, 45_000, 61_000, 91_000, 121_000, 151_000,
    ]);
    expect(blocked).toEqual([
      {
        pid: PID,
        at: START + 91_000,
        blocker: 'revert attempt 7 failed: ENOSPC: no space left on device; retrying in 30 s',
        revertAttempts: 7,
        nextAttemptAt: START + 121_000,
      },
    ]);
    expect(await readGuardianRuntimeStatus(runtimeDir(), (await load()).id)).toBeNull();
  });

  it('a stop signal ends the retries without deciding', async () => {
    await applied();
    const revert = async () => {
      throw new Error('EROFS: read-only file system');
    };
    const { engine, run, signals } = guard({ revert });
    clock.at(40_000, () => signals.emit('SIGTERM'));
    expect(await run).toEqual({ kind: 'stopped', signal: 'SIGTERM' });
    expect(engine.reverts.map((attempt) => attempt.at)).toEqual([30_000, 31_000, 33_000, 37_000]);
    expect((await load()).phase).toBe('applied');
  });

  it('a journal that cannot take its heartbeat is reported in /run, and the deadline still reverts', async () => {
    await applied();
    const full: JournalStore = {
      ...store,
      heartbeat: () => Promise.reject(new Error('ENOSPC: no space left on device')),
    };
    const seen: Array<string | null | undefined> = [];
    clock.at(10_000, async () => {
      seen.push((await readGuardianRuntimeStatus(runtimeDir(), (await load()).id))?.blocker);
    });
    const { engine, run } = guard({}, { journal: full });
    expect((await run).kind).toBe('reverted');
    expect(engine.reverts.map((attempt) => attempt.at)).toEqual([30_000]);
    expect(seen).toEqual(['the journal cannot be written: ENOSPC: no space left on device']);
  });
});

describe('watching the checks', () => {
  it('reverts early when a check that passed at baseline keeps failing for the whole period', async () => {
    await applied();
    const failFrom = 3; // watches 0-2 pass, every later one fails
    const { engine, run } = guard({
      watch: (call) => ({
        results: [check('gateway-icmp', call < failFrom), check('dns', true)],
        takesMs: 1_400,
      }),
    });
    const end = await run;
    expect(engine.reverts.map((revert) => revert.reason)).toEqual(['probe-failed']);
    const firstFailure = engine.watches[failFrom]?.at ?? Number.NaN;
    const revertAt = engine.reverts[0]?.at ?? Number.NaN;
    expect(revertAt - firstFailure).toBeGreaterThanOrEqual(10_000);
    expect(revertAt).toBeLessThan(TIMEOUT_SEC * 1000);
    expect(end.kind === 'reverted' && end.afterDeadlineMs < 0).toBe(true);
    const journal = await load();
    expect(journal.outcome).toMatchObject({ kind: 'reverted', reason: 'probe-failed' });
    expect(journal.events.map((event) => event.message)).toContainEqual(
      expect.stringMatching(
        /^guardian: reverting \(probe-failed\): check gateway-icmp failed \d+ times in 1\d\.\d s \(no reply\)$/,
      ),
    );
  });

  it('does not revert for a single failed watch', async () => {
    await applied();
    const { engine, run } = guard({ watch: (call) => ({ results: [check('gateway-icmp', call !== 2)] }) });
    await run;
    expect(engine.watches.length).toBeGreaterThan(5);
    expect(engine.reverts.map((revert) => [revert.reason, revert.at])).toEqual([
      ['timeout', TIMEOUT_SEC * 1000],
    ]);
  });

  it('does not revert for failures that keep being interrupted by a success', async () => {
    await applied();
    const { engine, run } = guard({
      watch: (call) => ({ results: [check('gateway-icmp', call % 4 === 3)] }),
    });
    await run;
    expect(engine.reverts.map((revert) => revert.reason)).toEqual(['timeout']);
  });

  it('does not let a slow watch delay the revert at the deadline', async () => {
    await applied();
    const { engine, run } = guard({
      watch: () => ({ results: [check('gateway-icmp', true)], takesMs: 60_000 }),
    });
    await run;
    expect(engine.watches).toHaveLength(1);
    expect(engine.reverts.map((revert) => revert.at)).toEqual([TIMEOUT_SEC * 1000]);
  });
});

describe('signals', () => {
  it('ignores SIGHUP and still reverts at the deadline', async () => {
    await applied();
    const { engine, signals, run } = guard();
    let listening = 0;
    clock.at(5_000, () => {
      listening = signals.listenerCount('SIGHUP');
      signals.emit('SIGHUP');
    });
    expect((await run).kind).toBe('reverted');
    expect(listening).toBe(1);
    expect(engine.reverts.map((revert) => [revert.reason, revert.at])).toEqual([
      ['timeout', TIMEOUT_SEC * 1000],
    ]);
    expect(signals.listenerCount('SIGHUP')).toBe(0);
  });

  it('stops on SIGTERM without reverting or confirming, leaving the change pending', async () => {
    await applied();
    const { engine, signals, run } = guard();
    clock.at(7_000, () => signals.emit('SIGTERM'));
    expect(await run).toEqual({ kind: 'stopped', signal: 'SIGTERM' });
    expect(engine.reverts).toEqual([]);
    expect(clock.monotonic()).toBe(7_000); // woken at once, not at the next tick
    const journal = await load();
    expect(journal.phase).toBe('applied');
    expect(journal.guardian?.pid).toBe(PID);
    expect(journal.events.at(-1)?.message).toMatch(
      /^guardian stopped by SIGTERM without deciding; the change stays pending/,
    );
    expect(signals.listenerCount('SIGTERM')).toBe(0);
  });

  it('finishes a revert in progress before honouring SIGINT', async () => {
    await applied();
    let signals: ReturnType<typeof fakeSignals> | null = null;
    const revert = async (reason: RevertReason) => {
      signals?.emit('SIGINT');
      await store.setPhase(temp.stateDir, 'reverting', reason);
      return {
        kind: 'reverted' as const,
        reason,
        steps: [],
        differences: [],
        manualCommands: [],
        checks: [],
      };
    };
    const started = guard({ revert });
    signals = started.signals;
    expect((await started.run).kind).toBe('reverted');
    expect((await load()).phase).toBe('reverted');
  });
});

describe('starting', () => {
  it('does nothing when there is nothing pending to guard', async () => {
    await store.setPhase(temp.stateDir, 'reverting', 'operator');
    await store.recordOutcome(temp.stateDir, { kind: 'reverted', reason: 'operator' });
    const { engine, run } = guard();
    expect(await run).toEqual({ kind: 'finished-elsewhere', phase: 'reverted' });
    expect(engine.reverts).toEqual([]);
  });
});

/**
 * While the confirmed change's config is written (txn/persist): it stays after a confirmation with
 * files to write, counts down again on the persist's fresh deadline and watches the checks, and
 * reverts with the reason 'persist-failed'; it leaves once the config is persisted.
 */
describe('while the config is written', () => {
  const PERSIST_SEC = 20;
  beforeEach(async () => {
    await applied();
    await store.update(temp.stateDir, (draft) => {
      draft.plan = {
        ...draft.plan,
        persistWith: 'netplan',
        config: [configFile('/etc/netplan/50-cloud-init.yaml', 'netplan', 'a: 1\n', 'b: 2\n', 'bridge')],
      };
    });
  });

  /** What the persist transaction does to the journal at `at` ms: confirmed, then persisting. */
  function confirmAndPersistAt(at: number): void {
    clock.at(at, () => store.setPhase(temp.stateDir, 'confirmed'));
    clock.at(at + 1_000, () =>
      store.update(temp.stateDir, (draft) => {
        draft.phase = 'persisting';
        draft.deadline = clock.now() + PERSIST_SEC * 1000;
      }),
    );
  }

  it("stays after the confirmation and reverts 'persist-failed' at the persist's deadline", async () => {
    confirmAndPersistAt(5_000);
    const { engine, run } = guard();
    const end = await run;

    expect(end.kind).toBe('reverted');
    expect(engine.reverts.map((revert) => revert.reason)).toEqual(['persist-failed']);
    // The fresh deadline, not the apply's: 6 s in, plus the persist's 20 s.
    expect(engine.reverts[0]?.wall).toBeGreaterThanOrEqual(START + 6_000 + PERSIST_SEC * 1000);
    expect((engine.reverts[0]?.wall ?? 0) - (START + 6_000 + PERSIST_SEC * 1000)).toBeLessThanOrEqual(1);
    const journal = await store.load(temp.stateDir);
    expect(journal?.revertTrigger).toMatchObject({
      reason: 'persist-failed',
      detail: 'writing the config did not finish before its deadline',
    });
  });

  it("reverts 'persist-failed' early when a check that passed at baseline keeps failing while persisting", async () => {
    confirmAndPersistAt(1_000);
    const { engine, run } = guard({
      watch: () => ({ results: [check('gateway-icmp', clock.now() < START + 2_000)] }),
    });
    expect((await run).kind).toBe('reverted');
    expect(engine.reverts.map((revert) => revert.reason)).toEqual(['persist-failed']);
    expect(engine.reverts[0]?.wall).toBeLessThan(START + 2_000 + PERSIST_SEC * 1000);
  });

  it('leaves once the config is persisted', async () => {
    confirmAndPersistAt(5_000);
    clock.at(10_000, () => store.setPhase(temp.stateDir, 'persisted', 'written'));
    const { engine, run } = guard();
    expect(await run).toEqual({ kind: 'confirmed', phase: 'persisted' });
    expect(engine.reverts).toEqual([]);
  });

  it('leaves a confirmation whose persist never starts, keeping the change at runtime', async () => {
    clock.at(5_000, () => store.setPhase(temp.stateDir, 'confirmed'));
    const { engine, run } = guard();
    expect(await run).toEqual({ kind: 'confirmed', phase: 'confirmed' });
    expect(engine.reverts).toEqual([]);
    expect(clock.monotonic()).toBeGreaterThanOrEqual(35_000);
  });
});
