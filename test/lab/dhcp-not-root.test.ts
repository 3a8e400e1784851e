/**
 * Anyone may start a process that calls itself "dhclient ens18". In a DHCP lab's host namespace,
 * user `nobody` runs one: a copy of bash named `dhclient`, started as `dhclient -e SCRIPT ens18`
 * (bash reads `-e` as errexit and runs SCRIPT; dhclient's parser reads `-e VAR=value` as an option
 * and ens18 as its interface), whose script appends the uid it runs as to a file on every start.
 * The BUILT tool then applies and rolls back as an operator's root shell would. The plan must say
 * the process is left alone, it must never be signalled (same pid, alive throughout), and nothing
 * may start it again as root (the file only ever says 65534). The real root udhcpc of the lab is
 * stopped and restarted as usual. Needs root and `npm run build`.
 */
import {
  chmodSync,
  copyFileSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  readlinkSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test } from 'vitest';
import { waitFor } from '../../source/lab/wait.js';
import { stopRestartedClients } from './helpers/engine-lab.js';
import { APPLY_PENDING, killAlive, requireBuiltCli, runCliIn } from './helpers/guardian-cli.js';
import { isAlive, withLab } from './helpers/lab-state.js';

const NOBODY = 65534;

/** Pids of live processes whose program (readlink /proc/PID/exe) is `exe`. */
function processesRunning(exe: string): number[] {
  return readdirSync('/proc')
    .filter((entry) => /^\d+$/.test(entry))
    .filter((entry) => {
      try {
        return readlinkSync(`/proc/${entry}/exe`) === exe && isAlive(Number(entry));
      } catch {
        return false;
      }
    })
    .map(Number);
}

function startsRecorded(file: string): string[] {
  return readFileSync(file, 'utf8').split('\n').filter(Boolean);
}

test("another user's process calling itself dhclient is left alone by apply and rollback, never restarted as root", async () => {
  requireBuiltCli();
  const scratch = mkdtempSync(join(tmpdir(), 'bm-notroot-'));
  const stateDir = join(scratch, 'state');
  const rootDir = join(scratch, 'root');
  const fakeDir = join(scratch, 'fake');
  mkdirSync(rootDir);
  mkdirSync(fakeDir);
  // nobody must reach the program and its script and append to the record.
  chmodSync(scratch, 0o755);
  chmodSync(fakeDir, 0o755);
  const program = join(fakeDir, 'dhclient');
  const script = join(fakeDir, 'fake-dhclient.sh');
  const record = join(fakeDir, 'uids');
  copyFileSync('/bin/bash', program);
  chmodSync(program, 0o755);
  // Bounded: ten minutes at most. A loop, not one long sleep, so bash stays the process with the
  // dhclient argv and ending it by pid leaves at most a one-second sleep behind.
  writeFileSync(script, `id -u >> ${record}\nfor i in $(seq 600); do sleep 1; done\n`, { mode: 0o755 });
  writeFileSync(record, '');
  chmodSync(record, 0o666);
  const guardians = new Set<number>();
  try {
    await withLab({ host: { kind: 'dhcp', keepClient: true, leaseLifetimes: true } }, async (lab) => {
      const env = { SSH_CONNECTION: `${lab.peerAddress} 40022 ${lab.hostAddress} 22` };
      const cli = (args: readonly string[]) =>
        runCliIn(lab.ns.host, [...args, '--state-dir', stateDir, '--root-dir', rootDir], {
          env,
          timeoutMs: 90_000,
        });
      const fake = await lab.spawn(
        lab.ns.host,
        [
          'setpriv',
          `--reuid=${NOBODY}`,
          `--regid=${NOBODY}`,
          '--clear-groups',
          program,
          '-e',
          script,
          'ens18',
        ],
        { label: 'nobody-dhclient' },
      );
      try {
        await waitFor(
          'the fake dhclient to record its start',
          { attempts: 100, intervalMs: 50, timeoutMs: 5_000 },
          (problem) =>
            startsRecorded(record).length > 0 ? true : problem(`nothing in ${record}: ${fake.readLog()}`),
        );
        expect(startsRecorded(record)).toEqual([String(NOBODY)]);
        expect(readFileSync(`/proc/${fake.pid}/cmdline`, 'utf8')).toBe(`${program}\0-e\0${script}\0ens18\0`);
        await lab.settle(lab.ns.host);

        const apply = await cli(APPLY_PENDING);
        const armed = /guardian armed: pid (\d+)/.exec(apply.stderr);
        if (armed) guardians.add(Number(armed[1]));
        expect(apply.code, apply.stderr).toBe(0);
        // The lab's own udhcpc (root's) is the only client stopped.
        expect(apply.stderr).toMatch(/Stop the DHCP client of ens18/);
        expect(fake.hasExited()).toBe(false);
        expect(isAlive(fake.pid)).toBe(true);
        expect(apply.stderr).toContain(
          `warning (accepted by --yes): dhclient (pid ${fake.pid}, uid ${NOBODY}) is not root's: left alone`,
        );

        const rollback = await cli(['rollback', '--yes']);
        expect(rollback.code, `${rollback.stdout}\n${rollback.stderr}`).toBe(3);
        expect(rollback.stdout).toMatch(/Reverted \(operator's choice\): the host matches its pre-state\./);

        // Never started again by anyone, least of all as root.
        expect(startsRecorded(record)).toEqual([String(NOBODY)]);
        expect(processesRunning(program)).toEqual([fake.pid]);
        expect(fake.hasExited()).toBe(false);
        expect(isAlive(fake.pid)).toBe(true);
      } finally {
        killAlive(guardians);
        await lab.stop(fake);
        await stopRestartedClients(lab);
        // A copy started by anyone else (what this test exists to catch) is ended by pid too.
        killAlive(processesRunning(program));
      }
    });
  } finally {
    killAlive(guardians);
    rmSync(scratch, { recursive: true, force: true });
  }
});
