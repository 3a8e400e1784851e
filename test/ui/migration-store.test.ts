/**
 * The store's migration half: how engine events fold into progress and phases, and what confirm,
 * rollback and quit do in each phase. A fake engine (fake-migration.ts) stands in for txn/.
 */
import { describe, expect, it } from 'vitest';
import { DEFAULT_OPERATOR_COMMANDS } from '../../source/plan/operator-commands.js';
import type { AppStore } from '../../source/store/app-store.js';
import {
  engineTurn,
  initialProgress,
  type MigrationProgress,
  withEngineEvent,
} from '../../source/store/migration-progress.js';
import type { Phase } from '../../source/store/phase.js';
import { transition } from '../../source/store/phase-flow.js';
import type { EngineEvent } from '../../source/txn/engine/engine-api.js';
import { NothingToRevert } from '../../source/txn/engine/engine-errors.js';
import { check, type FakeMigration, fakeMigration, revertOutcome } from './fake-migration.js';
import { quietPlan } from './fixtures.js';
import { plannedStore } from './harness.js';

/** The phase the store shows after an engine event: the event's turn, if the flow takes it. */
function phaseAfter(phase: Phase, progress: MigrationProgress, event: EngineEvent): Phase {
  const turn = engineTurn(progress, event);
  const flow = turn && transition({ phase, remoteRevert: false, resumePhase: null }, turn);
  return flow ? flow.phase : phase;
}

describe('folding engine events', () => {
  it('logs steps only in a final state, checks as they come, and the start of a revert', () => {
    let progress = initialProgress(quietPlan());
    const events = [
      { kind: 'step', stepId: 'stage-bridge', state: 'running' },
      { kind: 'check', phase: 'baseline', result: check('gateway-arp', 'ens18') },
      { kind: 'step', stepId: 'stage-bridge', state: 'ok' },
      { kind: 'step', stepId: 'cutover', state: 'failed', message: 'RTNETLINK answers: File exists' },
      { kind: 'phase', phase: 'reverting', message: 'apply-failed' },
      { kind: 'step', stepId: 'cutover', state: 'reverting' },
      { kind: 'step', stepId: 'cutover', state: 'reverted' },
      { kind: 'phase', phase: 'reverted' },
    ] as const;
    for (const event of events) progress = withEngineEvent(progress, event);
    expect(progress.log.map((entry) => [entry.kind, 'state' in entry ? entry.state : null])).toEqual([
      ['start', null],
      ['check', null],
      ['step', 'ok'],
      ['step', 'failed'],
      ['reverting', null],
      ['step', 'reverted'],
    ]);
    expect(progress.steps).toEqual([
      { id: 'stage-bridge', state: 'ok', message: null },
      // The failure's reason stays with the step through its revert.
      { id: 'cutover', state: 'reverted', message: 'RTNETLINK answers: File exists' },
      { id: 'stop-dhcp', state: 'pending', message: null },
    ]);
  });

  it('keeps a step it did not know, rather than dropping its news', () => {
    const progress = withEngineEvent(initialProgress(quietPlan()), {
      kind: 'step',
      stepId: 'renderer-hold',
      state: 'running',
    });
    expect(progress.steps.at(-1)).toEqual({ id: 'renderer-hold', state: 'running', message: null });
  });

  it('moves arming → applying on the journal phase, applying → verifying once every step is ok', () => {
    const plan = quietPlan();
    let progress = initialProgress(plan);
    expect(phaseAfter('arming', progress, { kind: 'phase', phase: 'planned' })).toBe('arming');
    expect(phaseAfter('arming', progress, { kind: 'phase', phase: 'applying' })).toBe('applying');
    for (const step of plan.steps.slice(0, 2)) {
      progress = withEngineEvent(progress, { kind: 'step', stepId: step.id, state: 'ok' });
    }
    const third = { kind: 'step' as const, stepId: 'stop-dhcp', state: 'ok' as const };
    expect(phaseAfter('applying', progress, third)).toBe('applying');
    progress = withEngineEvent(progress, third);
    expect(phaseAfter('applying', progress, third)).toBe('verifying');
    expect(phaseAfter('verifying', progress, { kind: 'phase', phase: 'reverting' })).toBe('reverting');
    // A late event of a finished run moves nothing.
    expect(phaseAfter('reverted', progress, { kind: 'phase', phase: 'reverting' })).toBe('reverted');
    expect(phaseAfter('awaiting-confirmation', progress, third)).toBe('awaiting-confirmation');
  });
});

async function pendingStore(engine: FakeMigration): Promise<AppStore> {
  const store = await plannedStore({ planned: quietPlan(), migration: engine.deps });
  store.getState().actions.requestApply();
  const applying = store.getState().actions.confirmApply();
  engine.finishStart({ kind: 'pending', deadline: 5_000, checks: [] });
  await applying;
  expect(store.getState().phase).toBe('awaiting-confirmation');
  return store;
}

