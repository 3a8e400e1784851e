/**
 * DESIGN.md "The guardian": the TUI itself killed with SIGKILL in the middle of the countdown (no handler runs, no
 * terminal reset, nothing written to the journal). The guardian, outside the session, keeps the
 * change pending; the next start of the tool finds the journal and opens the recovery screen
 * instead of probing, `r` rolls the change back, the host is back to its pre-state, and q exits 3.
 * Needs root, tmux, openssh-server/client and `npm run build`.
 */
import { expect, test } from 'vitest';
import { snapshotDifferences } from '../../source/lab/index.js';
import { waitFor } from '../../source/lab/wait.js';
import { isAlive } from '../lab/helpers/lab-state.js';
import {
  driveToPending,
  masterOf,
  noGuardianLeft,
  SCREEN_MS,
  seeCountdown,
  tuisInHost,
  withOperator,
} from './helpers/operator.js';

// Long enough that the guardian's own revert cannot come first: this test is about `r`.
const TIMEOUT_SEC = 90;

test('the TUI SIGKILLed at the countdown: the next start recovers, r restores the host, exit 3', async () => {
  await withOperator(async (scene) => {
    const { lab } = scene;
    const before = await lab.snapshot(lab.ns.host);
    const first = await scene.openTui(TIMEOUT_SEC);
    await driveToPending(first);
    const guardian = (await scene.journal()).guardian?.pid;
    if (!guardian) throw new Error('the journal names no guardian');
    await seeCountdown(first, guardian);

    const [tui, ...others] = await tuisInHost(lab);
    expect(others).toEqual([]);
    if (!tui) throw new Error('no TUI process in the host namespace');
    process.kill(tui, 'SIGKILL');
    await waitFor('the TUI to die', { attempts: 100, intervalMs: 50, timeoutMs: 5_000 }, (problem) =>
      isAlive(tui) ? problem(`pid ${tui} alive`) : true,
    );
    // Its ssh session ends with it; the change stays pending and guarded.
    await first.waitForExit(SCREEN_MS);
    const pending = await scene.journal();
    expect(pending.phase).toBe('applied');
    expect(isAlive(guardian)).toBe(true);
    expect(masterOf((await lab.snapshot(lab.ns.host)).links, lab.uplink)).toBe('fcbr0');

    const second = await scene.openTui(TIMEOUT_SEC);
    const recovery = await second.waitForText(/a migration was left pending/, SCREEN_MS);
    expect(recovery).toMatch(/ens18 → fcbr0, phase applied/);
    expect(recovery).toMatch(new RegExp(`Guardian \\(pid ${guardian}\\) alive`));
    await second.sendKeys('r');
    await second.waitForText(/Reverted/, SCREEN_MS);

    let differences: string[] = [];
    await waitFor('the pre-state', { attempts: 100, intervalMs: 100, timeoutMs: 10_000 }, async (problem) => {
      differences = snapshotDifferences(before, await lab.snapshot(lab.ns.host));
      return differences.length === 0 ? true : problem(`differs in ${differences.join(', ')}`);
    });
    expect(differences).toEqual([]);
    expect((await scene.journal()).outcome, scene.guardianLog()).toMatchObject({
      kind: 'reverted',
      reason: 'operator',
    });
    expect(Date.now()).toBeLessThan(pending.deadline); // the operator's revert, not the deadline's
    await second.sendKeys('q');
    expect(await second.waitForExit(SCREEN_MS)).toEqual({ code: 3, signal: null });
    await noGuardianLeft(lab);
  });
});
