/**
 * The guardian reverts when the state directory cannot be written (DESIGN.md "The guardian"), for real: the state
 * directory is a small tmpfs this test mounts, `apply --yes` (the built CLI) runs in a lab host
 * namespace, and then, mid-window, the tmpfs is filled to ENOSPC (one run) or remounted read-only
 * (the other). The guardian must still restore the pre-state at the deadline, say what blocked
 * its journal writes, and keep the outcome where `status` finds it (/run/bridge-migrate).
 *
 * The debug log (--log) is kept outside the tmpfs: the detached guardian's stdout/stderr are
 * opened on it, and a file open for writing would make `remount,ro` fail with EBUSY. Teardown
 * kills the guardian by pid, stops a restarted DHCP client by pid, unmounts the tmpfs on every
 * path (lazily if still busy), and removes this migration's files from /run/bridge-migrate.
 * Needs root and `npm run build`.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import { describe, expect, test } from 'vitest';
import type { Lab } from '../../source/lab/types.js';
import { waitFor } from '../../source/lab/wait.js';
import { RUNTIME_DIR, runtimePaths } from '../../source/txn/engine/runtime-state.js';
import { createJournalStore, type Journal } from '../../source/txn/journal/journal.js';
import { comparable, stopRestartedClients } from './helpers/engine-lab.js';
import { killAlive, logTail, requireBuiltCli, runCliIn } from './helpers/guardian-cli.js';
import { isAlive, withLab } from './helpers/lab-state.js';

interface Scene {
  lab: Lab;
  stateDir: string;
  log: string;
  cli(args: string[], timeoutMs?: number): ReturnType<typeof runCliIn>;
  guardians: Set<number>;
  journalIds: Set<string>;
}

function mountSmallTmpfs(dir: string): void {
  mkdirSync(dir, { recursive: true });
  execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=8m,mode=0700', 'tmpfs', dir]);
}

function unmount(dir: string): void {
  try {
    execFileSync('umount', [dir], { stdio: 'ignore' });
  } catch {
    // Still busy (a process we could not end yet): detach it now, the kernel frees it when idle.
    execFileSync('umount', ['-l', dir], { stdio: 'ignore' });
  }
}

async function withScene(body: (scene: Scene) => Promise<void>): Promise<void> {
  requireBuiltCli();
  const scratch = mkdtempSync(join(tmpdir(), 'bm-nodisk-'));
  const stateDir = join(scratch, 'state');
  const rootDir = join(scratch, 'root');
  const log = join(scratch, 'debug.log');
  mkdirSync(rootDir);
  const guardians = new Set<number>();
  const journalIds = new Set<string>();
  mountSmallTmpfs(stateDir);
  try {
    await withLab({ host: { kind: 'dhcp', keepClient: true, leaseLifetimes: true } }, async (lab) => {
      const env = { SSH_CONNECTION: `${lab.peerAddress} 40022 ${lab.hostAddress} 22` };
      const cli = (args: string[], timeoutMs?: number) =>
        runCliIn(lab.ns.host, [...args, '--state-dir', stateDir, '--root-dir', rootDir, '--log', log], {
          env,
          ...(timeoutMs ? { timeoutMs } : {}),
        });
      try {
        await lab.settle(lab.ns.host);
        await body({ lab, stateDir, log, cli, guardians, journalIds });
      } finally {
        killAlive(guardians);
        await stopRestartedClients(lab);
      }
    });
  } finally {
    killAlive(guardians);
    unmount(stateDir);
    for (const id of journalIds)
      for (const path of runtimePaths(RUNTIME_DIR, id)) rmSync(path, { force: true });
    rmSync(scratch, { recursive: true, force: true });
  }
}

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
  const journal = await createJournalStore().load(scene.stateDir);
  if (!journal?.guardian) throw new Error(`no pending journal with a guardian: ${journal?.phase}`);
  expect(journal.phase).toBe('applied');
  scene.guardians.add(journal.guardian.pid);
  scene.journalIds.add(journal.id);
  return journal;
}

/** Fills the tmpfs to the last block: every later write there fails with ENOSPC. */
function fillToEnospc(dir: string): void {
  const chunk = Buffer.alloc(1 << 20);
  const filler = join(dir, 'filler');
  writeFileSync(filler, '');
  for (let mb = 0; mb < 16; mb++) {
    try {
      writeFileSync(filler, chunk, { flag: 'a' });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOSPC') break;
      throw error;
    }
  }
  // Smaller pieces fill what a whole megabyte no longer fit into.
  for (let i = 0; i < 4096; i++) {
    try {
      writeFileSync(filler, Buffer.alloc(4096), { flag: 'a' });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOSPC') return;
      throw error;
    }
  }
  throw new Error('the tmpfs did not fill');
}

