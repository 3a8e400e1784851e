/**
 * The countdown as a real 80x24 terminal receives it (Ink's own output path, line-diff-output
 * included, onto vt-screen.ts), over a minute of the fake clock with the guardian beating every
 * second and recording a watch every two: the bytes written per second must stay under the
 * issue's aim for a slow SSH link (300 bytes/s), in color, and the screen must keep the live
 * region at the bottom without ever clearing the terminal.
 */
// First: these tests play an operator at a terminal; Ink must load as on one (see the module).
import './operator-terminal.js';
import chalk from 'chalk';
import { afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { countdownStore, okChecks, settle, useFakeClock } from './countdown-harness.js';
import { revertOutcome } from './fake-migration.js';
import { quietPlan } from './fixtures.js';
import { renderOnTerminal, type TerminalUi } from './terminal-harness.js';

const AIM_BYTES_PER_SECOND = 300;

// Tests run without a terminal, so chalk would emit no color at all; an operator's terminal gets
// color escapes, and they count.
beforeAll(() => {
  chalk.level = 1;
});
beforeEach(useFakeClock);
let term: TerminalUi | null = null;
afterEach(() => {
  term?.unmount();
  term = null;
  vi.useRealTimers();
});

/** A minute of countdown: per second, what the guardian writes, then one second of time. */
async function aMinute(world: Awaited<ReturnType<typeof countdownStore>>['world']): Promise<void> {
  for (let second = 0; second < 60; second++) {
    world.beat(second % 2 === 0 ? okChecks() : undefined);
    await settle(1000);
  }
}

function secondsShown(ui: TerminalUi): number {
  const row = ui.screen.screen().find((line) => / s left, until /.test(line)) ?? '';
  return Number(/ (\d+) s left/.exec(row)?.[1] ?? Number.NaN);
}

describe.each([
  ['UTF-8', { LANG: 'en_US.UTF-8', TERM: 'xterm-256color' }],
  ['ASCII', { LANG: 'C', TERM: 'linux' }],
])('the countdown on an 80x24 %s terminal', (_name, env) => {
  it(`writes under ${AIM_BYTES_PER_SECOND} bytes a second, and only the lines that change`, async () => {
    const { store, world } = await countdownStore({ windowSec: 120 });
    term = renderOnTerminal(store, { env });
    await settle(2000);
    const startSeconds = secondsShown(term);
    const before = term.screen.bytes;
    await aMinute(world);
    const perSecond = (term.screen.bytes - before) / 60;
    expect(secondsShown(term)).toBe(startSeconds - 60);
    expect(perSecond, `${perSecond.toFixed(0)} bytes/s`).toBeLessThan(AIM_BYTES_PER_SECOND);
    // It did redraw every second: at least the seconds' digits and the row they sit on.
    expect(perSecond).toBeGreaterThan(20);
    expect(term.screen.clears).toBe(0);
    const screen = term.screen.screen();
    expect(screen).toHaveLength(24);
    expect(screen.at(-2)).toContain('c/Enter confirm');
    for (const line of term.screen.scrollback()) expect([...line].length).toBeLessThanOrEqual(80);
  });
});

it("shows the guardian's revert at the bottom of the terminal, the whole report in the scrollback", async () => {
  const { store, world } = await countdownStore({ windowSec: 30 });
  term = renderOnTerminal(store);
  await settle(31_000);
  world.revertByGuardian(
    revertOutcome(quietPlan(), 3, { reason: 'timeout' }),
    'the deadline passed without a confirmation',
  );
  await settle(1000);
  const screen = term.screen.screen();
  expect(screen.at(-5)).toBe('↺ Reverted: the host matches its pre-state. q quits (exit 3).');
  expect(screen.at(-2)).toBe('? help  Esc/q quit');
  const all = term.screen.scrollback().join('\n');
  expect(all).toContain('↺ Reverting (deadline passed): undoing the applied steps, last first');
  expect(all).toContain('Undid 3 of 3 steps. Compared with the pre-state: links, addresses, routes and');
  // Each line once: the report was printed by <Static>, not redrawn with the live region.
  expect(all.split('Undid 3 of 3 steps').length - 1).toBe(1);
  expect(term.screen.clears).toBe(0);
});
