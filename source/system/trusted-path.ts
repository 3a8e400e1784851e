/**
 * What makes the state directory and the journal trustworthy enough for root to act on: the
 * journal holds the commands a rollback runs, so anyone who could write it, or swap the directory
 * it lives in, could make root run their commands. The rule (DESIGN.md, "The guardian"):
 *
 * - the directory is a real directory (not a symlink), owned by root, mode 0700;
 * - a file in it (journal, lock) is a regular file (not a symlink), owned by root, mode 0600.
 *
 * "Root" here is uid 0 or the tool's own effective uid: a file only root or we ourselves could have
 * written is as trusted as we are (it also lets the unit tests use the same checks in temp dirs).
 * Group and other bits must be clear; only the owner's bits may vary (a file made read-only by its
 * owner is still ours alone).
 *
 * These checks only read (lstat/fstat through descriptors opened with O_NOFOLLOW): the guardian
 * must still be able to judge, and revert, when the state directory is read-only or full. The
 * parent of the state directory is not checked; /var/lib is root's on every distribution.
 */
import { constants, type Stats } from 'node:fs';
import { type FileHandle, lstat, mkdir, open } from 'node:fs/promises';
import { dirname } from 'node:path';
import { readFileWithStats, UnsafePath } from './atomic-file.js';
import { shellQuote } from './shell-quote.js';

/** The state directory or a file in it is not root's alone: nothing in it is acted on. */
export class UntrustedPath extends UnsafePath {
  constructor(path: string, problem: string, fix: string) {
    super(path, problem, fix);
    this.name = 'UntrustedPath';
  }
}

/**
 * Checks that `path` is a directory only root can use (see the file comment). False when it does
 * not exist; throws UntrustedPath (one line: the path, what is wrong, the command that fixes it).
 */
export async function checkPrivateDir(path: string): Promise<boolean> {
  const handle = await openDirectoryNoFollow(path);
  if (handle === null) return false;
  try {
    assertRootsAlone(path, await handle.stat(), 0o700);
    return true;
  } finally {
    await handle.close();
  }
}

/**
 * Makes `path` a private directory when it is missing (0700, parents as needed) and checks it
 * either way. An existing directory that is looser or someone else's is refused, never repaired:
 * what is in it may already have been written by whoever could write there.
 */
export async function ensurePrivateDir(path: string): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  let created = true;
  try {
    await mkdir(path, { mode: 0o700 });
  } catch (error) {
    if (errorCode(error) !== 'EEXIST') throw error;
    created = false;
  }
  if (created) {
    // mkdir's mode is filtered by the umask; a new, empty directory of ours is safe to set.
    const handle = await openDirectoryNoFollow(path);
    if (handle === null) throw new UntrustedPath(path, 'vanished right after it was made', 'try again');
    try {
      await handle.chmod(0o700);
    } finally {
      await handle.close();
    }
  }
  await checkPrivateDir(path);
}

/**
 * A file's bytes when it is root's alone (see the file comment), or null when it does not exist.
 * Opened with O_NOFOLLOW and checked with fstat on the same descriptor the bytes come from, so
 * the checked file is the read file even if the path is swapped in between. A file over
 * `maxBytes` is a FileTooLarge (atomic-file.ts), after the ownership checks.
 */
export async function readTrustedFile(
  path: string,
  options: { maxBytes?: number } = {},
): Promise<Buffer | null> {
  try {
    const read = await readFileWithStats(
      path,
      (stats) => assertRootsAlone(path, stats, 0o600),
      options.maxBytes,
    );
    return read?.bytes ?? null;
  } catch (error) {
    if (error instanceof UnsafePath && !(error instanceof UntrustedPath)) {
      throw new UntrustedPath(path, error.pathProblem, fileFix(path, 'move it aside'));
    }
    throw error;
  }
}

function assertRootsAlone(path: string, stats: Stats, mode: 0o700 | 0o600): void {
  const isDir = mode === 0o700;
  const self = process.geteuid?.();
  const owner = self === undefined || self === 0 ? 'root' : `uid ${self}`;
  const fix = isDir
    ? `check what is in it, then ${chownCommand(path, self)} && chmod 700 ${shellQuote(path)}`
    : fileFix(path, `${chownCommand(path, self)} && chmod 600 ${shellQuote(path)}`);
  if (stats.uid !== 0 && stats.uid !== self) {
    throw new UntrustedPath(path, `is owned by uid ${stats.uid}, not ${owner}`, fix);
  }
  if ((stats.mode & 0o077) !== 0) {
    throw new UntrustedPath(
      path,
      `has mode ${octal(stats.mode)}, which lets group or others ${stats.mode & 0o022 ? 'write' : 'read'} it (it must be ${octal(mode)})`,
      fix,
    );
  }
}

function fileFix(path: string, then: string): string {
  return `check who wrote ${shellQuote(path)} (a rollback runs what it says), then ${then}`;
}

function chownCommand(path: string, self: number | undefined): string {
  return self === undefined || self === 0
    ? `chown root:root ${shellQuote(path)}`
    : `chown ${self} ${shellQuote(path)}`;
}

/** Null when missing; refuses a symlink or a non-directory. */
async function openDirectoryNoFollow(path: string): Promise<FileHandle | null> {
  try {
    return await open(path, constants.O_RDONLY | constants.O_DIRECTORY | constants.O_NOFOLLOW);
  } catch (error) {
    const code = errorCode(error);
    if (code === 'ENOENT') return null;
    // With O_DIRECTORY the kernel answers ENOTDIR for a symlink too (not ELOOP), so ask lstat.
    if (code === 'ELOOP' || (code === 'ENOTDIR' && (await lstat(path)).isSymbolicLink())) {
      throw new UntrustedPath(
        path,
        'is a symbolic link',
        // Not "rm it and mkdir": the link may lead to a state directory whose journal is pending,
        // and a fresh empty directory in its place would hide that migration from every command.
        `pass --state-dir with the real directory it leads to (readlink -f ${shellQuote(path)}), after checking who made the link`,
      );
    }
    if (code === 'ENOTDIR') {
      throw new UntrustedPath(path, 'is not a directory', 'move it aside or pass another --state-dir');
    }
    throw error;
  }
}

function octal(mode: number): string {
  return (mode & 0o7777).toString(8).padStart(4, '0');
}

function errorCode(error: unknown): string | undefined {
  return (error as NodeJS.ErrnoException | undefined)?.code;
}
