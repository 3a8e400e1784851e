/**
 * What the revert and the guardian keep in /run/bridge-migrate (a tmpfs) instead of the state
 * directory, because it must work exactly when the state directory cannot be written (full, or
 * remounted read-only by the kernel after an I/O error):
 * - the revert lock, held across a whole undo, so the guardian's revert at the deadline and the
 *   operator's `rollback` never both run one (the state dir's own lock is held only around each
 *   journal write, and cannot even be taken on a read-only disk);
 * - the outcome of a revert whose journal write failed, so the loser of a race, `status`, and
 *   the guardian see that the host was already reverted and never undo it a second time;
 * - the guardian's status (alive, and what blocks it when it cannot revert), for `status`/the TUI.
 *
 * Why a lock file in /run rather than flock(2) on the state directory: Node has no flock, and a
 * spawned `flock` would hold the lock in another process whose life is not ours. An O_EXCL file
 * naming its holder by pid and start time (lock.ts) is released on every normal path and taken
 * over when its holder died, and /run is writable whenever the host is up. It is keyed by the
 * journal's id (hashed: the id comes from a file), not by --root-dir, so every process reverting
 * the same migration meets at the same lock whatever options it was started with.
 * Everything here is best effort for its callers: a revert never waits on a write to succeed.
 */
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { commandListProblem } from '../../plan/command-shape.js';
import { removeFile, writeFileAtomic } from '../../system/atomic-file.js';
import { ensurePrivateDir, readTrustedFile } from '../../system/trusted-path.js';
import { acquireLockFile, type LockOptions, type ReleaseLock, readLockHolder } from '../journal/lock.js';
import type { RevertOutcome } from './engine-api.js';

export const RUNTIME_DIR = '/run/bridge-migrate';

function keyOf(journalId: string): string {
  return createHash('sha256').update(journalId).digest('hex').slice(0, 16);
}

/** Every file this module may leave for one migration (for cleanup by tests and tools). */
export function runtimePaths(dir: string, journalId: string): string[] {
  return [join(dir, revertLockName(journalId)), outcomePath(dir, journalId), guardianPath(dir, journalId)];
}

export function revertLockName(journalId: string): string {
  return `revert-${keyOf(journalId)}.lock`;
}

/** Takes the revert lock of one migration; throws MigrationLocked when a live process keeps it. */
export function takeRevertLock(
  dir: string,
  journalId: string,
  purpose: string,
  options: LockOptions,
): Promise<ReleaseLock> {
  return acquireLockFile(dir, revertLockName(journalId), purpose, options);
}

/**
 * Whether a live process holds this migration's revert lock: the guardian of an undo asks, to tell
 * an undo still running from one whose process died half way (guardian.ts, phase undoing).
 */
export async function revertLockHeld(dir: string, journalId: string): Promise<boolean> {
  const seen = await readLockHolder(dir, revertLockName(journalId)).catch(() => null);
  return seen?.alive ?? false;
}

function outcomePath(dir: string, journalId: string): string {
  return join(dir, `revert-${keyOf(journalId)}.json`);
}

export interface RecordedRevert {
  journalId: string;
  at: number;
  outcome: RevertOutcome;
}

/** Notes a finished revert in /run; the journal is told too when it can be written. */
export async function writeRevertOutcome(
  dir: string,
  journalId: string,
  outcome: RevertOutcome,
  at: number,
): Promise<void> {
  await ensurePrivateDir(dir);
  const record: RecordedRevert = { journalId, at, outcome };
  await writeFileAtomic(outcomePath(dir, journalId), `${JSON.stringify(record)}\n`, { mode: 0o600 });
}

/** The revert noted for this migration, or null; anything unreadable or malformed counts as none. */
export async function readRevertOutcome(dir: string, journalId: string): Promise<RecordedRevert | null> {
  try {
    const bytes = await readTrustedFile(outcomePath(dir, journalId));
    if (bytes === null) return null;
    const record = JSON.parse(bytes.toString('utf8')) as Partial<RecordedRevert>;
    const outcome = record.outcome as Partial<RevertOutcome> | undefined;
    if (
      record.journalId !== journalId ||
      typeof record.at !== 'number' ||
      !outcome ||
      (outcome.kind !== 'reverted' && outcome.kind !== 'revert-incomplete') ||
      typeof outcome.reason !== 'string' ||
      !isStrings(outcome.differences) ||
      commandListProblem(outcome.manualCommands) !== null ||
      !Array.isArray(outcome.steps) ||
      !Array.isArray(outcome.checks)
    ) {
      return null;
    }
    return record as RecordedRevert;
  } catch {
    return null;
  }
}

export async function clearRevertOutcome(dir: string, journalId: string): Promise<void> {
  await removeFile(outcomePath(dir, journalId)).catch(() => false);
}

/** What the guardian says about itself, written every heartbeat and whenever what blocks it changes. */
export interface GuardianRuntimeStatus {
  pid: number;
  /** Epoch ms of this write. */
  at: number;
  /** Why the guardian cannot do its work right now (a failed revert, an unwritable journal); null: nothing. */
  blocker: string | null;
  /** Revert attempts made so far (0 before the deadline). */
  revertAttempts: number;
  /** When the next revert attempt is due (epoch ms), while one is being retried. */
  nextAttemptAt: number | null;
}

function guardianPath(dir: string, journalId: string): string {
  return join(dir, `guardian-${keyOf(journalId)}.json`);
}

export async function writeGuardianRuntimeStatus(
  dir: string,
  journalId: string,
  status: GuardianRuntimeStatus,
): Promise<void> {
  await ensurePrivateDir(dir);
  await writeFileAtomic(guardianPath(dir, journalId), `${JSON.stringify(status)}\n`, { mode: 0o600 });
}

export async function readGuardianRuntimeStatus(
  dir: string,
  journalId: string,
): Promise<GuardianRuntimeStatus | null> {
  try {
    const bytes = await readTrustedFile(guardianPath(dir, journalId));
    if (bytes === null) return null;
    const data = JSON.parse(bytes.toString('utf8')) as Partial<GuardianRuntimeStatus>;
    if (
      !Number.isSafeInteger(data.pid) ||
      typeof data.at !== 'number' ||
      (data.blocker !== null && typeof data.blocker !== 'string') ||
      typeof data.revertAttempts !== 'number' ||
      (data.nextAttemptAt !== null && typeof data.nextAttemptAt !== 'number')
    ) {
      return null;
    }
    return data as GuardianRuntimeStatus;
  } catch {
    return null;
  }
}

export async function clearGuardianRuntimeStatus(dir: string, journalId: string): Promise<void> {
  await removeFile(guardianPath(dir, journalId)).catch(() => false);
}

function isStrings(value: unknown): value is string[] {
  return Array.isArray(value) && value.every((item) => typeof item === 'string');
}
