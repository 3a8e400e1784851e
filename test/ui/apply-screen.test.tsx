/**
 * The Apply and Verify screens driven by a fake engine: each step's live state with its command
 * summary, the checks as they arrive, the pending screen, and the revert paths. Every line must fit
 * 80 columns; that the live region stays under 24 rows on a real terminal is checked on the fake
 * terminal (countdown-screen.test.tsx), since ink-testing-library repeats <Static> in each frame.
 */
import { cleanup } from 'ink-testing-library';
import { afterEach, describe, expect, it } from 'vitest';
import { HostChangedSincePlan } from '../../source/txn/engine/engine-errors.js';
import { clockTime } from '../../source/ui/migration-text.js';
import { type FakeMigration, fakeMigration, revertOutcome } from './fake-migration.js';
import { quietPlan } from './fixtures.js';
import { KEY, plannedStore, pressToExit, pressUntil, renderUi, type Ui, waitForFrame } from './harness.js';

afterEach(() => cleanup());

/** The countdown counts by the host clock, as the journal's deadline does. */
const hostClock = { now: () => Date.now() };

/** Two minutes from now by the host clock: the countdown runs while the test looks at it. */
const inTwoMinutes = () => Date.now() + 120_000;

async function applying(engine: FakeMigration = fakeMigration(), env?: Record<string, string>) {
  const store = await plannedStore({ planned: quietPlan(), migration: engine.deps, clock: hostClock });
  const ui = renderUi(store, env ? { env } : {});
  await waitForFrame(ui, (f) => f.includes('[Verdicts'), 'the preview');
  await pressUntil(ui, KEY.enter, (f) => f.includes('y/N'), 'the question');
  await pressUntil(ui, 'y', (f) => f.includes('Arming'), 'the arming screen');
  return { store, ui, engine, plan: store.getState().plan ?? quietPlan() };
}

function fits(ui: Ui) {
  for (const line of ui.lines()) expect([...line].length).toBeLessThanOrEqual(80);
}

function hintRow(ui: Ui): string {
  return ui.lines().at(-1) ?? '';
}

/** All three steps run and pass, and the verification passes through the bridge. */
async function runAllSteps(ui: Ui, engine: FakeMigration) {
  for (const id of ['stage-bridge', 'cutover', 'stop-dhcp']) {
    engine.step(id, 'running');
    engine.step(id, 'ok');
  }
  await waitForFrame(ui, (f) => f.includes('Verifying through fcbr0'), 'the verification');
}

