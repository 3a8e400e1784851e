/**
 * The state directory's lock: one process at a time may read-modify-write the journal or decide
 * that no other migration is pending. It is held for milliseconds around each write (the TUI, the
 * guardian and the headless commands all take it), never for the whole migration: whether a
 * migration is in progress is the journal's business, not the lock's.
 *
 * The lock file names its holder by pid AND process start time (/proc/PID/stat field 22), so a
 * lock left by a crashed process is recognised as stale even after the pid has been reused, and is
 * taken over instead of wedging every later run.
 */
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { commandLine, DEFAULT_OPERATOR_COMMANDS, type ExecCommand } from '../../plan/operator-commands.js';
import {
  createFileExclusive,
  linkFileExclusive,
  moveFileDurable,
  readFileNoFollow,
  removeFile,
} from '../../system/atomic-file.js';
import { isProcessAlive, ownProcessIdentity } from '../../system/process-identity.js';
import { checkPrivateDir, ensurePrivateDir, readTrustedFile } from '../../system/trusted-path.js';
import { JournalError } from './journal-format.js';

export const LOCK_FILE = 'lock';

export interface LockHolder {
  pid: number;
  /** /proc/PID/stat field 22 of the holder when it took the lock. */
  startTime: string;
  /** What the holder is doing ("apply", "guardian heartbeat", ...), for the refusal message. */
  purpose: string;
  acquiredAt: number;
  /** Random per acquisition, so a release never removes a lock that another process now holds. */
  token: string;
}

export class MigrationLocked extends JournalError {
  constructor(
    readonly holder: LockHolder | null,
    readonly lockPath: string,
    status: ExecCommand,
  ) {
    const who = holder ? `(pid ${holder.pid}, ${holder.purpose}) ` : '';
    super(
      `another bridge-migrate process ${who}holds the lock ${lockPath}`,
      `wait for it to finish, or run \`${commandLine(status)}\` to see the migration it is working on`,
    );
    this.name = 'MigrationLocked';
  }
}

export type ReleaseLock = () => Promise<void>;

export interface LockOptions {
  /** How long to keep trying while a live process holds the lock; 0 (default) refuses at once. */
  waitMs?: number;
  /** Pause between tries. */
  pollMs?: number;
  /** The `status` command a refused process is told to run (operator-commands.ts); default: the host's. */
  status?: ExecCommand;
}

const DEFAULT_POLL_MS = 10;
/** Stale-lock removal rounds per try; more are needed only when several processes race for it. */
const TAKEOVER_ROUNDS = 5;

/**
 * Takes the lock in `stateDir` (made private if needed) or throws MigrationLocked naming the
 * holder. Returns the function that releases it; calling that more than once is harmless.
 */
export async function acquireLock(
  stateDir: string,
  purpose: string,
  options: LockOptions = {},
): Promise<ReleaseLock> {
  return acquireLockFile(stateDir, LOCK_FILE, purpose, options);
}

/** The same lock under another name in another private directory (the revert lock in /run). */
export async function acquireLockFile(
  dir: string,
  name: string,
  purpose: string,
  options: LockOptions = {},
): Promise<ReleaseLock> {
  await ensurePrivateDir(dir);
  const path = join(dir, name);
  const self = await ownProcessIdentity();
  const mine: LockHolder = {
    pid: self.pid,
    startTime: self.startTime,
    purpose,
    acquiredAt: Date.now(),
    token: randomBytes(8).toString('hex'),
  };
  const pollMs = Math.max(1, options.pollMs ?? DEFAULT_POLL_MS);
  const tries = 1 + Math.ceil(Math.max(0, options.waitMs ?? 0) / pollMs);
  let holder: LockHolder | null = null;
  for (let attempt = 0; attempt < tries; attempt++) {
    if (attempt > 0) await sleep(pollMs);
    const result = await tryTake(path, mine);
    if (result.taken) return releaseOnce(path, mine.token);
    holder = result.holder ?? holder;
  }
  throw new MigrationLocked(holder, path, options.status ?? DEFAULT_OPERATOR_COMMANDS.status);
}

