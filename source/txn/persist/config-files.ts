/**
 * The persist step's file work: each config file is backed up byte for byte (mode, owner, mtime)
 * into the journal's directory and recorded in the journal BEFORE it is replaced, so a crash at any
 * instant leaves a journal that can put every file back; then it is written atomically. Restoring
 * walks the record last first: a backed-up file gets its backup back, a file that did not exist
 * is removed.
 *
 * Paths in the plan and the journal are host paths; they are joined under --root-dir here and
 * refused unless absolute and in normal form (a ".." would leave the root).
 */
import { mkdir } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { ConfigFile } from '../../plan/types.js';
import { readFileWithStats, removeFile, UnsafePath, writeFileAtomic } from '../../system/atomic-file.js';
import { backupFile, restoreBackup } from '../../system/file-backup.js';
import type { Journal, JournalStore, TouchedFile } from '../journal/journal.js';

/**
 * The mode of a file that did not exist: netplan (0.106+) warns about, and later refuses, config
 * readable by others; NetworkManager's keyfile plugin ignores a keyfile that is not root's and 0600
 * (nm-settings-keyfile(5); seen in the lab, NM 1.42: a 0644 profile written at confirm was never
 * loaded, so the reload left the bridge without its profile). The rest (ifupdown's files, networkd
 * drop-ins, which networkd reads as the systemd-network user) are 0644.
 */
const PRIVATE_MODE = 0o600;
const CONFIG_MODE = 0o644;

export function hostPath(rootDir: string, path: string): string {
  const parts = path.split('/').slice(1);
  if (
    !path.startsWith('/') ||
    /[\x00-\x1f\x7f]/.test(path) ||
    parts.some((part) => part === '' || part === '.' || part === '..')
  ) {
    throw new UnsafePath(
      path,
      'is not an absolute path in normal form',
      'plan again; this is a bug if it repeats',
    );
  }
  return join(rootDir, path);
}

/** Where a migration's backups go: beside its journal, one directory per migration. */
export function backupDir(stateDir: string, journal: Pick<Journal, 'id'>): string {
  return join(stateDir, 'backups', journal.id);
}

/**
 * Backs up one file (or notes that it is new) and records it in the journal, before anything is
 * written. Refused, with nothing recorded, when the file on disk is no longer what the plan showed:
 * the operator reviewed a diff against that content.
 */
export async function backUpConfig(
  store: JournalStore,
  stateDir: string,
  rootDir: string,
  journal: Pick<Journal, 'id'>,
  file: ConfigFile,
): Promise<TouchedFile> {
  const target = hostPath(rootDir, file.path);
  const current = await readFileWithStats(target);
  const now = current === null ? null : current.bytes.toString('utf8');
  if (now !== file.before) {
    throw new UnsafePath(
      file.path,
      now === null ? 'was removed since the plan was made' : 'changed since the plan was made',
      'roll back, then plan and apply again so the diff shows what is on disk now',
    );
  }
  const touched: TouchedFile = {
    path: file.path,
    backup: current === null ? null : await backupFile(target, backupDir(stateDir, journal)),
  };
  await store.recordFile(stateDir, touched);
  return touched;
}

function privateConfig(file: ConfigFile): boolean {
  return file.path.startsWith('/etc/netplan/') || file.renderer === 'networkmanager';
}

/** Writes (or removes) one backed-up file atomically, keeping the original's mode and owner. */
export async function writeConfig(rootDir: string, file: ConfigFile, touched: TouchedFile): Promise<void> {
  const target = hostPath(rootDir, file.path);
  if (file.after === null) {
    await removeFile(target);
    return;
  }
  await mkdir(dirname(target), { recursive: true, mode: 0o755 });
  const { backup } = touched;
  const keep = backup
    ? { mode: backup.mode, owner: { uid: backup.uid, gid: backup.gid } }
    : { mode: privateConfig(file) ? PRIVATE_MODE : CONFIG_MODE };
  await writeFileAtomic(target, file.after, keep);
}

/** Puts every recorded file back, last first; returns a sentence per file that could not be. */
export async function restoreTouchedFiles(rootDir: string, files: readonly TouchedFile[]): Promise<string[]> {
  const problems: string[] = [];
  for (const file of [...files].reverse()) {
    try {
      if (file.backup) await restoreBackup(file.backup);
      else await removeFile(hostPath(rootDir, file.path));
    } catch (error) {
      problems.push(`${file.path} could not be restored: ${(error as Error).message}`);
    }
  }
  return problems;
}
