/**
 * Recovery (DESIGN.md "The guardian", last paragraph): a start of the tool that finds a migration left pending shows it instead of
 * probing, and offers confirm (only for an applied change before its deadline), roll back now,
 * details and quit; `bridge-migrate rollback` on a terminal opens the same screen with y/N.
 */
import { cleanup } from 'ink-testing-library';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { AppStore } from '../../source/store/app-store.js';
import type { Journal } from '../../source/txn/journal/journal.js';
import { START, settle, useFakeClock } from './countdown-harness.js';
import { fakeJournal } from './fake-journal.js';
import { type FakeMigration, fakeMigration, revertOutcome } from './fake-migration.js';
import { quietPlan } from './fixtures.js';
import { renderUi, testStore, type Ui } from './harness.js';

beforeEach(useFakeClock);
afterEach(() => {
  cleanup();
  vi.useRealTimers();
});

interface Recovery {
  store: AppStore;
  engine: FakeMigration;
  ui: Ui;
}

async function start(journal: Journal | null, options: { guardianAlive?: boolean; rollback?: boolean } = {}) {
  const engine = fakeMigration();
  engine.world.journal = journal;
  engine.world.guardianAlive = options.guardianAlive ?? false;
  const store = testStore({ planned: quietPlan(), migration: engine.deps, clock: { now: () => Date.now() } });
  const opened = options.rollback ? store.getState().actions.openRollback() : store.getState().actions.open();
  const ui = renderUi(store);
  await opened;
  await settle(50);
  return { store, engine, ui } satisfies Recovery;
}

async function type(ui: Ui, keys: string): Promise<string> {
  ui.stdin.write(keys);
  await settle();
  await settle();
  return ui.frame();
}

/** Killed at the countdown: applied, 80 s of its 120 s left, the guardian gone too. */
function killedAtCountdown(overrides: Partial<Journal> = {}): Journal {
  return fakeJournal(quietPlan(), { createdAt: START - 40_000, ...overrides });
}

function fits(ui: Ui) {
  const lines = ui.lines();
  expect(lines.length).toBeLessThanOrEqual(24);
  for (const line of lines) expect([...line].length).toBeLessThanOrEqual(80);
}

