/**
 * The guardian while the confirmed change's config is written (txn/persist): it stays after a
 * confirmation with files to write, counts down again on the persist's fresh deadline and watches
 * the checks, and reverts with the reason 'persist-failed'; it leaves once the config is persisted.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { configFile } from '../../../source/plan/persist/diff.js';
import { silentLog } from '../../../source/system/debug-log.js';
import { runGuardian } from '../../../source/txn/guardian/guardian.js';
import { createJournalStore, type JournalStore } from '../../../source/txn/journal/journal.js';
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
const PID = 4242;
const PERSIST_SEC = 20;

let temp: ReturnType<typeof makeTempStateDir>;
let clock: VirtualClock;
let store: JournalStore;

beforeEach(async () => {
  temp = makeTempStateDir();
  clock = virtualClock(START);
  store = createJournalStore({ clock: () => clock.now(), purpose: 'test' });
  const plan = {
    ...makePlan(),
    persistWith: 'netplan' as const,
    config: [configFile('/etc/netplan/50-cloud-init.yaml', 'netplan', 'a: 1\n', 'b: 2\n', 'bridge')],
  };
  await store.create(temp.stateDir, { plan, preState: makePreState(), timeoutSec: 120 });
  await store.setPhase(temp.stateDir, 'applying');
  await store.setPhase(temp.stateDir, 'applied');
});
afterEach(() => temp.cleanup());

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

function guard(engineOptions: FakeEngineOptions = {}) {
  const engine = fakeEngine(store, temp.stateDir, clock, engineOptions);
  const run = runGuardian({
    stateDir: temp.stateDir,
    engine,
    journal: store,
    clock,
    log: silentLog,
    pid: PID,
    mode: 'detached',
    signals: fakeSignals(),
    timing: { probeFailMs: 10_000, watchEveryMs: 2_000, persistStartMs: 30_000 },
    runtimeDir: `${temp.root}/run`,
  });
  return { engine, run };
}

describe('the guardian while the config is written', () => {
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
