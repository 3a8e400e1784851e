/**
 * Every screen that names a command for the operator to run names it for THIS run: with a
 * non-default --state-dir (holding a space, so it must be quoted) and --root-dir, each one carries
 * both, exactly as plan/operator-commands.ts built them. One list of screens; a screen that names
 * a command is added here, and its frame may not name a bare `bridge-migrate confirm|rollback|
 * status` anywhere (that command would act on another state directory).
 */
import { cleanup } from 'ink-testing-library';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import {
  buildOperatorCommands,
  commandLine,
  type OperatorCommands,
} from '../../source/plan/operator-commands.js';
import type { ConfirmOutcome } from '../../source/store/app-state.js';
import { createAppStore } from '../../source/store/app-store.js';
import { countdownStore, START, settle, useFakeClock } from './countdown-harness.js';
import { fakeJournal } from './fake-journal.js';
import { fakeMigration, revertOutcome } from './fake-migration.js';
import { quietPlan } from './fixtures.js';
import { plannedStore, renderUi, stripAnsi, type Ui } from './harness.js';

const commands: OperatorCommands = buildOperatorCommands({
  stateDir: '/srv/bm state',
  rootDir: '/srv/bm-root',
});
// Wide enough that no command is wrapped: the test compares each as one line.
const WIDE = { columns: 400, rows: 40 };
/** A command named without this run's --state-dir: what no screen may show. */
const BARE =
  /bridge-migrate (confirm|rollback|status|guard)\b(?![^`\n]*--state-dir '\/srv\/bm state' --root-dir \/srv\/bm-root)/;

beforeEach(useFakeClock);
afterEach(() => {
  cleanup();
  vi.useRealTimers();
});

/** All the app wrote (the printed-once log included) and how it exited. */
function everything(ui: Ui): string {
  return [...ui.frames.map(stripAnsi), ...ui.exits.map((exit) => exit.reason)].join('\n');
}

async function press(ui: Ui, keys: string): Promise<void> {
  ui.stdin.write(keys);
  await settle();
  await settle();
}

/** Applied and verified: the pending screen, with the commands for another session. */
async function countdown(confirm?: ConfirmOutcome) {
  const { store, engine } = await countdownStore({ commands, ...(confirm ? { confirm } : {}) });
  const ui = renderUi(store, { viewport: WIDE });
  await settle(50);
  return { ui, engine, store };
}

/**
 * A start that finds the migration left pending, as the CLI opens it: the recovery screen
 * (`open`), or the guided rollback screen (`openRollback`) with only its own slice of dependencies.
 */
async function pendingApp(open: 'open' | 'openRollback') {
  const engine = fakeMigration();
  engine.deps.commands = commands;
  engine.world.journal = fakeJournal(quietPlan(), { createdAt: START - 40_000 });
  const store = createAppStore({ clock: { now: () => Date.now() }, commands, migration: engine.deps });
  const opened = store.getState().actions[open]();
  const ui = renderUi(store, { viewport: WIDE });
  await opened;
  await settle(50);
  return { ui, engine };
}

const incomplete = () =>
  revertOutcome(quietPlan(), 3, {
    kind: 'revert-incomplete',
    reason: 'operator',
    differences: ['fcbr0 still exists'],
    manualCommands: [{ kind: 'exec', argv: ['ip', 'link', 'del', 'dev', 'fcbr0'] }],
  });

/** Each screen that names a command, driven to it; `names` are the commands it must show. */
const SCREENS: Array<{ screen: string; names: Array<keyof OperatorCommands>; show: () => Promise<string> }> =
  [
    {
      screen: 'plan preview header',
      names: ['confirm', 'rollback'],
      async show() {
        const store = await plannedStore({ planned: quietPlan(), commands });
        const ui = renderUi(store, { viewport: WIDE });
        await settle();
        return everything(ui);
      },
    },
    {
      screen: 'countdown (pending: keep it / undo it)',
      names: ['confirm', 'rollback'],
      async show() {
        return everything((await countdown()).ui);
      },
    },
    {
      screen: 'outcome: confirmed, config not yet written (undo it with)',
      names: ['rollback'],
      async show() {
        const { ui } = await countdown({ journalPhase: 'confirmed', note: 'not written yet' });
        await press(ui, 'c');
        return everything(ui);
      },
    },
    {
      screen: 'failure: apply stopped part way',
      names: ['status', 'rollback'],
      async show() {
        const engine = fakeMigration();
        engine.deps.commands = commands;
        const plan = quietPlan();
        const store = await plannedStore({ planned: plan, migration: engine.deps, commands });
        const ui = renderUi(store, { viewport: WIDE });
        store.getState().actions.requestApply();
        const applying = store.getState().actions.confirmApply();
        engine.arm(plan);
        engine.step(plan.steps[0]?.id ?? '', 'running');
        engine.failStart(new Error('the engine died'));
        await applying;
        await settle(50);
        return everything(ui);
      },
    },
    {
      screen: 'recovery (left pending, q)',
      names: ['status'],
      async show() {
        const engine = fakeMigration();
        engine.deps.commands = commands;
        engine.world.journal = fakeJournal(quietPlan(), { createdAt: START - 40_000 });
        const store = createAppStore({ clock: { now: () => Date.now() }, commands, migration: engine.deps });
        const opened = store.getState().actions.open();
        const ui = renderUi(store, { viewport: WIDE });
        await opened;
        await settle(50);
        await press(ui, 'q');
        return everything(ui);
      },
    },
    {
      screen: 'rollback screen: incomplete revert (check with status, rollback retries)',
      names: ['status', 'rollback'],
      async show() {
        const { ui, engine } = await pendingApp('openRollback');
        await press(ui, 'y');
        engine.finishRevert(incomplete());
        await settle(50);
        return everything(ui);
      },
    },
  ];

describe('with a non-default --state-dir and --root-dir, every screen names the commands for them', () => {
  it.each(SCREENS)('$screen', async ({ names, show }) => {
    const text = await show();
    for (const name of names) expect(text).toContain(commandLine(commands[name]));
    expect(text).not.toMatch(BARE);
  });

  it('the rollback a screen tells the operator to type runs without its y/N question (--yes)', () => {
    expect(commandLine(commands.rollback)).toBe(
      "bridge-migrate rollback --yes --state-dir '/srv/bm state' --root-dir /srv/bm-root",
    );
  });
});
