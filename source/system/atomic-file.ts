/**
 * Crash-safe file primitives for the journal, the lock and the persist step. The rule they keep:
 * after a crash or power loss at any instant, a reader finds either the old file or the new one,
 * never a torn mix. That takes a temp file in the same directory (rename is atomic only within one
 * filesystem), fsync of the data before the rename (or ext4 may commit the rename first and leave
 * a zero-length file; see the 2009 ext4 "O_PONIES" discussion and rename(2)), and fsync of the
 * directory after it (the rename itself is directory metadata; fsync(2): "calling fsync() on the
 * file does not necessarily ensure that the entry in the directory ... has also reached disk").
 *
 * Callers pass absolute paths already joined with --root-dir; nothing here knows about it.
 */
import { randomBytes } from 'node:crypto';
import { constants, type Stats } from 'node:fs';
import { type FileHandle, link, open, readdir, rename, unlink } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { SystemError } from './operator-error.js';

/** A path the tool will not use as it stands: the message names the path, the problem and the fix. */
export class UnsafePath extends SystemError {
  constructor(
    readonly path: string,
    /** What is wrong with the path, without the path (the journal quotes it after its own name). */
    readonly pathProblem: string,
    fix: string,
  ) {
    super(`${path} ${pathProblem}`, fix);
    this.name = 'UnsafePath';
  }
}

/** A file larger than its reader takes: refused before more than the cap is read into memory. */
export class FileTooLarge extends SystemError {
  constructor(
    readonly path: string,
    readonly maxBytes: number,
  ) {
    super(`${path} is larger than ${maxBytes} bytes`, 'move it aside');
    this.name = 'FileTooLarge';
  }
}

export interface AtomicWriteOptions {
  /** Permission bits of the new file; default 0600, since most of what we write is root-only state. */
  mode?: number;
  /** Owner for the new file (changing it needs root); default: whoever writes. */
  owner?: { uid: number; gid: number };
  /** Modification time (epoch ms) to give the new file; restoring a backup puts the original's back. */
  mtimeMs?: number;
}

/** Replaces `path` with `data` so that a crash leaves either the old content or the new, whole. */
export async function writeFileAtomic(
  path: string,
  data: string | Uint8Array,
  options: AtomicWriteOptions = {},
): Promise<void> {
  const temp = await writeTempFile(path, data, options);
  try {
    await rename(temp, path);
  } catch (error) {
    await unlink(temp).catch(() => {});
    throw error;
  }
  await syncDirectory(dirname(path));
}

/**
 * Creates `path` holding `data` only if nothing exists there; returns false when something does.
 * The content is written and synced under a temp name and then hard-linked into place: link(2)
 * fails with EEXIST like O_EXCL does, but the file appears already whole, so a reader can never
 * see it empty or half-written (with open(O_EXCL) + write there is such a window).
 */
export async function createFileExclusive(
  path: string,
  data: string | Uint8Array,
  options: AtomicWriteOptions = {},
): Promise<boolean> {
  const temp = await writeTempFile(path, data, options);
  try {
    return await linkFileExclusive(temp, path);
  } finally {
    await unlink(temp).catch(() => {});
  }
}

/** Gives an existing file a second name unless that name is taken; false when it is. */
export async function linkFileExclusive(existing: string, newPath: string): Promise<boolean> {
  try {
    await link(existing, newPath);
  } catch (error) {
    if (errorCode(error) === 'EEXIST') return false;
    throw error;
  }
  await syncDirectory(dirname(newPath));
  return true;
}

/** Renames a file and makes the move durable in both directories. */
export async function moveFileDurable(from: string, to: string): Promise<void> {
  await rename(from, to);
  await syncDirectory(dirname(to));
  if (dirname(from) !== dirname(to)) await syncDirectory(dirname(from));
}

/** Removes a file; false when it was already gone. */
export async function removeFile(path: string): Promise<boolean> {
  try {
    await unlink(path);
    return true;
  } catch (error) {
    if (errorCode(error) === 'ENOENT') return false;
    throw error;
  }
}

