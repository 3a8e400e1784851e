/**
 * The headless commands for real: the BUILT tool (dist/cli.js) runs inside a DHCP lab's host
 * namespace as an operator's root shell would. `apply --yes` leaves the change pending, `status
 * --json` reports it, a second `apply` is refused without touching anything, and `rollback --yes`
 * from a new process restores the links, addresses, routes and rules of the pre-state.
 * Needs root and `npm run build`. The guardian that apply starts, and the DHCP client the revert
 * restarts, are ended by pid afterwards if still alive. A rollback from another namespace (the lab's
 * peer) is refused and changes nothing there.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import { expect, test } from 'vitest';
import { snapshotDifferences } from '../../source/lab/snapshot.js';
import type { Lab } from '../../source/lab/types.js';
import { waitFor } from '../../source/lab/wait.js';
import { createJournalStore } from '../../source/txn/journal/journal.js';
import { comparable, stopRestartedClients } from './helpers/engine-lab.js';
import { type CliRun, DIST_CLI, killAlive, requireBuiltCli, runCliIn } from './helpers/guardian-cli.js';
import { isAlive, withLab } from './helpers/lab-state.js';

interface StatusJson {
  mode: string;
  migration: {
    phase: string;
    pending: boolean;
    createdAt: string;
    deadline: string;
    secondsLeft: number | null;
    guardian: { pid: number; alive: boolean } | null;
    outcome: { kind: string; reason: string } | null;
  } | null;
}

interface Scene {
  lab: Lab;
  stateDir: string;
  /** Runs the built tool in the host namespace with this scene's state and root directories. */
  cli(args: string[]): Promise<CliRun>;
  status(): Promise<StatusJson>;
  /** Guardians seen; ended by pid afterwards if still alive. */
  guardians: Set<number>;
}

async function withCommandLab(body: (scene: Scene) => Promise<void>): Promise<void> {
  requireBuiltCli();
  const scratch = mkdtempSync(join(tmpdir(), 'bm-commands-'));
  const stateDir = join(scratch, 'state');
  const rootDir = join(scratch, 'root');
  mkdirSync(rootDir);
  const guardians = new Set<number>();
  try {
    await withLab({ host: { kind: 'dhcp', keepClient: true, leaseLifetimes: true } }, async (lab) => {
      // The operator's SSH session, as the peer would hold it: the verify checks ping it too.
      const env = { SSH_CONNECTION: `${lab.peerAddress} 40022 ${lab.hostAddress} 22` };
      const cli = (args: string[]) =>
        runCliIn(lab.ns.host, [...args, '--state-dir', stateDir, '--root-dir', rootDir], {
          env,
          timeoutMs: 90_000,
        });
      const status = async (): Promise<StatusJson> => {
        const run = await cli(['status', '--json']);
        expect(run.code, run.stderr).toBe(0);
        return JSON.parse(run.stdout) as StatusJson;
      };
      try {
        await lab.settle(lab.ns.host);
        await body({ lab, stateDir, cli, status, guardians });
      } finally {
        killAlive(guardians);
        await stopRestartedClients(lab);
      }
    });
  } finally {
    killAlive(guardians);
    rmSync(scratch, { recursive: true, force: true });
  }
}

