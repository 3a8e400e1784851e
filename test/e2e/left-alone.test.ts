/**
 * DESIGN.md "The guardian", the two unattended cases, for real over ssh in tmux:
 * - the TUI left alone at the countdown: the guardian reverts at the deadline, the TUI follows it
 *   through the journal to the guided rollback screen, and q exits 3;
 * - the guardian killed with SIGKILL and the TUI quit (the change stays pending, unguarded): the
 *   next start of the tool shows the pending change instead of probing, and `r` rolls it back.
 * Needs root, tmux, openssh-server/client and `npm run build`.
 */
import { expect, test } from 'vitest';
import { snapshotDifferences } from '../../source/lab/index.js';
import { waitFor } from '../../source/lab/wait.js';
import { isAlive } from '../lab/helpers/lab-state.js';
import { driveToPending, masterOf, noGuardianLeft, SCREEN_MS, withOperator } from './helpers/operator.js';

const TIMEOUT_SEC = 20;

async function expectPreState(
  lab: Parameters<Parameters<typeof withOperator>[0]>[0]['lab'],
  before: Awaited<ReturnType<typeof lab.snapshot>>,
) {
  let differences: string[] = [];
  await waitFor('the pre-state', { attempts: 100, intervalMs: 100, timeoutMs: 10_000 }, async (problem) => {
    differences = snapshotDifferences(before, await lab.snapshot(lab.ns.host));
    return differences.length === 0 ? true : problem(`differs in ${differences.join(', ')}`);
  });
  expect(differences).toEqual([]);
}

test('the TUI left alone at the countdown shows the guardian’s revert as the rollback screen and exits 3', async () => {
  await withOperator(async (scene) => {
    const { lab } = scene;
    const before = await lab.snapshot(lab.ns.host);
    const pane = await scene.openTui(TIMEOUT_SEC);
    await driveToPending(pane);
    const pending = await scene.journal();
    expect(pending.phase).toBe('applied');

    // Nobody touches anything: the deadline passes, the guardian reverts, the TUI shows it.
    const screen = await pane.waitForText(/Reverted/, Math.max(0, pending.deadline - Date.now()) + SCREEN_MS);
    expect(screen).toMatch(/q quits \(exit 3\)/);
    const journal = await scene.journal();
    expect(journal.outcome, scene.guardianLog()).toMatchObject({ kind: 'reverted', reason: 'timeout' });
    await expectPreState(lab, before);

    await pane.sendKeys('q');
    expect(await pane.waitForExit(SCREEN_MS)).toEqual({ code: 3, signal: null });
    await noGuardianLeft(lab);
  });
});

test('after the guardian is killed, the next start shows the pending change and rolls it back on request', async () => {
  await withOperator(async (scene) => {
    const { lab } = scene;
    const before = await lab.snapshot(lab.ns.host);
    const first = await scene.openTui(TIMEOUT_SEC);
    await driveToPending(first);
    const guardian = (await scene.journal()).guardian?.pid;
    if (!guardian) throw new Error('the journal names no guardian');
    process.kill(guardian, 'SIGKILL');
    await waitFor('the guardian to die', { attempts: 100, intervalMs: 50, timeoutMs: 5_000 }, (problem) =>
      isAlive(guardian) ? problem(`pid ${guardian} alive`) : true,
    );
    // The operator quits; the change stays pending with nobody guarding it.
    await first.sendKeys('q');
    await first.waitForExit(SCREEN_MS);
    expect((await scene.journal()).phase).toBe('applied');
    expect(masterOf((await lab.snapshot(lab.ns.host)).links, lab.uplink)).toBe('fcbr0');

    // The next start finds the journal: the recovery screen, not a probe.
    const second = await scene.openTui(TIMEOUT_SEC);
    const recovery = await second.waitForText(/a migration was left pending/, SCREEN_MS);
    expect(recovery).toMatch(new RegExp(`Guardian \\(pid ${guardian}\\) is not running`));
    expect(recovery).toMatch(/ens18 → fcbr0, phase applied/);
    await second.sendKeys('r');
    await second.waitForText(/Reverted/, SCREEN_MS);
    await expectPreState(lab, before);
    expect((await scene.journal()).outcome).toMatchObject({ kind: 'reverted', reason: 'operator' });
    await second.sendKeys('q');
    expect(await second.waitForExit(SCREEN_MS)).toEqual({ code: 3, signal: null });
  });
});