describe('the pending change', () => {
  it('refuses to quit in every phase with a change in flight', async () => {
    const engine = fakeMigration();
    const store = await plannedStore({ planned: quietPlan(), migration: engine.deps });
    store.getState().actions.requestApply();
    void store.getState().actions.confirmApply();
    for (const phase of ['arming', 'applying', 'verifying', 'confirming', 'reverting'] as const) {
      store.setState({ phase });
      store.getState().actions.quit();
      expect(store.getState().exit, phase).toBeNull();
    }
  });

  it('a confirm the engine refuses leaves the change pending and says why', async () => {
    const engine = fakeMigration();
    engine.deps.confirm = async () => {
      throw new Error(
        'the deadline has passed and the change is being reverted; see `bridge-migrate status`',
      );
    };
    const store = await pendingStore(engine);
    await store.getState().actions.confirmChange();
    expect(store.getState().phase).toBe('awaiting-confirmation');
    expect(store.getState().notice).toEqual({
      tone: 'error',
      text: 'Not confirmed: the deadline has passed and the change is being reverted; see `bridge-migrate status`',
    });
  });

  it('a rollback refused by the journal (already reverted elsewhere) changes nothing and says so', async () => {
    const engine = fakeMigration();
    const store = await pendingStore(engine);
    const rolling = store.getState().actions.rollbackNow();
    expect(store.getState().phase).toBe('reverting');
    engine.failRevert(new NothingToRevert('reverted', DEFAULT_OPERATOR_COMMANDS.status));
    await rolling;
    expect(store.getState().phase).toBe('awaiting-confirmation');
    expect(store.getState().notice?.text).toMatch(
      /^Not rolled back: the migration is reverted; there is nothing to revert/,
    );
  });

  it('a rollback that breaks part way sends the operator to status with exit 4', async () => {
    const engine = fakeMigration();
    const store = await pendingStore(engine);
    const rolling = store.getState().actions.rollbackNow();
    engine.failRevert(new Error('ip -batch could not be written: ENOSPC'));
    await rolling;
    expect(store.getState().phase).toBe('failed');
    expect(store.getState().failure).toMatchObject({ title: 'Rollback failed', exitCode: 4 });
    expect(store.getState().failure?.fix).toContain('bridge-migrate status');
  });

  it('a completed rollback records the outcome and quits with 3; an incomplete one with 4', async () => {
    for (const [kind, code] of [
      ['reverted', 3],
      ['revert-incomplete', 4],
    ] as const) {
      const engine = fakeMigration();
      const store = await pendingStore(engine);
      const rolling = store.getState().actions.rollbackNow();
      engine.finishRevert(revertOutcome(quietPlan(), 3, { kind, reason: 'operator' }));
      await rolling;
      expect(store.getState().phase).toBe(kind);
      expect(store.getState().migration?.revert?.kind).toBe(kind);
      store.getState().actions.quit();
      expect(store.getState().exit?.code).toBe(code);
    }
  });

  it('c and r do nothing outside the pending phase', async () => {
    const engine = fakeMigration();
    const store = await plannedStore({ planned: quietPlan(), migration: engine.deps });
    await store.getState().actions.confirmChange();
    await store.getState().actions.rollbackNow();
    expect(engine.deps.confirm).not.toHaveBeenCalled();
    expect(engine.deps.revert).not.toHaveBeenCalled();
    expect(store.getState().phase).toBe('planned');
  });
});

describe('the countdown clock', () => {
  it('ticks just after the shown seconds change, at most twice a second', async () => {
    const { nextTickIn } = await import('../../source/store/journal-actions.js');
    const { fakeJournal } = await import('./fake-journal.js');
    const journal = fakeJournal(quietPlan(), { createdAt: 0, deadline: 120_000 });
    const watched = {
      reading: {
        journal,
        guardian: { info: null, alive: false, heartbeatAgeMs: null },
        now: 0,
        confirmation: null,
      },
      now: 0,
      windowMs: 120_000,
      localChecks: null,
    };
    // 57.3 s left shows "58 s"; it shows "57 s" from 57.0 s left, 300 ms later.
    expect(nextTickIn(watched, 120_000 - 57_300)).toBe(320);
    expect(nextTickIn(watched, 120_000 - 57_000)).toBe(1_020);
    // Never sooner than 200 ms, never later than just over a second; past the deadline, twice a second.
    expect(nextTickIn(watched, 120_000 - 57_010)).toBe(200);
    expect(nextTickIn(watched, 121_000)).toBe(500);
    expect(nextTickIn(null, 0)).toBe(500);
  });
});