/** `apply --yes` to a pending change with its guardian alive; returns the guardian's pid. */
async function applyPending({
  cli,
  status,
  stateDir,
  guardians,
  lab,
}: Scene): Promise<{ apply: CliRun; guardian: number }> {
  const apply = await cli(['apply', '--yes', '--nic', 'ens18', '--persist', 'none', '--timeout', '600']);
  expect(apply.code, apply.stderr).toBe(0);
  expect(apply.stdout).toMatch(/Applied and verified: ens18 (->|→) fcbr0 is live and pending confirmation\./);
  // Commands for another session act where apply did: the lab's namespace, state and root dirs.
  const where = `--state-dir ${stateDir} --root-dir ${join(dirname(stateDir), 'root')}`;
  // The tool as it was started (a checkout: node dist/cli.js; command-deps.ts selfCommand).
  const inHost = `ip netns exec ${lab.ns.host} node ${DIST_CLI}`;
  expect(apply.stdout).toContain(`  ${inHost} confirm ${where}`);
  expect(apply.stdout).toContain(`  ${inHost} rollback --yes ${where}`);
  expect(apply.stdout).toMatch(/Deadline: \d\d:\d\d:\d\d by this host's clock, \d+ s from now\./);
  expect(apply.stderr).toMatch(/ok +1\/\d+ Create bridge fcbr0/);
  expect(apply.stderr).toMatch(/verify +Gateway 198\.51\.100\.1 answers ping \(via fcbr0\): /);
  // apply armed the guardian before the first change (a detached child here: PID 1 of the lab's
  // namespace is not systemd), and it is alive after apply itself has exited.
  expect(apply.stderr).toMatch(/guardian armed: pid \d+ \(detached\)/);
  const asked = Date.now();
  const pending = await status();
  const answered = Date.now();
  expect(pending.mode).toBe('bridged');
  expect(pending.migration).toMatchObject({ phase: 'applied', pending: true, outcome: null });
  // The deadline is --timeout after the journal was made, and the seconds left are counted to it
  // from the moment status ran (between asking and the answer): no threshold a slow run could miss.
  const deadline = Date.parse(pending.migration?.deadline ?? '');
  expect(deadline - Date.parse(pending.migration?.createdAt ?? '')).toBe(600_000);
  const left = pending.migration?.secondsLeft ?? -1;
  expect(left).toBeGreaterThanOrEqual(Math.ceil((deadline - answered) / 1000));
  expect(left).toBeLessThanOrEqual(Math.ceil((deadline - asked) / 1000));
  const guardian = pending.migration?.guardian;
  if (!guardian) throw new Error('status names no guardian');
  guardians.add(guardian.pid);
  expect(guardian.alive).toBe(true);
  return { apply, guardian: guardian.pid };
}

function guardianExits(pid: number): Promise<true> {
  return waitFor('the guardian to exit', { attempts: 100, intervalMs: 100, timeoutMs: 10_000 }, (problem) =>
    isAlive(pid) ? problem('still running') : true,
  );
}

test('apply --yes leaves the change pending, status shows it, a second apply is refused, rollback --yes restores the pre-state', async () => {
  await withCommandLab(async (scene) => {
    const { lab, cli, status } = scene;
    const rawBefore = await lab.snapshot(lab.ns.host);
    const before = comparable(rawBefore);
    const { guardian } = await applyPending(scene);

    // The host really moved: ens18 is a port of fcbr0, which carries the default route.
    const links = JSON.parse((await lab.snapshot(lab.ns.host)).links) as Array<{
      ifname: string;
      master?: string;
    }>;
    expect(links.find((link) => link.ifname === 'ens18')?.master).toBe('fcbr0');

    // A second apply is refused before it changes anything. The bridge's IPv6 link-local address
    // is still in duplicate address detection right after the apply (tentative, with a route that
    // comes and goes): wait for it to settle so the comparison sees only what the refusal did.
    await lab.settle(lab.ns.host);
    const applied = comparable(await lab.snapshot(lab.ns.host));
    const again = await cli(['apply', '--yes', '--nic', 'ens18', '--persist', 'none']);
    expect(again.code, again.stderr).toBe(1);
    expect(again.stderr).toMatch(/^blocked: Another migration \(ens18 into fcbr0\) .*applied/m);
    expect(again.stderr).toContain('apply refused; nothing was changed');
    expect(comparable(await lab.snapshot(lab.ns.host))).toEqual(applied);
    expect((await status()).migration?.phase).toBe('applied');

    const rollback = await cli(['rollback', '--yes']);
    expect(rollback.code, `${rollback.stdout}\n${rollback.stderr}`).toBe(3);
    expect(rollback.stdout).toMatch(/Reverted \(operator's choice\): the host matches its pre-state\./);
    expect(rollback.stdout).toContain(
      'Compared with the pre-state: links, addresses, routes and rules are as before.',
    );

    // The DHCP client the revert restarted re-applies its lease a moment later; wait for the
    // host to settle back (bounded), then compare exactly.
    await waitFor('the pre-state', { attempts: 200, intervalMs: 100, timeoutMs: 20_000 }, async (problem) =>
      isDeepStrictEqual(comparable(await lab.snapshot(lab.ns.host)), before)
        ? true
        : problem('still different'),
    );
    const rawAfter = await lab.snapshot(lab.ns.host);
    expect(comparable(rawAfter)).toEqual(before);
    // Only address lifetimes may differ in the raw text: they count down by themselves.
    expect(snapshotDifferences(rawBefore, rawAfter).filter((part) => part !== 'addresses')).toEqual([]);

    const after = await status();
    expect(after.mode).toBe('none');
    expect(after.migration).toMatchObject({
      phase: 'reverted',
      pending: false,
      secondsLeft: null,
      outcome: { kind: 'reverted', reason: 'operator' },
    });
    // The guardian sees the journal reverted and exits by itself.
    await guardianExits(guardian);
    const nothingPending = await cli(['rollback', '--yes']);
    expect(nothingPending.code).toBe(1);
    expect(nothingPending.stderr).toContain('nothing to roll back');
  });
});

test('confirm keeps the change: the journal is finished (nothing to write with --persist none) and the guardian exits', async () => {
  await withCommandLab(async (scene) => {
    const { lab, cli, status } = scene;
    const { guardian } = await applyPending(scene);
    const confirm = await cli(['confirm']);
    expect(confirm.code, confirm.stderr).toBe(0);
    expect(confirm.stdout).toMatch(/Confirmed: ens18 (->|→) fcbr0 is kept\./);
    expect(confirm.stdout).toContain(
      'the change lives at runtime only: a reboot brings back the old network',
    );
    await guardianExits(guardian);
    const after = await status();
    expect(after.mode).toBe('bridged');
    expect(after.migration).toMatchObject({ phase: 'persisted', pending: false, secondsLeft: null });
    const links = JSON.parse((await lab.snapshot(lab.ns.host)).links) as Array<{
      ifname: string;
      master?: string;
    }>;
    expect(links.find((link) => link.ifname === 'ens18')?.master).toBe('fcbr0');
    // Nothing is pending any more: a second confirm is refused. A finished migration (here runtime
    // only) is undone by rollback under its own guardian: exit 3, the uplink back out of the bridge.
    expect((await cli(['confirm'])).code).toBe(1);
    expect((await cli(['rollback', '--yes'])).code).toBe(3);
    const undone = JSON.parse((await lab.snapshot(lab.ns.host)).links) as Array<{
      ifname: string;
      master?: string;
    }>;
    expect(undone.find((link) => link.ifname === 'ens18')?.master).toBeUndefined();
  });
});

test('a SIGKILLed guardian is said first by status; guard --rearm starts a new one for the same deadline', async () => {
  await withCommandLab(async (scene) => {
    const { cli, status, guardians, stateDir } = scene;
    const { guardian } = await applyPending(scene);
    const deadline = (await createJournalStore().load(stateDir))?.deadline;
    process.kill(guardian, 'SIGKILL');
    await guardianExits(guardian);

    const text = await cli(['status']);
    expect(text.code, text.stderr).toBe(0);
    expect(text.stdout.split('\n')[0]).toMatch(
      new RegExp(
        `^WARNING: the guardian \\(pid ${guardian}\\) is not running: nothing will revert this change at the deadline; re-arm it for the same deadline: ip netns exec \\S+ (?:bridge-migrate|node \\S+/dist/cli\\.js) guard --rearm --state-dir `,
      ),
    );

    const rearm = await cli(['guard', '--rearm']);
    expect(rearm.code, `${rearm.stdout}\n${rearm.stderr}`).toBe(0);
    expect(rearm.stdout).toMatch(/Guardian re-armed \(pid \d+, detached\)/);
    const after = await status();
    const fresh = after.migration?.guardian;
    if (!fresh) throw new Error('status names no guardian');
    guardians.add(fresh.pid);
    expect(fresh.pid).not.toBe(guardian);
    expect(fresh.alive).toBe(true);
    expect(after.migration?.phase).toBe('applied');
    expect((await createJournalStore().load(stateDir))?.deadline).toBe(deadline);
    expect((await cli(['status'])).stdout).not.toContain('WARNING');
    // A second re-arm is refused: the new guardian is alive.
    const again = await cli(['guard', '--rearm']);
    expect(again.code).toBe(1);
    expect(again.stderr).toContain('is running; there is nothing to re-arm');

    const rollback = await cli(['rollback', '--yes']);
    expect(rollback.code, rollback.stderr).toBe(3);
    await guardianExits(fresh.pid);
  });
});

// The wrong namespace: a journal made in the lab's host namespace (X), acted on from its peer
// namespace (Y), given a bridge of the same name as a real host could have. Without the check,
// `rollback --yes` there ran the undo (`ip link del fcbr0`, the default route) in Y.
test('rollback from another namespace is refused and changes nothing there; status there names the command to run in the lab', async () => {
  await withCommandLab(async (scene) => {
    const { lab, cli, stateDir } = scene;
    const { guardian } = await applyPending(scene);
    const where = ['--state-dir', stateDir, '--root-dir', join(dirname(stateDir), 'root')];
    const inPeer = (args: string[]) => runCliIn(lab.ns.peer, [...args, ...where], { timeoutMs: 90_000 });
    execFileSync('ip', ['netns', 'exec', lab.ns.peer, 'ip', 'link', 'add', 'fcbr0', 'type', 'bridge']);
    const peerBefore = comparable(await lab.snapshot(lab.ns.peer));
    const hostBefore = comparable(await lab.snapshot(lab.ns.host));

    const wrong = await inPeer(['rollback', '--yes']);
    expect(wrong.code, wrong.stderr).toBe(1);
    const lines = wrong.stderr.trimEnd().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain(
      `made in network namespace ${lab.ns.host}, but this process runs in network namespace ${lab.ns.peer}`,
    );
    expect(lines[0]).toMatch(
      new RegExp(
        `run it there: ip netns exec ${lab.ns.host} node \\S+/dist/cli\\.js rollback ${where.join(' ')}$`,
      ),
    );
    expect(comparable(await lab.snapshot(lab.ns.peer))).toEqual(peerBefore);
    expect(comparable(await lab.snapshot(lab.ns.host))).toEqual(hostBefore);

    const status = await inPeer(['status']);
    expect(status.code, status.stderr).toBe(0);
    expect(status.stdout).toContain(`NAMESPACE: the migration was made in network namespace ${lab.ns.host}`);
    expect(status.stdout).toMatch(
      new RegExp(
        `undo it: ip netns exec ${lab.ns.host} node \\S+/dist/cli\\.js rollback --yes ${where.join(' ')}`,
      ),
    );

    // Still pending where it was made, and the command named there works.
    expect((await createJournalStore().load(stateDir))?.phase).toBe('applied');
    const right = await cli(['rollback', '--yes']);
    expect(right.code, right.stderr).toBe(3);
    await guardianExits(guardian);
  });
});
