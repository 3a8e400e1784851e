/**
 * DESIGN.md "The guardian", lost SSH for real: the operator ssh'es from the peer into the host, runs the TUI
 * there and applies; then the ssh client dies (killed by pid, as a dropped laptop link would end
 * it). sshd hangs up the session, the TUI goes with it without deciding anything, and the guardian
 * alone puts the host back at the deadline — after which the operator can log in again.
 * Needs root, tmux, openssh-server/client and `npm run build`.
 */
import { readFileSync } from 'node:fs';
import { expect, test } from 'vitest';
import { snapshotDifferences } from '../../source/lab/index.js';
import { waitFor } from '../../source/lab/wait.js';
import { waitForJournal } from '../lab/helpers/guardian-cli.js';
import { isAlive } from '../lab/helpers/lab-state.js';
import {
  driveToPending,
  guardiansInHost,
  masterOf,
  noGuardianLeft,
  seeCountdown,
  tuisInHost,
  withOperator,
} from './helpers/operator.js';

const TIMEOUT_SEC = 20;

test('killing the ssh client hangs up the TUI; the guardian reverts at the deadline; ssh works again', async () => {
  await withOperator(async (scene) => {
    const { lab, ssh, stateDir } = scene;
    const before = await lab.snapshot(lab.ns.host);

    const pane = await scene.openTui(TIMEOUT_SEC);
    await driveToPending(pane);
    expect(masterOf((await lab.snapshot(lab.ns.host)).links, lab.uplink)).toBe('fcbr0');
    const pending = await scene.journal();
    expect(pending.phase).toBe('applied');
    const guardian = pending.guardian?.pid;
    if (!guardian) throw new Error('the journal names no guardian');
    expect(await guardiansInHost(lab)).toEqual([guardian]);
    await seeCountdown(pane, guardian);
    const [tui, ...others] = await tuisInHost(lab);
    expect(others).toEqual([]);
    if (!tui) throw new Error('no TUI process found in the host namespace');

    // The pane runs `ip netns exec PEER ssh ...`, which execs ssh: the pane's pid is the client.
    const client = await pane.pid();
    const clientArgv = readFileSync(`/proc/${client}/cmdline`, 'utf8').split('\0');
    expect(clientArgv[0]).toBe('ssh');
    process.kill(client, 'SIGKILL');

    // sshd sees the connection close and hangs up the session: the TUI ends (bounded).
    await waitFor(
      'the TUI to be hung up',
      { attempts: 100, intervalMs: 100, timeoutMs: 10_000 },
      (problem) => (isAlive(tui) ? problem(`TUI pid ${tui} still alive`) : true),
    );
    // Its shutdown path neither reverted nor confirmed: the change waits for the guardian.
    const afterHangup = await scene.journal();
    expect(afterHangup.outcome).toBeNull();
    expect(isAlive(guardian)).toBe(true);
    expect(masterOf((await lab.snapshot(lab.ns.host)).links, lab.uplink)).toBe('fcbr0');

    const reverted = await waitForJournal(
      stateDir,
      'the guardian to revert at the deadline',
      { timeoutMs: Math.max(0, pending.deadline - Date.now()) + 30_000 },
      (journal) => journal.outcome !== null,
    );
    expect(reverted.outcome, scene.guardianLog()).toMatchObject({ kind: 'reverted', reason: 'timeout' });
    expect(reverted.phase).toBe('reverted');
    expect(reverted.outcome?.at ?? 0).toBeGreaterThanOrEqual(pending.deadline);

    // Links, addresses, routes and rules exactly as before the apply (the lab's address never
    // expires, so even the lifetimes match byte for byte).
    let differences: string[] = [];
    await waitFor('the pre-state', { attempts: 100, intervalMs: 100, timeoutMs: 10_000 }, async (problem) => {
      differences = snapshotDifferences(before, await lab.snapshot(lab.ns.host));
      return differences.length === 0 ? true : problem(`differs in ${differences.join(', ')}`);
    });
    expect(differences).toEqual([]);
    await noGuardianLeft(lab);

    // The operator can log in again, over the restored path.
    const again = await ssh.run('true');
    expect(again.exitCode, again.stderr).toBe(0);
    const status = await scene.cliOverSsh(['status', '--json']);
    expect(status.exitCode, status.stderr).toBe(0);
    expect(JSON.parse(status.stdout)).toMatchObject({
      mode: 'none',
      migration: { phase: 'reverted', pending: false, outcome: { kind: 'reverted', reason: 'timeout' } },
    });
  });
});