describe('a start that finds a pending migration', () => {
  it('shows what is pending instead of probing: phase, steps, deadline, the dead guardian', async () => {
    const { ui, store } = await start(killedAtCountdown());
    expect(store.getState().phase).toBe('recovery');
    const frame = ui.frame();
    expect(frame).toContain('bridge-migrate  a migration was left pending');
    expect(frame).toContain('  ens18 → fcbr0, phase applied: applied and verified, awaiting confirmation.');
    expect(frame).toMatch(/✓ done +1\/3 Create bridge fcbr0/);
    expect(frame).toMatch(/✓ done +3\/3 Stop dhclient/);
    expect(frame).toContain("  Deadline 10:01:20 by this host's clock: 80 s left.");
    expect(frame).toContain('  ✗ Guardian (pid 4242) is not running: nothing reverts it by itself.');
    expect(ui.lines().at(-1)).toBe(
      'c/Enter confirm  r roll back  s details  ? help  Esc/q quit (stays pending)',
    );
    fits(ui);
    // It keeps following the journal: the seconds move with the host clock.
    await settle(10_000);
    expect(ui.frame()).toContain('70 s left.');
  });

  it('a dead deadline says so; a live guardian is shown alive', async () => {
    const { ui } = await start(killedAtCountdown({ createdAt: START - 130_000 }), { guardianAlive: true });
    const frame = ui.frame();
    expect(frame).toContain("  Deadline 09:59:50 by this host's clock passed 10 s ago.");
    expect(frame).toContain('  ✓ Guardian (pid 4242) alive, heartbeat');
  });

  it('a step cut short by a crash is named as such', async () => {
    const journal = killedAtCountdown({ phase: 'applying' });
    journal.applied = journal.applied.slice(0, 2);
    (journal.applied[1] as (typeof journal.applied)[0]).finishedAt = null;
    (journal.applied[1] as (typeof journal.applied)[0]).ok = null;
    const { ui } = await start(journal);
    const frame = ui.frame();
    expect(frame).toContain(
      '  ens18 → fcbr0, phase applying: being applied, or stopped part way: step\n    cutover started and never finished.',
    );
    expect(frame).toMatch(/! cut short +2\/3 Move ens18/);
    expect(frame).toMatch(/· not run +3\/3 Stop dhclient/);
    // Confirming is for an applied change only.
    expect(ui.lines().at(-1)).not.toContain('confirm');
  });

  it('c confirms an applied change; q then exits 0', async () => {
    const { ui, engine } = await start(killedAtCountdown());
    const frame = await type(ui, 'c');
    expect(engine.deps.confirm).toHaveBeenCalledTimes(1);
    expect(frame).toContain('✓ Confirmed: ens18 → fcbr0 is kept.');
    await type(ui, 'q');
    expect(ui.exits[0]?.code).toBe(0);
  });

  it('c is not offered, and does nothing, for a change that is not applied', async () => {
    const { ui, engine, store } = await start(killedAtCountdown({ phase: 'revert-incomplete' }));
    await type(ui, 'c');
    expect(engine.deps.confirm).not.toHaveBeenCalled();
    expect(store.getState().phase).toBe('recovery');
  });

  it('r rolls back now through the guided rollback screen; q exits 3', async () => {
    const { ui, engine } = await start(killedAtCountdown());
    let frame = await type(ui, 'r');
    expect(engine.deps.revert).toHaveBeenCalledTimes(1);
    expect(frame).toContain('bridge-migrate  rolling back ens18 → fcbr0, found pending in phase applied');
    expect(frame).toContain('Reverting: undoing the applied steps');
    const plan = quietPlan();
    engine.emit({ kind: 'phase', phase: 'reverting', message: 'operator' });
    for (const step of [...plan.steps].reverse()) engine.step(step.id, 'reverted');
    engine.checks('after-revert', 'ens18');
    engine.finishRevert(revertOutcome(plan, 3, { reason: 'operator' }));
    await settle();
    frame = ui.frame();
    expect(frame).toMatch(/↺ reverted +2\/3 Move ens18/);
    expect(frame).toContain("↺ Reverted (operator's choice): the host matches its pre-state.");
    expect(frame).toContain('Compared with the pre-state: links, addresses, routes and');
    await type(ui, 'q');
    expect(ui.exits[0]?.code).toBe(3);
  });

  it('r is refused while the guardian is reverting it; its outcome then shows by itself', async () => {
    const journal = killedAtCountdown();
    const { ui, engine } = await start(journal, { guardianAlive: true });
    engine.world.setPhase('reverting', 'timeout');
    await settle(1000);
    expect(ui.frame()).toContain('phase reverting: being reverted by the guardian now.');
    const frame = await type(ui, 'r');
    expect(engine.deps.revert).not.toHaveBeenCalled();
    expect(frame).toContain('The guardian is reverting this change right now; its outcome shows here');
    engine.world.revertByGuardian(
      revertOutcome(quietPlan(), 3, { reason: 'timeout' }),
      'the deadline passed',
    );
    await settle(1000);
    expect(ui.frame()).toContain('↺ Reverted: the host matches its pre-state. q quits (exit 3).');
  });

  it('s shows the journal: each step and the events, latest last; s or Esc goes back', async () => {
    const { ui } = await start(killedAtCountdown());
    let frame = await type(ui, 's');
    expect(frame).toContain('Steps (s: back to the summary)');
    expect(frame).toContain('Journal 0f1e2d3c: 2 events, latest last');
    expect(frame).toContain('  09:59:20  guardian started (detached, pid 4242)');
    expect(ui.lines().at(-1)).toContain('s summary');
    fits(ui);
    frame = await type(ui, '\u001B');
    await settle(100);
    expect(ui.frame()).toContain('a migration was left pending');
  });

  it('shows host text from the journal with its control characters escaped, summary and details', async () => {
    const plan = quietPlan();
    const stop = plan.steps.at(-1);
    if (!stop) throw new Error('the fixture plan has no steps');
    stop.title = 'Stop dhclient\x1b[2J\nFAKE';
    const journal = killedAtCountdown({ plan });
    journal.events.push({
      at: START - 30_000,
      phase: 'applied',
      message: 'restarted \x1b]0;owned\x07 \u202eevil',
    });
    const { ui } = await start(journal);
    // The colors Ink writes are SGR sequences; any other control character came from the journal.
    const raw = () => ui.raw().replace(/\u001B\[[0-9;]*m/g, '');
    expect(ui.frame()).toMatch(/3\/3 Stop dhclient\\x1b\[2J\\nFAKE/);
    expect(raw()).not.toMatch(/[\x00-\x09\x0b-\x1f\x7f-\x9f\u202e]/);
    const details = await type(ui, 's');
    expect(details).toContain('restarted \\x1b]0;owned\\x07 \\u202eevil');
    expect(raw()).not.toMatch(/[\x00-\x09\x0b-\x1f\x7f-\x9f\u202e]/);
    fits(ui);
  });

  it('q leaves it pending: exit 0, nothing confirmed or reverted', async () => {
    const { ui, engine } = await start(killedAtCountdown());
    await type(ui, 'q');
    expect(ui.exits[0]).toEqual({
      code: 0,
      reason: 'left the pending migration as it was; `bridge-migrate status` shows it',
    });
    expect(engine.deps.confirm).not.toHaveBeenCalled();
    expect(engine.deps.revert).not.toHaveBeenCalled();
  });

  it('a revert left incomplete shows its differences and the commands to finish it', async () => {
    const journal = killedAtCountdown({
      phase: 'revert-incomplete',
      outcome: {
        kind: 'revert-incomplete',
        reason: 'timeout',
        at: START - 5_000,
        differences: ['fcbr0 still exists'],
        manualCommands: [{ kind: 'exec', argv: ['ip', 'link', 'del', 'dev', 'fcbr0'] }],
      },
    });
    const { ui } = await start(journal);
    const frame = ui.frame();
    expect(frame).toContain('phase revert-incomplete: reverted only in part');
    expect(frame).toContain('    • fcbr0 still exists');
    expect(frame).toContain('  Finish it by hand, as root (or retry with r):\n    ip link del dev fcbr0');
  });

  it('a finished journal, or none, goes straight to the probe', async () => {
    for (const journal of [null, killedAtCountdown({ phase: 'reverted' })]) {
      const { store } = await start(journal);
      expect(store.getState().phase).toBe('planned');
      cleanup();
    }
  });
});

describe('bridge-migrate rollback on a terminal', () => {
  it('asks y/N under the pending change; n exits 1 and changes nothing', async () => {
    const { ui, engine, store } = await start(killedAtCountdown(), { rollback: true });
    expect(store.getState().phase).toBe('confirm-rollback');
    expect(ui.frame()).toContain('a migration was left pending');
    expect(ui.frame()).toContain('Roll back ens18 → fcbr0 now and compare the host with its pre-state? y/N');
    expect(ui.lines().at(-1)).toBe('y yes, roll back  n/Enter/Esc no  s details  ? help');
    await type(ui, 'n');
    expect(ui.exits[0]).toEqual({ code: 1, reason: 'not rolled back; nothing was changed' });
    expect(engine.deps.revert).not.toHaveBeenCalled();
  });

  it('y rolls it back and shows the guided rollback screen; incomplete exits 4', async () => {
    const { ui, engine } = await start(killedAtCountdown(), { rollback: true });
    await type(ui, 'y');
    expect(engine.deps.revert).toHaveBeenCalledTimes(1);
    engine.finishRevert(
      revertOutcome(quietPlan(), 3, {
        kind: 'revert-incomplete',
        reason: 'operator',
        differences: ['fcbr0 still exists'],
        manualCommands: [{ kind: 'exec', argv: ['ip', 'link', 'del', 'dev', 'fcbr0'] }],
      }),
    );
    await settle();
    const frame = ui.frame();
    expect(frame).toContain("✗ Revert incomplete (operator's choice): the host still differs");
    expect(frame).toContain('  Run these as root to finish the revert by hand:\n    ip link del dev fcbr0');
    await type(ui, 'q');
    expect(ui.exits[0]?.code).toBe(4);
  });

  it('an incomplete guided rollback with no command to print points at the host, not at commands above', async () => {
    const { ui, engine } = await start(killedAtCountdown(), { rollback: true });
    await type(ui, 'y');
    engine.finishRevert(
      revertOutcome(quietPlan(), 3, {
        kind: 'revert-incomplete',
        reason: 'operator',
        differences: ['the host could not be read to compare it with the pre-state: ip: timed out'],
        manualCommands: [],
      }),
    );
    await settle();
    const frame = ui.frame().replace(/\n\s*/g, ' ');
    expect(frame).not.toContain('Run these as root');
    expect(frame).not.toContain('commands above');
    expect(frame).toContain('Revert incomplete: no command can be printed for what is left');
    await type(ui, 'q');
    expect(ui.exits[0]?.code).toBe(4);
  });
});
