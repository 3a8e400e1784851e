/**
 * Is the journal's guardian alive? For `status`, the TUI's countdown and recovery. A pid alone
 * could have been reused since the guardian recorded it, so the process must also still be the
 * guardian: its command line runs the `guard` subcommand. A zombie (state Z) counts as dead: it
 * has exited and only waits to be reaped, which on a machine whose PID 1 does not reap orphans
 * may be forever.
 */

import type { FileReader } from '../../system/files.js';
import { parseProcStat } from '../../system/process-identity.js';
import { RUNTIME_DIR, readGuardianRuntimeStatus } from '../engine/runtime-state.js';
import type { Journal } from '../journal/journal.js';
import type { GuardianStatus } from './guardian-api.js';

export async function readGuardianStatus(
  journal: Journal | null,
  deps: { files: FileReader; now: number; runtimeDir?: string },
): Promise<GuardianStatus> {
  const info = journal?.guardian ?? null;
  if (!journal || !info) return { info: null, alive: false, heartbeatAgeMs: null };
  const alive = await isGuardianProcess(deps.files, info.pid);
  return {
    info,
    alive,
    heartbeatAgeMs: Math.max(0, deps.now - info.heartbeatAt),
    blocker: alive ? await guardianBlocker(journal, info.pid, deps.runtimeDir ?? RUNTIME_DIR) : null,
  };
}

/** What the guardian last wrote to /run as blocking it; only its own file, for its own pid, counts. */
export async function guardianBlocker(
  journal: Journal,
  pid: number,
  runtimeDir: string,
): Promise<string | null> {
  const status = await readGuardianRuntimeStatus(runtimeDir, journal.id);
  return status && status.pid === pid ? status.blocker : null;
}

export async function isGuardianProcess(files: FileReader, pid: number): Promise<boolean> {
  if (!Number.isSafeInteger(pid) || pid <= 0) return false;
  const stat = await files.readFile(`/proc/${pid}/stat`);
  const identity = stat === null ? null : parseProcStat(pid, stat);
  if (!identity || identity.state === 'Z' || identity.state === 'X') return false;
  const cmdline = (await files.readFile(`/proc/${pid}/cmdline`)) ?? '';
  return cmdline.split('\0').includes('guard');
}
