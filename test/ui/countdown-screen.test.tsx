/**
 * The countdown (DESIGN.md flow step 5) on a fake clock: the seconds and the bar follow the host
 * clock and the journal's deadline, `e` extends it (refused at the cap), `c` confirms, `r` rolls
 * back, and what another process writes to the journal reaches the screen within a second: an
 * extension, a confirmation from a new SSH session, the guardian's revert, the guardian dying.
 */
import { cleanup } from 'ink-testing-library';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { clockTime } from '../../source/store/clock-time.js';
import { countdownStore, okChecks, settle, useFakeClock } from './countdown-harness.js';
import { check, revertOutcome } from './fake-migration.js';
import { quietPlan } from './fixtures.js';
import { KEY, renderUi, type Ui } from './harness.js';

beforeEach(useFakeClock);
afterEach(() => {
  cleanup();
  vi.useRealTimers();
});

async function onScreen(options: Parameters<typeof countdownStore>[0] = {}, env?: Record<string, string>) {
  const countdown = await countdownStore(options);
  const ui = renderUi(countdown.store, env ? { env } : {});
  await settle(50);
  return { ...countdown, ui };
}

async function type(ui: Ui, keys: string): Promise<string> {
  ui.stdin.write(keys);
  await settle();
  await settle();
  return ui.frame();
}

/** The countdown's bar row: the full cells and the seconds. */
function bar(ui: Ui): { full: number; seconds: number } {
  const row = ui.lines().find((line) => / s left, until /.test(line)) ?? '';
  const seconds = Number(/ (\d+) s left/.exec(row)?.[1] ?? Number.NaN);
  return { full: [...row].filter((char) => char === '█').length, seconds };
}

function hints(ui: Ui): string {
  return ui.lines().at(-1) ?? '';
}

function fits(ui: Ui) {
  for (const line of ui.lines()) expect([...line].length).toBeLessThanOrEqual(80);
}

