/**
 * A journal is acted on only from the network namespace its migration was made in. The BUILT tool
 * applies in the lab's host namespace (X); `rollback --yes` with the same --state-dir, run in the
 * lab's peer namespace (Y, given a bridge of the same name, as a real host could have), is refused
 * in one line (exit 1) naming the command to run in X, and Y's links, addresses and routes are
 * unchanged: without the check it ran the undo (`ip link del fcbr0`, the default route) in Y.
 * `status` from Y names X's commands. The rollback it names then works in X (and cleans up).
 * Needs root and `npm run build`; the lab's namespaces, the guardian and the temp dirs are removed
 * even on failure.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test } from 'vitest';
import { comparable, stopRestartedClients } from './helpers/engine-lab.js';
import { killAlive, requireBuiltCli, runCliIn } from './helpers/guardian-cli.js';
import { withLab } from './helpers/lab-state.js';

test('rollback from another lab namespace is refused and changes nothing there; status there names the lab command', {
  timeout: 240_000,
}, async () => {
  requireBuiltCli();
  const scratch = mkdtempSync(join(tmpdir(), 'bm-netns-mismatch-'));
  const stateDir = join(scratch, 'state');
  const rootDir = join(scratch, 'root');
  mkdirSync(rootDir);
  const guardians = new Set<number>();
  try {
    await withLab({ host: { kind: 'static', addresses: ['198.51.100.240/24'] } }, async (lab) => {
      const env = { SSH_CONNECTION: `${lab.peerAddress} 40022 ${lab.hostAddress} 22` };
      const where = ['--state-dir', stateDir, '--root-dir', rootDir];
      const cliIn = (ns: string, args: string[]) =>
        runCliIn(ns, [...args, ...where], { env, timeoutMs: 90_000 });
      try {
        await lab.settle(lab.ns.host);
        const apply = await cliIn(lab.ns.host, [
          'apply',
          '--yes',
          '--nic',
          'ens18',
          '--persist',
          'none',
          '--timeout',
          '600',
        ]);
        expect(apply.code, apply.stderr).toBe(0);
        const hostStatus = await cliIn(lab.ns.host, ['status', '--json']);
        const guardian = JSON.parse(hostStatus.stdout).migration?.guardian?.pid;
        if (typeof guardian === 'number') guardians.add(guardian);

        // The wrong namespace looks like a host the undo could hurt: a bridge of the same name.
        execFileSync('ip', ['netns', 'exec', lab.ns.peer, 'ip', 'link', 'add', 'fcbr0', 'type', 'bridge']);
        const peerBefore = comparable(await lab.snapshot(lab.ns.peer));
        const hostBefore = comparable(await lab.snapshot(lab.ns.host));

        const wrong = await cliIn(lab.ns.peer, ['rollback', '--yes']);
        expect(wrong.code, wrong.stderr).toBe(1);
        const lines = wrong.stderr.trimEnd().split('\n');
        expect(lines).toHaveLength(1);
        expect(lines[0]).toContain(
          `made in network namespace ${lab.ns.host}, but this process runs in network namespace ${lab.ns.peer}`,
        );
        const there = new RegExp(
          `run it there: ip netns exec ${lab.ns.host} node \\S+/dist/cli\\.js rollback --state-dir ${stateDir} --root-dir ${rootDir}$`,
        );
        expect(lines[0]).toMatch(there);
        expect(comparable(await lab.snapshot(lab.ns.peer))).toEqual(peerBefore);
        expect(comparable(await lab.snapshot(lab.ns.host))).toEqual(hostBefore);

        // status from the wrong namespace names the lab's commands and where the migration was made.
        const status = await cliIn(lab.ns.peer, ['status']);
        expect(status.code, status.stderr).toBe(0);
        expect(status.stdout).toContain(
          `NAMESPACE: the migration was made in network namespace ${lab.ns.host}`,
        );
        expect(status.stdout).toMatch(
          new RegExp(
            `undo it: ip netns exec ${lab.ns.host} node \\S+/dist/cli\\.js rollback --yes --state-dir ${stateDir}`,
          ),
        );

        // Still pending in X; the command named there works.
        const right = await cliIn(lab.ns.host, ['rollback', '--yes']);
        expect(right.code, right.stderr).toBe(3);
      } finally {
        killAlive(guardians);
        await stopRestartedClients(lab);
      }
    });
  } finally {
    killAlive(guardians);
    rmSync(scratch, { recursive: true, force: true });
  }
});