/** Sorted entry names of a directory; empty when it does not exist. */
export async function listDirectory(path: string): Promise<string[]> {
  try {
    return (await readdir(path)).sort();
  } catch (error) {
    if (errorCode(error) === 'ENOENT') return [];
    throw error;
  }
}

/** A regular file's bytes, or null when it does not exist; a symlink or non-file is refused. */
export async function readFileNoFollow(path: string): Promise<Buffer | null> {
  return readRegularFile(path, () => {});
}

/**
 * The temp name starts with "." and ends in ".tmp" so that renderers scanning the directory skip
 * it in the instant it exists (netplan reads only *.yaml; NetworkManager's keyfile plugin ignores
 * hidden and *.tmp files). It is unique per process and call, so concurrent writers never share one.
 */
async function writeTempFile(
  target: string,
  data: string | Uint8Array,
  options: AtomicWriteOptions,
): Promise<string> {
  const unique = `${process.pid}.${randomBytes(6).toString('hex')}`;
  const temp = join(dirname(target), `.${basename(target).slice(0, 200)}.${unique}.tmp`);
  // Created 0600 whatever the umask; the final mode is set below, after chown (chown(2) clears
  // setuid/setgid bits, so the order matters).
  const handle = await open(temp, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL, 0o600);
  try {
    await handle.writeFile(data);
    if (options.owner) {
      const now = await handle.stat();
      if (now.uid !== options.owner.uid || now.gid !== options.owner.gid) {
        await handle.chown(options.owner.uid, options.owner.gid);
      }
    }
    await handle.chmod(options.mode ?? 0o600);
    if (options.mtimeMs !== undefined) await handle.utimes(Date.now() / 1000, options.mtimeMs / 1000);
    await handle.sync();
  } catch (error) {
    await handle.close().catch(() => {});
    await unlink(temp).catch(() => {});
    throw error;
  }
  await handle.close();
  return temp;
}

async function syncDirectory(path: string): Promise<void> {
  const handle = await open(path, constants.O_RDONLY | constants.O_DIRECTORY);
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

async function readRegularFile(path: string, check: (stats: Stats) => void): Promise<Buffer | null> {
  return (await readFileWithStats(path, check))?.bytes ?? null;
}

/**
 * A regular file's bytes and stat, read through one descriptor opened without following links, so
 * the checks and the bytes belong to the same file even if the path is swapped meanwhile. Null
 * when it does not exist; a symlink or non-file is refused. With `maxBytes`, a larger file is a
 * FileTooLarge, judged by what is read (it may grow after the fstat), never more than the cap + 1.
 */
export async function readFileWithStats(
  path: string,
  check: (stats: Stats) => void = () => {},
  maxBytes?: number,
): Promise<{ bytes: Buffer; stats: Stats } | null> {
  let handle: FileHandle;
  try {
    // O_NONBLOCK so that a FIFO planted at the path cannot hang the open; it is refused below.
    handle = await open(path, constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK);
  } catch (error) {
    const code = errorCode(error);
    if (code === 'ENOENT') return null;
    if (code === 'ELOOP') throw new UnsafePath(path, 'is a symbolic link', 'replace it with the file itself');
    throw error;
  }
  try {
    const stats = await handle.stat();
    if (!stats.isFile()) throw new UnsafePath(path, 'is not a regular file', 'move it aside');
    check(stats);
    if (maxBytes === undefined) return { bytes: await handle.readFile(), stats };
    if (stats.size > maxBytes) throw new FileTooLarge(path, maxBytes);
    return { bytes: await readAtMost(handle, path, maxBytes), stats };
  } finally {
    await handle.close();
  }
}

async function readAtMost(handle: FileHandle, path: string, maxBytes: number): Promise<Buffer> {
  const buffer = Buffer.alloc(maxBytes + 1);
  let length = 0;
  for (;;) {
    const { bytesRead } = await handle.read(buffer, length, buffer.length - length, null);
    if (bytesRead === 0) return buffer.subarray(0, length);
    length += bytesRead;
    if (length > maxBytes) throw new FileTooLarge(path, maxBytes);
  }
}

function errorCode(error: unknown): string | undefined {
  return (error as NodeJS.ErrnoException | undefined)?.code;
}
