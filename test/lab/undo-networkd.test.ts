/**
 * Undo of a finished migration on a netplan + systemd-networkd host (the lab's networkd machine):
 * apply, confirm (persisted), then `rollback --yes`. The undo runs under a guardian of its own
 * (armed after the journal moved to undoing, before anything changed): the netplan file comes
 * back byte-exact, networkd takes ens18 back with the same address and the default route, the
 * bridge the tool created is gone (a TAP on it detached and kept), and the checks that passed at baseline pass again. When the
 * undoing process is killed half way, that guardian finishes the undo to the same state.
 */
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import type { Lab } from '../../source/lab/index.js';
import { waitFor } from '../../source/lab/wait.js';
import type { Journal } from '../../source/txn/journal/journal.js';
import { DIST_CLI, killAlive, logTail, waitForJournal } from './helpers/guardian-cli.js';
import { BRIDGE, configured, defaultVia, ipv4, withMachine } from './helpers/networkd-persist.js';

const TAP = 'fctap0';
const APPLY = ['apply', '--yes', '--nic', 'ens18', '--bridge', BRIDGE, '--timeout', '120'];

async function linkExists(lab: Lab, ifname: string): Promise<boolean> {
  return (
    (await lab.exec(lab.ns.host, ['ip', 'link', 'show', 'dev', ifname], { check: false })).exitCode === 0
  );
}

/** The guardians the journal named (the apply's and the undo's), by its events. */
function guardianPids(journal: Journal): number[] {
  return journal.events.flatMap((event) => {
    const pid = /^guardian started \(\w[\w-]*, pid (\d+)/.exec(event.message)?.[1];
    return pid ? [Number(pid)] : [];
  });
}

/** apply + confirm: the migration persisted; the netplan file and its bytes before. */
async function applyAndConfirm(
  root: string,
  cli: (args: string[]) => Promise<{ exitCode: number; stdout: string; stderr: string }>,
): Promise<{ netplanFile: string; original: Buffer }> {
  const netplanFile = join(root, 'etc/netplan/50-lab.yaml');
  const original = readFileSync(netplanFile);
  const apply = await cli(APPLY);
  expect(apply.exitCode, apply.stderr).toBe(0);
  const confirm = await cli(['confirm']);
  expect(confirm.exitCode, `${confirm.stdout}\n${confirm.stderr}`).toBe(0);
  return { netplanFile, original };
}

describe.concurrent('undo of a persisted migration on a netplan + networkd host', () => {
  test('rollback --yes undoes it under a guardian: file byte-exact, address and route back on ens18, bridge gone, checks pass (exit 3)', async () => {
    await withMachine(async ({ lab, root, stateDir, machine, cli, before }) => {
      const { netplanFile, original } = await applyAndConfirm(root, cli);
      expect(readFileSync(netplanFile).equals(original)).toBe(false);
      // A VM's TAP on the bridge: the undo deletes the bridge it created, the TAP is detached and kept.
      await lab.exec(lab.ns.host, ['ip', 'tuntap', 'add', 'dev', TAP, 'mode', 'tap']);
      await lab.exec(lab.ns.host, ['ip', 'link', 'set', 'dev', TAP, 'master', BRIDGE]);

      const rollback = await cli(['rollback', '--yes']);
      expect(rollback.exitCode, `${rollback.stdout}\n${rollback.stderr}`).toBe(3);
      expect(rollback.stderr).toContain('under a guardian (deadline 120 s)');
      expect(readFileSync(netplanFile).equals(original)).toBe(true);
      expect(await linkExists(lab, BRIDGE)).toBe(false);
      const tap = await lab.exec(lab.ns.host, ['ip', '-j', 'link', 'show', 'dev', TAP]);
      expect(JSON.parse(tap.stdout)[0]).not.toHaveProperty('master');
      expect(await configured(lab, machine.current, 'ens18')).toEqual(before);
      expect(await defaultVia(lab)).toBe('ens18');

      const journal = await waitForJournal(stateDir, 'the undo recorded', { timeoutMs: 5_000 }, () => true);
      killAlive(guardianPids(journal));
      expect(journal.phase).toBe('reverted');
      expect(journal.outcome?.reason).toBe('operator');
      // The undo had a guardian of its own, armed after undoing began and before the revert.
      const messages = journal.events.map((event) => event.message);
      const undoing = messages.findIndex((message) => message.startsWith('persisted → undoing'));
      expect(undoing).toBeGreaterThan(-1);
      expect(messages.slice(undoing).some((message) => message.startsWith('guardian started'))).toBe(true);
      const checks = journal.outcome?.checks ?? [];
      expect(checks.length).toBeGreaterThan(0);
      expect(checks.filter((check) => !check.ok)).toEqual([]);
      const status = await cli(['status', '--json']);
      expect(JSON.parse(status.stdout).migration).toMatchObject({ phase: 'reverted', pending: false });
    });
  }, 480_000);

  test('the undoing process killed half way: its guardian finishes the undo to the same state', async () => {
    await withMachine(async ({ lab, root, stateDir, machine, cli, before }) => {
      const { netplanFile, original } = await applyAndConfirm(root, cli);

      // nsenter without a pid namespace execs node: the child's pid is the undoing process.
      const [program = 'nsenter', ...rest] = machine.current.prefix;
      const undo = spawn(
        program,
        [
          ...rest,
          process.execPath,
          DIST_CLI,
          'rollback',
          '--yes',
          '--state-dir',
          stateDir,
          '--root-dir',
          '/',
        ],
        { stdio: 'ignore' },
      );
      const pids = new Set<number>(undo.pid ? [undo.pid] : []);
      try {
        // Half way: the file is restored (the first part), the rest (hand-back, runtime) is not done.
        await waitFor(
          'the undo to restore the netplan file',
          { attempts: 3_000, intervalMs: 10, timeoutMs: 60_000 },
          async (problem) =>
            readFileSync(netplanFile).equals(original) ? true : problem('not restored yet'),
        );
        undo.kill('SIGKILL');
        const cut = await waitForJournal(stateDir, 'the journal', { timeoutMs: 5_000 }, () => true);
        expect(cut.phase, 'the undo had already finished: it was not cut half way').toBe('undoing');
        for (const pid of guardianPids(cut)) pids.add(pid);

        const done = await waitForJournal(
          stateDir,
          'the guardian to finish the undo',
          { timeoutMs: 90_000, intervalMs: 200 },
          (journal) => journal.phase === 'reverted' || journal.phase === 'revert-incomplete',
        ).catch((error: Error) => {
          throw new Error(`${error.message}\n${logTail(join(stateDir, 'debug.log'))}`);
        });
        expect(done.phase, JSON.stringify(done.outcome)).toBe('reverted');
        expect(done.outcome?.reason).toBe('recovery');
        expect(done.revertTrigger?.detail).toBe('the process undoing the migration is gone');
        expect((done.outcome?.checks ?? []).filter((check) => !check.ok)).toEqual([]);
        expect(readFileSync(netplanFile).equals(original)).toBe(true);
        expect(await linkExists(lab, BRIDGE)).toBe(false);
        expect(await ipv4(lab, BRIDGE)).toEqual([]);
        expect(await configured(lab, machine.current, 'ens18')).toEqual(before);
        expect(await defaultVia(lab)).toBe('ens18');
      } finally {
        killAlive(pids);
      }
    });
  }, 480_000);
});