describe('the Apply screen', () => {
  it('shows each step pending, running and ok with its commands, the checks as they arrive, then the pending change', async () => {
    const { ui, engine, plan, store } = await applying();
    let frame = ui.frame();
    expect(frame).toContain('bridge-migrate  applying ens18 → fcbr0: 3 steps, deadline 120 s');
    expect(frame).toContain('Arming: journal written, taking the baseline checks, starting the guardian.');
    expect(frame).toMatch(/· pending +1\/3 Create bridge fcbr0 with the MAC and MTU of ens18/);
    expect(frame).toContain('ip link add name fcbr0 type bridge stp_state 0 forward_delay 0 (+2)');
    expect(frame).toContain('ip -batch: 5 lines (link set dev ens18 master fcbr0)');
    expect(hintRow(ui)).toContain('Esc/q quit (refused while applying)');
    fits(ui);

    engine.arm(plan);
    frame = await waitForFrame(ui, (f) => f.includes('Applying 3 steps'), 'the applying phase');
    expect(frame).toContain('✓ baseline   Gateway 198.51.100.1 answers ARP (via ens18): reply in 0.4 ms');
    expect(frame).toContain(
      '✓ baseline   Your SSH client 198.51.100.23 answers ping (via ens18): reply in 0…',
    );

    engine.step('stage-bridge', 'running');
    frame = await waitForFrame(ui, (f) => /running +1\/3 Create bridge/.test(f), 'the first step running');
    engine.step('stage-bridge', 'ok');
    engine.step('cutover', 'running');
    frame = await waitForFrame(ui, (f) => /running +2\/3 Move ens18/.test(f), 'the second step running');
    expect(frame).toMatch(/✓ ok +1\/3 Create bridge fcbr0 with the MAC and MTU of ens18/);
    expect(frame).toMatch(/· pending +3\/3 Stop dhclient/);
    fits(ui);

    // Quitting is refused while a change is in flight.
    frame = await pressUntil(ui, 'q', (f) => f.includes('A change is in flight'), 'the refusal');
    expect(ui.exits).toEqual([]);

    engine.step('cutover', 'ok');
    engine.step('stop-dhcp', 'running');
    engine.step('stop-dhcp', 'ok');
    frame = await waitForFrame(ui, (f) => f.includes('Verifying through fcbr0'), 'the verification');
    expect(store.getState().phase).toBe('verifying');
    engine.checks('verify', 'fcbr0');
    frame = await waitForFrame(ui, (f) => f.includes('verify     Gateway'), 'the verify checks');
    expect(frame).toContain('✓ verify     Gateway 198.51.100.1 answers ping (via fcbr0): reply in 0.4 ms');
    fits(ui);

    engine.emit({ kind: 'phase', phase: 'applied' });
    const deadline = inTwoMinutes();
    engine.finishStart({ kind: 'pending', deadline, checks: [] });
    frame = await waitForFrame(ui, (f) => f.includes('s left, until'), 'the countdown');
    expect(frame).toContain('✓ Applied and verified: ens18 → fcbr0 is live and pending confirmation.');
    expect(frame).toContain(
      '  Keep it: c here, or from a NEW SSH session (proves the new path works):\n    bridge-migrate confirm\n',
    );
    expect(frame).toContain('  Undo it: r here, or from any session:\n    bridge-migrate rollback --yes\n');
    expect(frame).toMatch(new RegExp(`(119|120) s left, until ${clockTime(deadline)}`));
    // The refused quit was about the flight that has ended.
    expect(frame).not.toContain('A change is in flight');
    expect(hintRow(ui)).toContain('c/Enter confirm');
    expect(hintRow(ui)).toContain('r roll back');
    expect(hintRow(ui)).toContain('Esc/q quit (stays pending)');
    fits(ui);
    // Every finished step is in the log exactly once.
    expect(frame.match(/1\/3 Create bridge/g)).toHaveLength(1);
  });

  it('says the guardian reverts at the deadline when one is armed', async () => {
    const { ui, engine, plan } = await applying(fakeMigration());
    expect(ui.frame()).toContain('starting the guardian');
    engine.arm(plan);
    await runAllSteps(ui, engine);
    engine.finishStart({ kind: 'pending', deadline: inTwoMinutes(), checks: [] });
    const frame = await waitForFrame(ui, (f) => f.includes('Guardian (pid'), 'the countdown');
    expect(frame).toContain('The guardian reverts the change at the deadline unless it is confirmed, even');
    expect(frame).toContain('✓ Guardian (pid 4242) alive, heartbeat');
    expect(frame).not.toContain('No guardian');
  });

  it('a check that fails through the bridge reverts: steps go reverting, then reverted, and quitting exits 3', async () => {
    const { ui, engine, plan, store } = await applying();
    engine.arm(plan);
    await runAllSteps(ui, engine);
    engine.checks('verify', 'fcbr0', ['gateway-icmp']);
    engine.emit({ kind: 'phase', phase: 'reverting', message: 'probe-failed' });
    for (const step of [...plan.steps].reverse()) engine.step(step.id, 'reverting');
    let frame = await waitForFrame(ui, (f) => f.includes('Reverting: undoing'), 'the reverting phase');
    expect(store.getState().phase).toBe('reverting');
    expect(frame).toContain(
      '✗ verify     Gateway 198.51.100.1 answers ping (via fcbr0): no reply to 3 reque…',
    );
    expect(frame).toContain('↺ Reverting (a check failed): undoing the applied steps, last first');
    expect(frame).toMatch(/reverting +2\/3 Move ens18/);
    expect(hintRow(ui)).toContain('Esc/q quit (refused while reverting)');
    fits(ui);

    for (const step of [...plan.steps].reverse()) engine.step(step.id, 'reverted');
    engine.checks('after-revert', 'ens18');
    const failure =
      'checks that passed before the change fail through fcbr0: Gateway 198.51.100.1 answers ping: no reply';
    engine.finishStart({ kind: 'reverted', failure, revert: revertOutcome(plan, 3) });
    frame = await waitForFrame(ui, (f) => f.includes('Reverted (a check failed)'), 'the reverted screen');
    expect(frame).toMatch(/↺ reverted +1\/3 Create bridge/);
    expect(frame).toContain('✓ after undo Gateway 198.51.100.1 answers ARP (via ens18): reply in 0.4 ms');
    expect(frame).toContain('↺ Reverted (a check failed): the host matches its pre-state.');
    expect(frame).toContain('What happened: checks that passed before the change fail through fcbr0');
    expect(frame).toContain(
      '  Undid 3 of 3 steps. Compared with the pre-state: links, addresses, routes and',
    );
    expect(hintRow(ui)).toContain('Esc/q quit');
    expect(frame).toContain('q quits (exit 3).');
    fits(ui);
    await pressToExit(ui, 'q');
    expect(ui.exits[0]).toEqual({ code: 3, reason: 'reverted; the host is back to its pre-state' });
  });

  it('a failed step with an incomplete revert shows why, the differences and the commands to run; exit 4', async () => {
    const { ui, engine, plan } = await applying();
    engine.arm(plan);
    engine.step('stage-bridge', 'running');
    engine.step('stage-bridge', 'ok');
    engine.step('cutover', 'running');
    engine.step('cutover', 'failed', 'ip -batch line 3: RTNETLINK answers: Invalid argument');
    engine.emit({ kind: 'phase', phase: 'reverting', message: 'apply-failed' });
    engine.step('cutover', 'reverting');
    engine.step('stage-bridge', 'reverting');
    engine.step('cutover', 'revert-failed', 'route replace default: Nexthop has invalid gateway');
    engine.step('stage-bridge', 'reverted');
    const revert = revertOutcome(plan, 2, {
      kind: 'revert-incomplete',
      reason: 'apply-failed',
      differences: ['route default via 198.51.100.1 dev ens18 is missing'],
      manualCommands: [
        {
          kind: 'exec',
          argv: 'ip route replace default via 198.51.100.1 dev ens18 proto dhcp metric 100'.split(' '),
        },
      ],
    });
    engine.finishStart({
      kind: 'revert-incomplete',
      failure: 'ip -batch line 3: RTNETLINK answers: Invalid argument',
      revert,
    });
    const frame = await waitForFrame(ui, (f) => f.includes('Revert incomplete'), 'the incomplete revert');
    expect(frame).toMatch(/✗ failed +2\/3 Move ens18/);
    expect(frame).toContain('ip -batch line 3: RTNETLINK answers: Invalid argument');
    expect(frame).toMatch(/✗ not undone +2\/3 Move ens18/);
    expect(frame).toContain('route replace default: Nexthop has invalid gateway');
    expect(frame).toContain(
      '✗ Revert incomplete (a step failed): the host still differs from its pre-state.',
    );
    expect(frame).toContain('• route default via 198.51.100.1 dev ens18 is missing');
    expect(frame).toContain('Run these as root to finish the revert by hand:');
    expect(frame).toContain('  ip route replace default via 198.51.100.1 dev ens18 proto dhcp metric 100');
    fits(ui);
    await pressToExit(ui, 'q');
    expect(ui.exits[0]?.code).toBe(4);
  });

  it('a refusal before the first step says nothing was changed; exit 1', async () => {
    const { ui, engine } = await applying();
    engine.failStart(new Error('the host changed since the plan was made (route default moved)'));
    const frame = await waitForFrame(ui, (f) => f.includes('Not applied'), 'the refusal');
    expect(frame).toContain('the host changed since the plan was made');
    expect(frame).toContain('Nothing was changed on this host.');
    fits(ui);
    await pressToExit(ui, 'q');
    expect(ui.exits[0]?.code).toBe(1);
  });

  it('a plan for a host that changed since the preview is refused in one line, and p plans again', async () => {
    const { ui, engine, store } = await applying();
    // The engine's fresh look before the first change found the uplink's DHCP client restarted.
    engine.failStart(
      new HostChangedSincePlan([
        'udhcpc (pid 4242: udhcpc -f -i ens18) is no longer running',
        'udhcpc (pid 4377: udhcpc -f -i ens18) runs now and did not before',
      ]),
    );
    const frame = await waitForFrame(ui, (f) => f.includes('Not applied'), 'the refusal');
    expect(frame.replace(/\n\s*/g, ' ')).toContain(
      '✗ Not applied the host changed since the preview: udhcpc (pid 4242: udhcpc -f -i ens18) is no longer running; udhcpc (pid 4377: udhcpc -f -i ens18) runs now and did not before',
    );
    expect(frame).toContain('Nothing was changed on this host. Press p to plan again.');
    expect(hintRow(ui)).toContain('p plan again');
    fits(ui);
    await pressUntil(ui, 'p', (f) => f.includes('[Verdicts'), 'a new preview');
    expect(store.getState().phase).toBe('planned');
    expect(store.getState().acknowledged).toBe(false);
    expect(ui.exits).toEqual([]);
  });

  it('p does nothing after a failure that did not come from a changed host', async () => {
    const { ui, store, engine } = await applying();
    engine.failStart(new Error('the guardian could not be armed'));
    await waitForFrame(ui, (f) => f.includes('Not applied'), 'the refusal');
    expect(hintRow(ui)).not.toContain('plan again');
    await store.getState().actions.planAgain();
    expect(store.getState().phase).toBe('failed');
  });
});

