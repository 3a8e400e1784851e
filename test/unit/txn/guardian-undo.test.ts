/**
 * The guardian of an undo (phase undoing, cli/undo-migration.ts): it waits while the undoing
 * process runs, finishes the undo itself ('recovery') once that process is gone or at the undo's
 * deadline, and leaves when the undo ended. Virtual clock, real journal in a temp directory.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { silentLog } from '../../../source/system/debug-log.js';
import type { RevertOutcome, RevertReason } from '../../../source/txn/engine/engine-api.js';
import { runGuardian } from '../../../source/txn/guardian/guardian.js';
import {
  createJournalStore,
  IllegalPhaseTransition,
  type JournalStore,
  UNDO_DEADLINE_SEC,
} from '../../../source/txn/journal/journal.js';
import { check, fakeEngine, fakeSignals, type VirtualClock, virtualClock } from './guardian-fixture.js';
import { makePlan, makePreState, makeTempStateDir } from './journal-fixture.js';

const START = Date.UTC(2024, 0, 2, 3, 4, 5);
const UNDO_DEADLINE = START + UNDO_DEADLINE_SEC * 1000;

let temp: ReturnType<typeof makeTempStateDir>;
let clock: VirtualClock;
let store: JournalStore;

beforeEach(async () => {
  temp = makeTempStateDir();
  clock = virtualClock(START);
  store = createJournalStore({ clock: () => clock.now(), purpose: 'test' });
  await store.create(temp.stateDir, { plan: makePlan(), preState: makePreState(), timeoutSec: 30 });
  for (const phase of ['applying', 'applied', 'confirmed', 'persisted'] as const)
    await store.setPhase(temp.stateDir, phase);
});
afterEach(() => temp.cleanup());

/** What undo-migration.ts does before arming the guardian. */
async function startUndo(): Promise<void> {
  await store.update(
    temp.stateDir,
    (draft) => {
      draft.phase = 'undoing';
      draft.deadline = clock.now() + UNDO_DEADLINE_SEC * 1000;
    },
    { undoConfirmed: true },
  );
}

/** The engine's revert of an undo: the outcome recorded straight from undoing. */
async function finishUndo(reason: RevertReason): Promise<RevertOutcome> {
  await store.recordOutcome(temp.stateDir, { kind: 'reverted', reason });
  return {
    kind: 'reverted',
    reason,
    steps: [],
    differences: [],
    manualCommands: [],
    checks: [check('gateway-icmp', true)],
  };
}

/** The guardian, told whether the undoing process holds the revert lock by `running()`. */
function guard(running: () => boolean) {
  const engine = fakeEngine(store, temp.stateDir, clock, { revert: finishUndo });
  const run = runGuardian({
    stateDir: temp.stateDir,
    engine,
    journal: store,
    clock,
    log: silentLog,
    pid: 4242,
    mode: 'detached',
    signals: fakeSignals(),
    timing: { undoStartMs: 5_000 },
    runtimeDir: `${temp.root}/run`,
    undoRunning: async () => running(),
  });
  return { engine, run };
}

describe('the journal of an undo', () => {
  it('enters undoing only when the operator asks (the undo edge), and cannot turn it into a revert', async () => {
    await expect(store.setPhase(temp.stateDir, 'undoing')).rejects.toBeInstanceOf(IllegalPhaseTransition);
    await startUndo();
    await expect(store.setPhase(temp.stateDir, 'reverting')).rejects.toBeInstanceOf(IllegalPhaseTransition);
    // Back to persisted is the guardian-could-not-start path: nothing was changed.
    await store.setPhase(temp.stateDir, 'persisted', 'undo not started');
    expect((await store.load(temp.stateDir))?.phase).toBe('persisted');
  });
});

describe('the guardian of an undo', () => {
  beforeEach(startUndo);

  it('leaves the undo to its process while it runs, and exits once it ended', async () => {
    clock.at(40_000, () => finishUndo('operator'));
    const { engine, run } = guard(() => true);
    expect(await run).toEqual({ kind: 'finished-elsewhere', phase: 'reverted' });
    expect(engine.reverts).toEqual([]);
  });

  it('finishes the undo itself as soon as the undoing process is gone', async () => {
    let alive = true;
    clock.at(9_000, () => {
      alive = false;
    });
    const { engine, run } = guard(() => alive);
    expect((await run).kind).toBe('reverted');
    expect(engine.reverts.map((revert) => revert.reason)).toEqual(['recovery']);
    // Within a second of the process going, long before the undo's deadline.
    expect(engine.reverts[0]?.at).toBeGreaterThanOrEqual(9_000);
    expect(engine.reverts[0]?.at).toBeLessThanOrEqual(10_000);
    const journal = await store.load(temp.stateDir);
    expect(journal?.phase).toBe('reverted');
    expect(journal?.revertTrigger).toMatchObject({
      reason: 'recovery',
      detail: 'the process undoing the migration is gone',
    });
  });

  it('gives the undoing process time to take the revert lock after arming it', async () => {
    let alive = false;
    clock.at(3_000, () => {
      alive = true;
    });
    clock.at(20_000, () => finishUndo('operator'));
    const { engine, run } = guard(() => alive);
    expect(await run).toEqual({ kind: 'finished-elsewhere', phase: 'reverted' });
    expect(engine.reverts).toEqual([]);
  });

  it('finishes an undo that hangs at its deadline, not before', async () => {
    const { engine, run } = guard(() => true);
    expect((await run).kind).toBe('reverted');
    expect(engine.reverts.map((revert) => revert.reason)).toEqual(['recovery']);
    expect(engine.reverts[0]?.wall).toBeGreaterThanOrEqual(UNDO_DEADLINE);
    expect((engine.reverts[0]?.wall ?? 0) - UNDO_DEADLINE).toBeLessThanOrEqual(1);
    expect((await store.load(temp.stateDir))?.revertTrigger?.detail).toBe(
      'the undo did not finish before its deadline',
    );
  });
});
