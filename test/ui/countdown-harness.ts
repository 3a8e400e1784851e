/**
 * Getting the app to the countdown for a test, on a fake clock: the host clock (Date.now) is
 * vitest's, so the seconds left, the journal's deadline and the guardian's heartbeat all move
 * only when the test advances time. The fake engine's journal world (fake-journal.ts) is what
 * `read` answers; the test changes it the way the guardian or another session would.
 */
import { vi } from 'vitest';
import type { OperatorCommands } from '../../source/plan/operator-commands.js';
import type { ConfirmOutcome } from '../../source/store/app-state.js';
import type { AppStore } from '../../source/store/app-store.js';
import type { JournalWorld } from './fake-journal.js';
import { CHECK_IDS, check, type FakeMigration, fakeMigration } from './fake-migration.js';
import { quietPlan } from './fixtures.js';
import { plannedStore } from './harness.js';

export const START = new Date(2025, 0, 15, 10, 0, 0).getTime();

/** Fakes the clocks the app uses (timers and Date), leaving promises and I/O callbacks real. */
export function useFakeClock(): void {
  vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval', 'Date'] });
  vi.setSystemTime(START);
}

/** Lets promises, Ink's throttled writes and one tick run, without moving the clock much. */
export async function settle(ms = 0): Promise<void> {
  await vi.advanceTimersByTimeAsync(ms);
  await vi.advanceTimersByTimeAsync(0);
}

export const okChecks = (via = 'fcbr0') => CHECK_IDS.map((id) => check(id, via));

export interface Countdown {
  store: AppStore;
  engine: FakeMigration;
  world: JournalWorld;
}

/**
 * A store at the countdown: applied and verified, deadline `windowSec` from now, the journal's
 * guardian alive, its first watch recorded. `commands`: the ones the screens name (default: the
 * host's); `confirm`: what confirming answers.
 */
export async function countdownStore(
  options: { windowSec?: number; commands?: OperatorCommands; confirm?: ConfirmOutcome } = {},
): Promise<Countdown> {
  const engine = fakeMigration(options.confirm ? { confirm: options.confirm } : {});
  if (options.commands) engine.deps.commands = options.commands;
  const plan = quietPlan();
  const store = await plannedStore({
    planned: plan,
    migration: engine.deps,
    clock: { now: () => Date.now() },
    ...(options.commands ? { commands: options.commands } : {}),
  });
  store.getState().actions.requestApply();
  const applying = store.getState().actions.confirmApply();
  engine.arm(plan);
  for (const step of plan.steps) {
    engine.step(step.id, 'running');
    engine.step(step.id, 'ok');
  }
  engine.checks('verify', 'fcbr0');
  engine.emit({ kind: 'phase', phase: 'applied' });
  engine.finishStart({
    kind: 'pending',
    deadline: Date.now() + (options.windowSec ?? 120) * 1000,
    checks: [],
  });
  await applying;
  engine.world.beat(okChecks());
  return { store, engine, world: engine.world };
}