/** Waits for the host to be back in its pre-state, from just before the deadline on. */
async function restoredAfterDeadline(lab: Lab, before: unknown, deadline: number): Promise<number> {
  return waitFor(
    'the host to be back to its pre-state',
    { attempts: 2_000, intervalMs: 50, timeoutMs: deadline - Date.now() + 30_000 },
    async () => {
      if (Date.now() < deadline - 500) return undefined;
      const now = comparable(await lab.snapshot(lab.ns.host));
      return isDeepStrictEqual(now, before) ? Date.now() : undefined;
    },
  );
}

const revertBatches = (log: string) =>
  readFileSync(log, 'utf8')
    .split('\n')
    .filter((line) => line.includes('run ["ip","-force","-batch","-"]')).length;

describe('the guardian reverts when the state directory cannot be written', () => {
  test('filled to ENOSPC mid-window: the host is restored at the deadline, status shows it, rollback records it', async () => {
    await withScene(async (scene) => {
      const { lab } = scene;
      const before = comparable(await lab.snapshot(lab.ns.host));
      const pending = await applyPending(scene, 15);
      fillToEnospc(scene.stateDir);

      const restoredAt = await restoredAfterDeadline(lab, before, pending.deadline);
      expect(restoredAt).toBeGreaterThanOrEqual(pending.deadline);
      const guardianPid = pending.guardian?.pid as number;
      await waitFor('the guardian to exit', { attempts: 200, intervalMs: 100, timeoutMs: 20_000 }, () =>
        isAlive(guardianPid) ? undefined : true,
      );
      expect(revertBatches(scene.log), logTail(scene.log)).toBe(1);
      expect(readFileSync(scene.log, 'utf8')).toMatch(
        /could not mark the journal reverting \(the revert goes on\): .*ENOSPC/,
      );

      // The journal could not say so; /run does, and status shows it.
      const status = await scene.cli(['status', '--json']);
      const report = JSON.parse(status.stdout);
      expect(report.migration).toMatchObject({
        phase: 'applied',
        outcome: { kind: 'reverted', reason: 'timeout', onlyInRuntimeDir: true },
      });

      // Space freed: rollback records the revert without undoing it again (exit 3, reverted).
      rmSync(join(scene.stateDir, 'filler'));
      const rollback = await scene.cli(['rollback', '--yes']);
      expect(rollback.code, rollback.stderr).toBe(3);
      expect(rollback.stderr).toContain('already reverted by another bridge-migrate process');
      expect(revertBatches(scene.log)).toBe(1);
      const journal = await createJournalStore().load(scene.stateDir);
      expect(journal?.outcome).toMatchObject({ kind: 'reverted', reason: 'timeout' });
    });
  });

  test('remounted read-only mid-window: the host is restored at the deadline', async () => {
    await withScene(async (scene) => {
      const { lab } = scene;
      const before = comparable(await lab.snapshot(lab.ns.host));
      const pending = await applyPending(scene, 15);
      execFileSync('mount', ['-o', 'remount,ro', scene.stateDir]);

      const restoredAt = await restoredAfterDeadline(lab, before, pending.deadline);
      expect(restoredAt).toBeGreaterThanOrEqual(pending.deadline);
      const guardianPid = pending.guardian?.pid as number;
      await waitFor('the guardian to exit', { attempts: 200, intervalMs: 100, timeoutMs: 20_000 }, () =>
        isAlive(guardianPid) ? undefined : true,
      );
      expect(revertBatches(scene.log), logTail(scene.log)).toBe(1);
      expect(readFileSync(scene.log, 'utf8')).toMatch(
        /guardian: blocked: the journal cannot be written: .*EROFS/,
      );
      const status = await scene.cli(['status', '--json']);
      expect(JSON.parse(status.stdout).migration).toMatchObject({
        outcome: { kind: 'reverted', reason: 'timeout', onlyInRuntimeDir: true },
      });
      expect(comparable(await lab.snapshot(lab.ns.host))).toEqual(before);
    });
  });
});
