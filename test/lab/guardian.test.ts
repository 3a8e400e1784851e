/**
 * The dead-man guardian for real: `bridge-migrate apply --yes` (the built CLI, dist/cli.js) runs
 * inside a lab host namespace, arms the guardian, applies, and exits. From then on only the
 * guardian acts: it reverts at the deadline, reverts early when the gateway dies, and when it is
 * killed the change stays pending for `rollback`. Needs root and `npm run build`.
 *
 * Every guardian the test saw is killed by pid afterwards if still alive, and the DHCP client a
 * revert restarted (not the lab's own process) is stopped by pid too.
 */
import { mkdirSync, mkdtempSync, readlinkSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import { describe, expect, test } from 'vitest';
import type { Lab } from '../../source/lab/types.js';
import { waitFor } from '../../source/lab/wait.js';
import type { Journal } from '../../source/txn/journal/journal.js';
import { comparable, namespaceIdentity, stopRestartedClients } from './helpers/engine-lab.js';
import { killAlive, logTail, requireBuiltCli, runCliIn, waitForJournal } from './helpers/guardian-cli.js';
import { isAlive, processesMentioning, withLab } from './helpers/lab-state.js';

interface Scene {
  lab: Lab;
  stateDir: string;
  log: string;
  /** Runs the tool in the host namespace with this scene's state and root directories. */
  cli(args: string[], timeoutMs?: number): ReturnType<typeof runCliIn>;
  /** Pids of guardians seen, killed afterwards if still alive. */
  guardians: Set<number>;
}

async function withScene(body: (scene: Scene) => Promise<void>): Promise<void> {
  requireBuiltCli();
  const scratch = mkdtempSync(join(tmpdir(), 'bm-guardian-'));
  const stateDir = join(scratch, 'state');
  const rootDir = join(scratch, 'root');
  mkdirSync(rootDir);
  const guardians = new Set<number>();
  try {
    await withLab({ host: { kind: 'dhcp', keepClient: true, leaseLifetimes: true } }, async (lab) => {
      const env = { SSH_CONNECTION: `${lab.peerAddress} 40022 ${lab.hostAddress} 22` };
      const cli = (args: string[], timeoutMs?: number) =>
        runCliIn(lab.ns.host, [...args, '--state-dir', stateDir, '--root-dir', rootDir], {
          env,
          ...(timeoutMs ? { timeoutMs } : {}),
        });
      try {
        await lab.settle(lab.ns.host);
        await body({ lab, stateDir, log: join(stateDir, 'debug.log'), cli, guardians });
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

/** `apply --yes`; returns the pending journal once the apply process has exited. */
async function applyPending(scene: Scene, timeoutSec: number): Promise<Journal> {
  const apply = await scene.cli([
    'apply',
    '--yes',
    '--nic',
    'ens18',
    '--bridge',
    'fcbr0',
    '--persist',
    'none',
    '--timeout',
    String(timeoutSec),
  ]);
  expect(apply.code, `${apply.stderr}\n${logTail(scene.log)}`).toBe(0);
  expect(apply.stderr).toMatch(/guardian armed: pid \d+ \(detached\)/);
  const journal = await waitForJournal(
    scene.stateDir,
    'the applied journal',
    { timeoutMs: 2_000 },
    () => true,
  );
  expect(journal.phase).toBe('applied');
  const guardian = journal.guardian;
  if (!guardian) throw new Error('the journal names no guardian');
  scene.guardians.add(guardian.pid);
  // PID 1 here is not systemd: the guardian is a detached child, in the host namespace, leading
  // its own session; the apply process is gone and the guardian is the tool's only process left.
  expect(guardian.mode).toBe('detached');
  expect(isAlive(apply.pid)).toBe(false);
  expect(isAlive(guardian.pid)).toBe(true);
  expect(readlinkSync(`/proc/${guardian.pid}/ns/net`)).toBe(namespaceIdentity(scene.lab.ns.host));
  expect(processesMentioning(scene.stateDir)).toEqual([guardian.pid]);
  return journal;
}

/** The restarted udhcpc re-applies its lease (deconfig, then bound); wait for that before comparing. */
async function leaseRenewedSince(lab: Lab, sinceMs: number): Promise<void> {
  const record = join(lab.dir, `${lab.ns.host}.ens18.lease`);
  await waitFor('the restarted udhcpc to bind', { attempts: 200, intervalMs: 100, timeoutMs: 20_000 }, () =>
    statSync(record).mtimeMs > sinceMs ? true : undefined,
  );
}

async function statusJson(
  scene: Scene,
): Promise<{ migration: Record<string, unknown> & { guardian: { alive: boolean } | null } }> {
  const status = await scene.cli(['status', '--json']);
  expect(status.code, status.stderr).toBe(0);
  return JSON.parse(status.stdout);
}

describe('the guardian started by apply --yes', () => {
  test('no confirmation: the guardian alone reverts at the deadline (ignoring SIGHUP) and status reports it', async () => {
    await withScene(async (scene) => {
      const { lab } = scene;
      const before = comparable(await lab.snapshot(lab.ns.host));
      const leaseBefore = Date.now();
      const pending = await applyPending(scene, 15);
      const guardianPid = pending.guardian?.pid as number;
      process.kill(guardianPid, 'SIGHUP'); // what a dropped SSH session would send
      expect((await statusJson(scene)).migration).toMatchObject({
        phase: 'applied',
        guardian: { alive: true },
      });

      // Nothing else happens. Watch the host from just before the deadline until it is back.
      const restoredAt = await waitFor(
        'the host to be back to its pre-state',
        { attempts: 2_000, intervalMs: 20, timeoutMs: pending.deadline - Date.now() + 20_000 },
        async () => {
          if (Date.now() < pending.deadline - 500) return undefined;
          const now = comparable(await lab.snapshot(lab.ns.host));
          return isDeepStrictEqual(now, before) ? Date.now() : undefined;
        },
      );
      const reverted = await waitForJournal(
        scene.stateDir,
        'the reverted journal',
        { timeoutMs: 20_000 },
        (journal) => ['reverted', 'revert-incomplete'].includes(journal.phase),
      );
      expect(reverted.outcome, logTail(scene.log)).toMatchObject({
        kind: 'reverted',
        reason: 'timeout',
        differences: [],
      });
      expect(reverted.outcome?.at).toBeGreaterThanOrEqual(pending.deadline);
      expect(restoredAt).toBeGreaterThanOrEqual(pending.deadline);
      expect(reverted.events.map((event) => event.message)).toContain(
        'guardian: reverting (timeout): the deadline passed without a confirmation',
      );
      await waitFor('the guardian to exit', { attempts: 100, intervalMs: 100, timeoutMs: 10_000 }, () =>
        isAlive(guardianPid) ? undefined : true,
      );
      expect(processesMentioning(scene.stateDir)).toEqual([]);

      await leaseRenewedSince(lab, leaseBefore);
      expect(comparable(await lab.snapshot(lab.ns.host))).toEqual(before);
      expect((await statusJson(scene)).migration).toMatchObject({
        phase: 'reverted',
        pending: false,
        outcome: { kind: 'reverted', reason: 'timeout' },
        guardian: { alive: false },
      });
      console.log(
        `guardian: deadline → host restored ${restoredAt - pending.deadline} ms; ` +
          `deadline → outcome recorded ${(reverted.outcome?.at ?? 0) - pending.deadline} ms`,
      );
    });
  });

  test('the gateway dies during the countdown: the guardian reverts early, before the deadline', async () => {
    await withScene(async (scene) => {
      const { lab } = scene;
      const before = comparable(await lab.snapshot(lab.ns.host));
      // A deadline far beyond every wait below, so only the failed check can end the window.
      await applyPending(scene, 600);
      const leaseBefore = Date.now();
      const gateway = `${lab.gateway}/24`;
      await lab.exec(lab.ns.router, ['ip', 'addr', 'del', gateway, 'dev', 'lan']);
      const diedAt = Date.now();
      let restoredGateway = false;
      try {
        // Bring the gateway (also the DHCP server) back once the revert has begun, so the DHCP
        // client the revert restarts can renew its lease.
        const reverting = await waitForJournal(
          scene.stateDir,
          'the guardian to start reverting',
          { timeoutMs: 40_000 },
          (journal) => journal.phase !== 'applied',
        );
        await lab.exec(lab.ns.router, ['ip', 'addr', 'add', gateway, 'dev', 'lan']);
        restoredGateway = true;
        expect(reverting.events.map((event) => event.message)).toContainEqual(
          expect.stringMatching(
            /^guardian: reverting \(probe-failed\): Gateway 198\.51\.100\.1 answers (ARP|ping) failed \d+ times/,
          ),
        );
        const reverted = await waitForJournal(
          scene.stateDir,
          'the reverted journal',
          { timeoutMs: 30_000 },
          (journal) => ['reverted', 'revert-incomplete'].includes(journal.phase),
        );
        expect(reverted.outcome, logTail(scene.log)).toMatchObject({
          kind: 'reverted',
          reason: 'probe-failed',
        });
        // Early, and for the failed check: the deadline (10 minutes away) played no part.
        expect(reverted.events.map((event) => event.message)).not.toContain(
          'guardian: reverting (timeout): the deadline passed without a confirmation',
        );
        await leaseRenewedSince(lab, leaseBefore);
        expect(comparable(await lab.snapshot(lab.ns.host))).toEqual(before);
        console.log(`guardian: gateway down → revert recorded ${(reverted.outcome?.at ?? 0) - diedAt} ms`);
      } finally {
        if (!restoredGateway)
          await lab.exec(lab.ns.router, ['ip', 'addr', 'add', gateway, 'dev', 'lan'], { check: false });
      }
    });
  });

  test('the guardian killed with SIGKILL: the change stays pending and `rollback --yes` from a new process restores it', async () => {
    await withScene(async (scene) => {
      const { lab } = scene;
      const before = comparable(await lab.snapshot(lab.ns.host));
      const pending = await applyPending(scene, 60);
      const guardianPid = pending.guardian?.pid as number;
      process.kill(guardianPid, 'SIGKILL');
      await waitFor('the guardian to die', { attempts: 100, intervalMs: 50, timeoutMs: 5_000 }, () =>
        isAlive(guardianPid) ? undefined : true,
      );
      const orphan = await waitForJournal(scene.stateDir, 'the journal', { timeoutMs: 1_000 }, () => true);
      expect(orphan.phase).toBe('applied');
      expect(orphan.outcome).toBeNull();
      expect((await statusJson(scene)).migration).toMatchObject({
        phase: 'applied',
        pending: true,
        guardian: { alive: false },
      });

      const leaseBefore = Date.now();
      const rollback = await scene.cli(['rollback', '--yes']);
      expect(rollback.code, rollback.stderr).toBe(3);
      const journal = await waitForJournal(
        scene.stateDir,
        'the reverted journal',
        { timeoutMs: 1_000 },
        () => true,
      );
      expect(journal.outcome).toMatchObject({ kind: 'reverted', reason: 'operator', differences: [] });
      await leaseRenewedSince(lab, leaseBefore);
      expect(comparable(await lab.snapshot(lab.ns.host))).toEqual(before);
      expect(processesMentioning(scene.stateDir)).toEqual([]);
    });
  });
});
