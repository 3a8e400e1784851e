import { closeSync, constants, fstatSync, openSync, type Stats, writeSync } from 'node:fs';
import { UnsafePath } from './atomic-file.js';
import type { RunResult } from './runner.js';

/**
 * Every command the tool runs is logged with its argv, exit code and duration, so an operator
 * (or a bug report) can see exactly what touched the host. Writes are synchronous appends: the
 * log must survive the process being killed mid-migration.
 *
 * The log is written as root, so it is opened like the journal is read: without following a
 * symlink (O_NOFOLLOW) and only when the descriptor is a regular file, or anyone who could plant
 * a link at its path (a shared /tmp, a state directory that is not root's) could make root append
 * to a file of their choosing. New logs are created 0600. The tool's own log lives in the state
 * directory only (cli/host-access.ts); any other path is one the operator gave with --log.
 */
export interface DebugLog {
  command(result: RunResult): void;
  note(message: string): void;
}

/**
 * Opens `path` for appending (O_APPEND | O_CREAT | O_NOFOLLOW, 0600 when created). Refuses a
 * symlink, anything but a regular file, and a file that is not the writer's own and private,
 * with an UnsafePath naming the path and the fix; other
 * errors (a missing directory, EACCES) are thrown as they are.
 */
export function openLogFile(path: string): number {
  let fd: number;
  try {
    fd = openSync(
      path,
      // O_NONBLOCK: a FIFO planted at the path must not hang the open; it is refused below.
      constants.O_WRONLY |
        constants.O_APPEND |
        constants.O_CREAT |
        constants.O_NOFOLLOW |
        constants.O_NONBLOCK,
      0o600,
    );
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ELOOP') {
      throw new UnsafePath(
        path,
        'is a symbolic link',
        'pass --log with the path of a regular file, not a link',
      );
    }
    // A FIFO with no reader, opened for writing without blocking (fifo(7)).
    if (code === 'ENXIO') throw notRegular(path);
    throw error;
  }
  const stats = fstatSync(fd);
  const problem = !stats.isFile() ? notRegular(path) : notPrivate(path, stats);
  if (problem) {
    closeSync(fd);
    throw problem;
  }
  return fd;
}

/**
 * The log holds every command line the tool ran (addresses, other processes' argv): an existing
 * file another user owns, or one that group or others may read or write, would hand that to them
 * (or let them add lines to root's log), so only the writer's own private file is appended to.
 */
function notPrivate(path: string, stats: Stats): UnsafePath | null {
  const self = process.geteuid?.();
  if (self !== undefined && stats.uid !== self) {
    return new UnsafePath(
      path,
      `is owned by uid ${stats.uid}, not by this user (uid ${self})`,
      'pass --log with a new path (the tool creates it, mode 0600), or remove that file first',
    );
  }
  if ((stats.mode & 0o077) !== 0) {
    return new UnsafePath(
      path,
      `has mode ${(stats.mode & 0o777).toString(8).padStart(4, '0')}, so group or others may read or write it`,
      'chmod 600 it, or pass --log with a new path (the tool creates it, mode 0600)',
    );
  }
  return null;
}

function notRegular(path: string): UnsafePath {
  return new UnsafePath(path, 'is not a regular file', 'pass --log with the path of a regular file');
}

/**
 * A log appending to `path` (null: no log). Opened at the first line; a log that cannot be opened
 * only loses the log, it never breaks a migration. Use `openLogFile` first where a bad path must
 * be refused (the operator's --log).
 */
export function createFileLog(
  path: string | null,
  /** Where a line goes when the file cannot take it (a full or read-only disk); default: nowhere. */
  fallback?: (line: string) => void,
): DebugLog {
  let fd: number | null = null;
  let failed = path === null;
  const write = (line: string) => {
    if (path === null) return;
    const stamped = `${new Date().toISOString()} ${line}\n`;
    try {
      if (failed) throw new Error('log refused');
      fd ??= openLogFile(path);
      writeSync(fd, stamped);
    } catch (error) {
      // Logging must never break a migration; a refused log only loses the log, and a missing
      // directory is tried again at the next line (the state directory may be made meanwhile).
      if (error instanceof UnsafePath) failed = true;
      try {
        fallback?.(stamped);
      } catch {
        // the fallback is best effort too
      }
    }
  };
  return {
    command(result) {
      const status = result.notFound ? 'not-found' : result.timedOut ? 'timeout' : `exit=${result.exitCode}`;
      write(`run ${JSON.stringify(result.argv)} ${status} ${result.durationMs.toFixed(1)}ms`);
      if (result.exitCode !== 0 && result.stderr) write(`  stderr: ${result.stderr.trim().slice(0, 2000)}`);
    },
    note(message) {
      write(message);
    },
  };
}

export const silentLog: DebugLog = { command() {}, note() {} };
