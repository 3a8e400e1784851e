/**
 * A pending change whose guardian is gone is said FIRST on the countdown and on the
 * recovery screen — "the guardian (pid N) is not running: nothing will revert this change at the
 * deadline" — with the two ways out: `g` re-arms a guardian for the same deadline (the same
 * launcher as apply's), `r` rolls back. Past the deadline, `g` reverts now.
 */
import { cleanup } from 'ink-testing-library';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { Journal } from '../../source/txn/journal/journal.js';
import { countdownStore, START, settle, useFakeClock } from './countdown-harness.js';
import { fakeJournal } from './fake-journal.js';
import { fakeMigration } from './fake-migration.js';
import { quietPlan } from './fixtures.js';
import { renderUi, testStore, type Ui } from './harness.js';

beforeEach(useFakeClock);
afterEach(() => {
  cleanup();
  vi.useRealTimers();
});

/** The alert as it wraps at 80 columns: the problem on two rows, the ways out on the third. */
const ALERT = [
  '✗ The guardian (pid 4242) is not running: nothing will revert this change at the',
  '  deadline.',
  '  g re-arms a guardian for the same deadline, r rolls back now.',
];

async function type(ui: Ui, keys: string): Promise<string> {
  ui.stdin.write(keys);
  await settle();
  await settle();
  return ui.frame();
}

/** The new guardian the launcher starts: it records itself in the (fake) journal and lives. */
function rearmsInto(world: { journal: Journal | null; guardianAlive: boolean }) {
  return vi.fn(async () => {
    if (!world.journal?.guardian) throw new Error('no journal');
    world.journal.guardian = {
      ...world.journal.guardian,
      pid: 5151,
      startedAt: Date.now(),
      heartbeatAt: Date.now(),
    };
    world.guardianAlive = true;
    return world.journal.guardian;
  });
}

describe('on the countdown', () => {
  it('a dead guardian is the first row, before the bar; g re-arms one for the same deadline', async () => {
    const { store, engine, world } = await countdownStore();
    const ui = renderUi(store);
    await settle(50);
    expect(ui.frame()).not.toContain('is not running');
    const deadline = world.journal?.deadline;
    world.guardianAlive = false;
    await settle(1000);
    const lines = ui.lines();
    const alert = lines.indexOf(ALERT[0] as string);
    const barRow = lines.findIndex((line) => / s left, until /.test(line));
    expect(alert, ui.frame()).toBeGreaterThanOrEqual(0);
    expect(lines.slice(alert, alert + 3)).toEqual(ALERT);
    expect(barRow).toBe(alert + 3);

    engine.deps.rearm = rearmsInto(world);
    const frame = await type(ui, 'g');
    expect(engine.deps.rearm).toHaveBeenCalledTimes(1);
    expect(frame).toContain('Guardian re-armed (pid 5151, detached): it reverts at the same deadline');
    expect(frame).not.toContain('is not running');
    expect(frame).toContain('Guardian (pid 5151) alive');
    expect(world.journal?.deadline).toBe(deadline);
    expect(engine.deps.revert).not.toHaveBeenCalled();
  });

  it('g is refused while the guardian is alive', async () => {
    const { store, engine } = await countdownStore();
    const ui = renderUi(store);
    await settle(50);
    engine.deps.rearm = vi.fn();
    const frame = await type(ui, 'g');
    expect(engine.deps.rearm).not.toHaveBeenCalled();
    expect(frame).toContain('The guardian is running (or no deadline runs): there is nothing to re-arm.');
  });
});

describe('on the recovery screen', () => {
  async function recovery(journal: Journal) {
    const engine = fakeMigration();
    engine.world.journal = journal;
    engine.world.guardianAlive = false;
    const store = testStore({
      planned: quietPlan(),
      migration: engine.deps,
      clock: { now: () => Date.now() },
    });
    const opened = store.getState().actions.open();
    const ui = renderUi(store);
    await opened;
    await settle(50);
    return { store, engine, ui };
  }

  it('the alert is the top line; g re-arms the guardian', async () => {
    const { ui, engine } = await recovery(fakeJournal(quietPlan(), { createdAt: START - 40_000 }));
    expect(ui.lines().slice(0, 3)).toEqual(ALERT);
    expect(ui.lines()[3]).toBe('bridge-migrate  a migration was left pending');
    engine.deps.rearm = rearmsInto(engine.world);
    const frame = await type(ui, 'g');
    expect(engine.deps.rearm).toHaveBeenCalledTimes(1);
    expect(frame).toContain('Guardian (pid 5151) alive');
    expect(frame).not.toContain('is not running');
  });

  it('past the deadline, g means reverting now', async () => {
    const { ui, engine } = await recovery(fakeJournal(quietPlan(), { createdAt: START - 130_000 }));
    expect(ui.lines()[2]).toBe('  the deadline has passed: g or r reverts now.');
    engine.deps.rearm = vi.fn();
    await type(ui, 'g');
    expect(engine.deps.rearm).not.toHaveBeenCalled();
    expect(engine.deps.revert).toHaveBeenCalledTimes(1);
  });
});
