/**
 * Byte-for-byte backups of the files the persist step replaces, and their restoration. A backup
 * keeps what is needed to put the original back exactly (bytes, mode, owner, mtime) and a checksum,
 * so a damaged copy is refused instead of being written over a working configuration.
 */
import { createHash } from 'node:crypto';
import { basename, join } from 'node:path';
import {
  createFileExclusive,
  readFileNoFollow,
  readFileWithStats,
  UnsafePath,
  writeFileAtomic,
} from './atomic-file.js';
import { ensurePrivateDir } from './trusted-path.js';

/** What backupFile saved, enough to put the original back exactly and to notice a damaged copy. */
export interface BackupRecord {
  original: string;
  backup: string;
  /** Permission bits including setuid/setgid/sticky (mode & 07777). */
  mode: number;
  uid: number;
  gid: number;
  mtimeMs: number;
  size: number;
  sha256: string;
}

const MAX_BACKUP_NAME_ATTEMPTS = 100;

/**
 * Copies `path` byte for byte into `backupDir` (made private: backups may hold secrets such as
 * Wi-Fi keys), with the original's mode, owner and mtime, and never over an earlier backup:
 * backing up the same file twice keeps both, because the first copy is the true original. A
 * symlink is refused rather than followed: restoring a plain file in its place would silently
 * replace the link.
 */
export async function backupFile(path: string, backupDir: string): Promise<BackupRecord> {
  const read = await readFileWithStats(path);
  if (read === null)
    throw new UnsafePath(path, 'does not exist', 'record it as a new file instead of backing it up');
  const { bytes, stats } = read;
  await ensurePrivateDir(backupDir);
  const record = {
    original: path,
    mode: stats.mode & 0o7777,
    uid: stats.uid,
    gid: stats.gid,
    mtimeMs: stats.mtimeMs,
    size: bytes.length,
    sha256: sha256Hex(bytes),
  };
  const name = backupName(path);
  const options = { mode: record.mode, owner: { uid: record.uid, gid: record.gid }, mtimeMs: record.mtimeMs };
  for (let attempt = 0; attempt < MAX_BACKUP_NAME_ATTEMPTS; attempt++) {
    const backup = join(backupDir, attempt === 0 ? name : `${name}.${attempt}`);
    if (await createFileExclusive(backup, bytes, options)) return { ...record, backup };
  }
  throw new UnsafePath(
    backupDir,
    `already holds ${MAX_BACKUP_NAME_ATTEMPTS} backups of ${path}`,
    'remove old ones',
  );
}

/** Puts a backed-up file back in place atomically, refusing a copy whose checksum changed. */
export async function restoreBackup(record: BackupRecord): Promise<void> {
  const bytes = await readFileNoFollow(record.backup);
  if (bytes === null) {
    throw new UnsafePath(
      record.backup,
      `is missing, so ${record.original} cannot be restored`,
      'restore it by hand',
    );
  }
  const actual = sha256Hex(bytes);
  if (actual !== record.sha256) {
    throw new UnsafePath(
      record.backup,
      `does not match the checksum recorded when it was made (${actual.slice(0, 12)} != ${record.sha256.slice(0, 12)})`,
      `restore ${record.original} by hand from a copy you trust`,
    );
  }
  await writeFileAtomic(record.original, bytes, {
    mode: record.mode,
    owner: { uid: record.uid, gid: record.gid },
    mtimeMs: record.mtimeMs,
  });
}

export function sha256Hex(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/** "/etc/netplan/50-cloud-init.yaml" → "%2Fetc%2Fnetplan%2F50-cloud-init.yaml": readable, and
 * distinct paths never share a name. Very long paths fall back to a hash plus the base name. */
function backupName(path: string): string {
  const flat = encodeURIComponent(path);
  if (flat.length <= 200) return flat;
  return `${sha256Hex(Buffer.from(path)).slice(0, 16)}-${encodeURIComponent(basename(path)).slice(-150)}`;
}