describe('the pending change', () => {
  async function pending(engine: FakeMigration = fakeMigration()) {
    const setup = await applying(engine);
    engine.arm(setup.plan);
    await runAllSteps(setup.ui, engine);
    engine.finishStart({ kind: 'pending', deadline: inTwoMinutes(), checks: [] });
    await waitForFrame(setup.ui, (f) => f.includes('s left, until'), 'the countdown');
    return setup;
  }

  it('c confirms through the engine and shows what is kept; quitting then exits 0', async () => {
    const { ui, engine } = await pending();
    const frame = await pressUntil(ui, 'c', (f) => f.includes('Confirmed:'), 'the confirmation');
    expect(engine.deps.confirm).toHaveBeenCalledTimes(1);
    expect(frame).toContain('✓ Confirmed: ens18 → fcbr0 is kept.');
    expect(frame).toContain('  What changed:\n    1. Create bridge fcbr0 with the MAC and MTU of ens18\n');
    expect(frame).toContain('Nothing is written to disk for this plan, so the change lives at runtime only.');
    // Finished and runtime only: the exact inverses, last step first, undo it without a reboot.
    expect(frame).toContain('  To undo it without a reboot, run as root, last step first:');
    expect(frame.indexOf('dhclient -4 -pf /run/dhclient.ens18.pid ens18 &')).toBeLessThan(
      frame.indexOf('ip link del dev fcbr0'),
    );
    expect(frame).toContain('✓ Kept: ens18 → fcbr0 is confirmed. q quits (exit 0).');
    fits(ui);
    await pressToExit(ui, 'q');
    expect(ui.exits[0]?.code).toBe(0);
  });

  it('Enter confirms too', async () => {
    const { ui, engine } = await pending();
    await pressUntil(ui, KEY.enter, (f) => f.includes('Confirmed:'), 'the confirmation');
    expect(engine.deps.confirm).toHaveBeenCalledTimes(1);
  });

  it('r rolls back now through the engine, shows the undone steps, and exits 3', async () => {
    const { ui, engine, plan } = await pending();
    let frame = await pressUntil(ui, 'r', (f) => f.includes('Reverting: undoing'), 'the revert');
    expect(engine.deps.revert).toHaveBeenCalledTimes(1);
    expect(hintRow(ui)).toContain('refused while reverting');
    engine.emit({ kind: 'phase', phase: 'reverting', message: 'operator' });
    for (const step of [...plan.steps].reverse()) engine.step(step.id, 'reverted');
    engine.finishRevert(revertOutcome(plan, 3, { reason: 'operator' }));
    frame = await waitForFrame(ui, (f) => f.includes("Reverted (operator's choice)"), 'the reverted screen');
    expect(frame).toContain("↺ Reverting (operator's choice): undoing the applied steps, last first");
    expect(frame).toMatch(/↺ reverted +3\/3 Stop dhclient/);
    fits(ui);
    await pressToExit(ui, KEY.escape);
    expect(ui.exits[0]?.code).toBe(3);
  });

  it('q at the pending screen quits and leaves the change pending (exit 0); help lists c and r', async () => {
    const { ui, engine } = await pending();
    expect(hintRow(ui)).toContain('Esc/q quit (stays pending)');
    const frame = await pressUntil(ui, '?', (f) => f.includes('Keys  (?'), 'the help');
    expect(frame).toMatch(/c\/Enter +confirm: keep the change/);
    expect(frame).toMatch(/e +extend: \+60 s to the deadline per press/);
    expect(frame).toMatch(/r +roll back: undo the change now/);
    fits(ui);
    await pressUntil(ui, '?', (f) => !f.includes('Keys  (?'), 'the help closed');
    await pressToExit(ui, 'q');
    expect(ui.exits[0]).toEqual({ code: 0, reason: 'applied; the change is pending confirmation' });
    expect(engine.deps.confirm).not.toHaveBeenCalled();
    expect(engine.deps.revert).not.toHaveBeenCalled();
  });
});

describe('ASCII terminals', () => {
  it('draws states with ASCII glyphs', async () => {
    const { ui, engine, plan } = await applying(fakeMigration(), { LANG: 'C', TERM: 'linux' });
    engine.arm(plan);
    await runAllSteps(ui, engine);
    const frame = ui.frame();
    expect(frame).toContain('bridge-migrate  applying ens18 -> fcbr0');
    expect(frame).toMatch(/\+ ok +1\/3 Create bridge/);
    expect(/[^\x00-\x7f]/.test(frame)).toBe(false);
  });
});