/** Runs `work` holding the lock, and releases it however `work` ends. */
export async function withLock<T>(
  stateDir: string,
  purpose: string,
  work: () => Promise<T>,
  options: LockOptions = {},
): Promise<T> {
  const release = await acquireLock(stateDir, purpose, options);
  try {
    return await work();
  } finally {
    await release();
  }
}

/** Who holds the lock right now and whether that process still runs (for `status`); null: free. */
export async function readLockHolder(
  stateDir: string,
  name = LOCK_FILE,
): Promise<{ holder: LockHolder | null; alive: boolean } | null> {
  if (!(await checkPrivateDir(stateDir))) return null;
  const seen = await readLock(join(stateDir, name));
  if (seen === null) return null;
  const alive = seen.holder !== null && (await isProcessAlive(seen.holder.pid, seen.holder.startTime));
  return { holder: seen.holder, alive };
}

type TakeResult = { taken: true } | { taken: false; holder: LockHolder | null };

async function tryTake(path: string, mine: LockHolder): Promise<TakeResult> {
  let lastHolder: LockHolder | null = null;
  for (let round = 0; round < TAKEOVER_ROUNDS; round++) {
    if (await createFileExclusive(path, `${JSON.stringify(mine)}\n`, { mode: 0o600 })) return { taken: true };
    const seen = await readLock(path);
    if (seen === null) continue; // released between our try and our look: try again
    if (seen.holder && (await isProcessAlive(seen.holder.pid, seen.holder.startTime))) {
      return { taken: false, holder: seen.holder };
    }
    lastHolder = seen.holder;
    await removeStaleLock(path, seen.raw);
  }
  return { taken: false, holder: lastHolder };
}

/**
 * Removes a stale lock without removing a fresh one by mistake: two processes may both find the
 * same stale lock, and if one deletes it and takes the lock, the other's plain unlink would then
 * delete that live lock. So the lock is first renamed aside (atomic: exactly one process gets any
 * given file) and compared with what was judged stale; a fresh lock moved aside by accident is
 * linked back. What remains is a three-way race (a third process taking the lock in the instant it
 * was aside), which this short-held lock accepts.
 */
async function removeStaleLock(path: string, staleRaw: string): Promise<void> {
  const aside = `${path}.stale.${process.pid}.${randomBytes(4).toString('hex')}`;
  try {
    await moveFileDurable(path, aside);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return; // someone else cleared it
    throw error;
  }
  const moved = (await readFileNoFollow(aside))?.toString('utf8') ?? '';
  if (moved !== staleRaw) await linkFileExclusive(aside, path);
  await removeFile(aside);
}

/** The lock's raw text and its holder; holder is null for text this code did not write (stale:
 * the file is linked into place whole, so a live holder's lock is never half-written). */
async function readLock(path: string): Promise<{ raw: string; holder: LockHolder | null } | null> {
  const bytes = await readTrustedFile(path);
  if (bytes === null) return null;
  const raw = bytes.toString('utf8');
  return { raw, holder: parseHolder(raw) };
}

function parseHolder(raw: string): LockHolder | null {
  try {
    const data = JSON.parse(raw) as Partial<LockHolder>;
    if (
      Number.isSafeInteger(data.pid) &&
      typeof data.startTime === 'string' &&
      typeof data.purpose === 'string' &&
      typeof data.acquiredAt === 'number' &&
      typeof data.token === 'string'
    ) {
      return data as LockHolder;
    }
  } catch {
    // not JSON: treated as stale, see readLock
  }
  return null;
}

function releaseOnce(path: string, token: string): ReleaseLock {
  let released = false;
  return async () => {
    if (released) return;
    released = true;
    const seen = await readLock(path);
    // Only our own lock is removed; if it is not ours any more, someone judged us dead and took it.
    if (seen?.holder?.token === token) await removeFile(path);
  };
}