describe('the countdown', () => {
  it('counts down by the host clock, the bar shrinking, with the guardian and its checks', async () => {
    const { ui, world } = await onScreen();
    const deadline = world.journal?.deadline as number;
    let frame = ui.frame();
    expect(frame).toContain(`120 s left, until ${clockTime(deadline)}`);
    expect(frame).toContain('✓ Guardian (pid 4242) alive, heartbeat 1 s ago');
    expect(frame).toContain(
      `Guardian's checks at ${clockTime(Date.now())}: ✓ gateway ARP  ✓ gateway ping  ✓ peer`,
    );
    expect(hints(ui)).toBe('c/Enter confirm  e +60 s  r roll back  ? help  Esc/q quit (stays pending)');
    expect(bar(ui)).toEqual({ full: 20, seconds: 120 });

    // Half the window later (the guardian beating all along): 60 s left, half the bar.
    for (let second = 0; second < 60; second++) {
      world.beat(second % 2 === 0 ? okChecks() : undefined);
      await settle(1000);
    }
    expect(bar(ui)).toEqual({ full: 10, seconds: 60 });
    frame = ui.frame();
    expect(frame).toContain('heartbeat 1 s ago');
    fits(ui);
  });

  it('shows a failing check with its detail, and a silent guardian by its heartbeat age', async () => {
    const { ui, world } = await onScreen();
    await settle(950);
    world.beat([check('gateway-arp', 'fcbr0'), check('gateway-icmp', 'fcbr0', false)]);
    await settle(1000);
    let frame = ui.frame();
    expect(frame).toContain("Guardian's checks at 10:00:01: ✓ gateway ARP  ✗ gateway ping");
    expect(frame).toContain('  ✗ Gateway 198.51.100.1 answers ping: no reply to 3 requests in 1 s');
    await settle(5000);
    frame = ui.frame();
    expect(frame).toContain('✓ Guardian (pid 4242) alive, heartbeat 6 s ago');
  });

  it('e extends by 60 s per press through the journal; the bar grows back', async () => {
    const { ui, engine, world } = await onScreen();
    await settle(30_000);
    expect(bar(ui).seconds).toBe(90);
    let frame = await type(ui, 'e');
    expect(engine.deps.extend).toHaveBeenCalledWith(60);
    const deadline = world.journal?.deadline as number;
    expect(frame).toContain(`Extended by 60 s: the deadline is now ${clockTime(deadline)}.`);
    expect(bar(ui)).toEqual({ full: 20, seconds: 150 });
    await type(ui, 'e');
    frame = await type(ui, 'e');
    expect(engine.deps.extend).toHaveBeenCalledTimes(3);
    expect(bar(ui).seconds).toBe(270);
  });

  it('e is refused once the deadline is already at the one-hour cap, and says so', async () => {
    const { ui, engine, world } = await onScreen();
    // Another session pushed it to the cap; this one sees it on its next read.
    if (world.journal) world.journal.deadline = Date.now() + 3_600_000;
    await settle(1000);
    const frame = await type(ui, 'e');
    expect(engine.deps.extend).not.toHaveBeenCalled();
    expect(frame).toContain(
      'Not extended: the deadline is already 60 minutes away, the longest allowed.\n  Confirm with c or roll back with r.',
    );
    expect(bar(ui).seconds).toBe(3600);
  });

  it('an extension refused by the journal (the deadline passed meanwhile) is shown, not hidden', async () => {
    const { ui, engine } = await onScreen();
    engine.deps.extend = vi.fn(async () => {
      throw new Error(
        'the deadline has passed and the change is being reverted; see `bridge-migrate status`',
      );
    });
    const frame = await type(ui, 'e');
    expect(frame).toContain('Not extended: the deadline has passed and the change is being reverted;');
  });

  it('an extension made in another session shows within a second', async () => {
    const { ui, world } = await onScreen();
    if (world.journal) world.journal.deadline += 300_000;
    await settle(1000);
    expect(bar(ui).seconds).toBe(419);
    // The bar stands for the longer window now: full again.
    expect(bar(ui).full).toBe(20);
  });

  it('c confirms: the summary says what changed and how to undo it; q exits 0', async () => {
    const { ui, engine } = await onScreen();
    const frame = await type(ui, 'c');
    expect(engine.deps.confirm).toHaveBeenCalledTimes(1);
    expect(frame).toContain('✓ Confirmed: ens18 → fcbr0 is kept.');
    expect(frame).toContain('✓ Kept: ens18 → fcbr0 is confirmed. q quits (exit 0).');
    await type(ui, 'q');
    expect(ui.exits).toEqual([{ code: 0, reason: 'confirmed; the change is kept' }]);
  });

  it('Enter confirms too; config still to write keeps `rollback` as the way back', async () => {
    const { ui, engine } = await onScreen();
    engine.deps.confirm = vi.fn(async () => ({
      journalPhase: 'confirmed' as const,
      note: 'This version cannot write the netplan config yet; the journal stays "confirmed".',
    }));
    const frame = await type(ui, KEY.enter);
    expect(frame).toContain('  Undo it with:\n    bridge-migrate rollback --yes\n');
  });

  it('r rolls back now: each step undone, the comparison, the checks; q exits 3', async () => {
    const { ui, engine } = await onScreen();
    let frame = await type(ui, 'r');
    expect(engine.deps.revert).toHaveBeenCalledTimes(1);
    expect(frame).toContain('Reverting: undoing the applied steps, then comparing with the pre-state.');
    const plan = quietPlan();
    engine.emit({ kind: 'phase', phase: 'reverting', message: 'operator' });
    for (const step of [...plan.steps].reverse()) engine.step(step.id, 'reverted');
    engine.checks('after-revert', 'ens18');
    engine.finishRevert(revertOutcome(plan, 3, { reason: 'operator', checks: [] }));
    await settle();
    frame = ui.frame();
    expect(frame).toMatch(/↺ reverted +1\/3 Create bridge/);
    expect(frame).toContain('✓ after undo Gateway 198.51.100.1 answers ARP (via ens18): reply in 0.4 ms');
    expect(frame).toContain("↺ Reverted (operator's choice): the host matches its pre-state.\n");
    expect(frame).toContain('↺ Reverted: the host matches its pre-state. q quits (exit 3).');
    // The countdown no longer reads the journal: this session's revert decides the screen.
    const reads = engine.world.reads;
    await settle(3000);
    expect(engine.world.reads).toBe(reads);
    await type(ui, 'q');
    expect(ui.exits[0]?.code).toBe(3);
  });
});

describe('what another process does, seen in the journal', () => {
  it('a confirmation from a new SSH session shows the done screen; q exits 0', async () => {
    const { ui, world, engine } = await onScreen();
    world.confirmElsewhere();
    await settle(1000);
    const frame = ui.frame();
    expect(frame).toContain('✓ Confirmed from another session: ens18 → fcbr0 is kept.');
    expect(frame).toContain('The migration is finished. Nothing was written to disk for it');
    expect(engine.deps.confirm).not.toHaveBeenCalled();
    await type(ui, 'q');
    expect(ui.exits[0]?.code).toBe(0);
  });

  it("the guardian's revert at the deadline shows the guided rollback screen; q exits 3", async () => {
    const { ui, world, engine } = await onScreen({ windowSec: 20 });
    await settle(20_000);
    expect(ui.frame()).toContain('deadline 10:00:20 passed: the guardian reverts now');
    const plan = quietPlan();
    world.revertByGuardian(
      revertOutcome(plan, 3, { reason: 'timeout' }),
      'the deadline passed without a confirmation',
    );
    await settle(1000);
    const frame = ui.frame();
    expect(frame).toContain('↺ Reverting (deadline passed): undoing the applied steps, last first');
    expect(frame).toMatch(/↺ reverted +3\/3 Stop dhclient on ens18/);
    expect(frame).toContain('✓ after undo Gateway 198.51.100.1 answers ping (via ens18): reply in 0.4 ms');
    expect(frame).toContain('What happened: reverting (timeout): the deadline passed without a confirmation');
    expect(frame).toContain('Compared with the pre-state: links, addresses, routes and');
    expect(frame).toContain('↺ Reverted (deadline passed): the host matches its pre-state.\n');
    expect(frame).toContain('↺ Reverted: the host matches its pre-state. q quits (exit 3).');
    expect(engine.deps.revert).not.toHaveBeenCalled();
    fits(ui);
    // It stays on screen until q.
    await settle(10_000);
    expect(ui.exits).toEqual([]);
    await type(ui, 'q');
    expect(ui.exits[0]?.code).toBe(3);
  });

  it('an incomplete revert by the guardian lists the differences and the commands to run; q exits 4', async () => {
    const { ui, world } = await onScreen();
    const plan = quietPlan();
    world.setPhase('reverting', 'probe-failed');
    await settle(1000);
    expect(ui.frame()).toContain('The guardian (or another session) is reverting the change');
    expect(hints(ui)).toContain('Esc/q quit (the guardian finishes it)');
    const revert = revertOutcome(plan, 3, {
      kind: 'revert-incomplete',
      reason: 'probe-failed',
      differences: ['route default via 198.51.100.1 dev ens18 is missing'],
      manualCommands: [
        {
          kind: 'exec',
          argv: 'ip route replace default via 198.51.100.1 dev ens18 proto dhcp metric 100'.split(' '),
        },
      ],
    });
    revert.steps[0] = {
      ...(revert.steps[0] as (typeof revert.steps)[0]),
      state: 'revert-failed',
      message: 'Nexthop has invalid gateway',
    };
    world.revertByGuardian(revert, 'Gateway 198.51.100.1 answers ping failed 5 times in 10.2 s');
    await settle(1000);
    const frame = ui.frame();
    expect(frame).toMatch(/✗ not undone +3\/3 Stop dhclient/);
    expect(frame).toContain('Nexthop has invalid gateway');
    expect(frame).toContain('    • route default via 198.51.100.1 dev ens18 is missing');
    expect(frame).toContain(
      '  Run these as root to finish the revert by hand:\n    ip route replace default via 198.51.100.1 dev ens18 proto dhcp metric 100\n',
    );
    expect(frame).toContain(
      '✗ Revert incomplete (a check failed): the host still differs from its pre-state.',
    );
    await type(ui, 'q');
    expect(ui.exits[0]?.code).toBe(4);
  });

  it('a guardian that cannot do its work says what blocks it', async () => {
    const { ui, world } = await onScreen();
    world.guardianBlocker = 'the journal cannot be written: ENOSPC: no space left on device';
    await settle(1000);
    expect(ui.frame()).toContain(
      '! Guardian (pid 4242) alive but blocked: the journal cannot be written: ENOSPC:',
    );
  });

  it('a dead guardian is called out, and this session runs the checks itself (every 5 s at most)', async () => {
    const { ui, world, engine } = await onScreen();
    expect(engine.deps.watch).not.toHaveBeenCalled();
    world.guardianAlive = false;
    await settle(1000);
    let frame = ui.frame();
    expect(frame).toContain('✗ Guardian (pid 4242) is NOT running: nothing reverts by itself; r rolls back.');
    await settle(1000);
    frame = ui.frame();
    expect(frame).toContain("This session's checks at");
    await settle(3000);
    const calls = vi.mocked(engine.deps.watch).mock.calls.length;
    expect(calls).toBeGreaterThanOrEqual(1);
    expect(calls).toBeLessThanOrEqual(2);
  });
});

describe('on a Linux console (ASCII) and in help', () => {
  it('draws the countdown in ASCII only', async () => {
    const { ui } = await onScreen({}, { LANG: 'C', TERM: 'linux' });
    const frame = ui.frame();
    expect(frame).toContain('#################### 120 s left');
    expect(frame).toContain('+ Guardian (pid 4242) alive');
    expect(/[^\x00-\x7f]/.test(frame)).toBe(false);
    await settle(60_000);
    expect(ui.frame()).toContain('##########---------- 60 s left');
    fits(ui);
  });

  it('? lists the countdown keys from the key table, e included', async () => {
    const { ui } = await onScreen();
    const frame = await type(ui, '?');
    expect(frame).toMatch(/e +extend: \+60 s to the deadline per press \(at most 60 min ahead\)/);
    expect(frame).toMatch(/Esc\/q +go back, or quit/);
  });
});
