import { createHash } from 'node:crypto';
import {
  chmodSync,
  chownSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  symlinkSync,
  utimesSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { UnsafePath } from '../../../source/system/atomic-file.js';
import { backupFile, restoreBackup } from '../../../source/system/file-backup.js';

const isRoot = process.geteuid?.() === 0;
let dir: string;
let etc: string;
let backups: string;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'bm-backup-'));
  etc = join(dir, 'etc', 'netplan');
  backups = join(dir, 'state', 'backups');
  mkdirSync(etc, { recursive: true });
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

// Bytes a text-mode copy would mangle: NUL, CR LF, invalid UTF-8, no final newline.
const ORIGINAL = Buffer.from([0x6e, 0x65, 0x74, 0x00, 0x0d, 0x0a, 0xff, 0xfe, 0x80, 0x41]);
const MTIME_MS = Date.UTC(2019, 4, 6, 7, 8, 9);

function makeOriginal(name = '50-cloud-init.yaml', mode = 0o640): string {
  const path = join(etc, name);
  writeFileSync(path, ORIGINAL);
  if (isRoot) chownSync(path, 1234, 5678);
  chmodSync(path, mode);
  utimesSync(path, MTIME_MS / 1000, MTIME_MS / 1000);
  return path;
}

const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');

describe('backupFile', () => {
  it('copies bytes, mode, owner and mtime, and records them with a checksum', async () => {
    const original = makeOriginal();
    const record = await backupFile(original, backups);

    expect(readFileSync(record.backup).equals(ORIGINAL)).toBe(true);
    const copy = statSync(record.backup);
    expect(copy.mode & 0o7777).toBe(0o640);
    expect(copy.mtimeMs).toBe(MTIME_MS);
    if (isRoot) expect([copy.uid, copy.gid]).toEqual([1234, 5678]);
    expect(record).toEqual({
      original,
      backup: record.backup,
      mode: 0o640,
      uid: statSync(original).uid,
      gid: statSync(original).gid,
      mtimeMs: MTIME_MS,
      size: ORIGINAL.length,
      sha256: sha256(ORIGINAL),
    });
    expect(statSync(backups).mode & 0o7777).toBe(0o700);
  });

  it('keeps an earlier backup of the same file instead of overwriting it', async () => {
    const original = makeOriginal();
    const first = await backupFile(original, backups);
    writeFileSync(original, 'changed');
    const second = await backupFile(original, backups);
    expect(second.backup).not.toBe(first.backup);
    expect(readFileSync(first.backup).equals(ORIGINAL)).toBe(true);
    expect(readFileSync(second.backup, 'utf8')).toBe('changed');
    expect(readdirSync(backups).sort()).toEqual(
      [first.backup, second.backup].map((p) => p.slice(backups.length + 1)).sort(),
    );
  });

  it('gives different paths with the same base name different backups', async () => {
    mkdirSync(join(dir, 'other'));
    const a = makeOriginal();
    const b = join(dir, 'other', '50-cloud-init.yaml');
    writeFileSync(b, 'other');
    const [ra, rb] = [await backupFile(a, backups), await backupFile(b, backups)];
    expect(ra.backup).not.toBe(rb.backup);
    expect(readFileSync(rb.backup, 'utf8')).toBe('other');
  });

  // chown(2) clears setuid/setgid, so the copy must be chowned before it is chmod-ed.
  it.skipIf(!isRoot)('keeps setuid and setgid bits on a file owned by someone else', async () => {
    const original = makeOriginal('helper', 0o6750);
    const record = await backupFile(original, backups);
    expect(statSync(record.backup).mode & 0o7777).toBe(0o6750);
    rmSync(original);
    await restoreBackup(record);
    expect(statSync(original).mode & 0o7777).toBe(0o6750);
    expect(statSync(original).uid).toBe(1234);
  });

  it('refuses a symlink rather than backing up its target', async () => {
    const target = makeOriginal();
    const link = join(etc, 'link.yaml');
    symlinkSync(target, link);
    await expect(backupFile(link, backups)).rejects.toBeInstanceOf(UnsafePath);
  });
});

describe('restoreBackup', () => {
  it('puts back bytes, mode, owner and mtime after the file was rewritten', async () => {
    const original = makeOriginal('01-netcfg.yaml', 0o600);
    const record = await backupFile(original, backups);
    writeFileSync(original, 'network: {version: 2, renderer: networkd}\n');
    chmodSync(original, 0o644);
    if (isRoot) chownSync(original, 0, 0);

    await restoreBackup(record);

    expect(readFileSync(original).equals(ORIGINAL)).toBe(true);
    const after = statSync(original);
    expect(after.mode & 0o7777).toBe(0o600);
    expect(after.mtimeMs).toBe(MTIME_MS);
    if (isRoot) expect([after.uid, after.gid]).toEqual([1234, 5678]);
  });

  it('recreates a file that was removed', async () => {
    const original = makeOriginal();
    const record = await backupFile(original, backups);
    rmSync(original);
    await restoreBackup(record);
    expect(readFileSync(original).equals(ORIGINAL)).toBe(true);
  });

  it('refuses a backup whose bytes changed, leaving the current file alone', async () => {
    const original = makeOriginal();
    const record = await backupFile(original, backups);
    writeFileSync(original, 'current');
    writeFileSync(record.backup, 'tampered');
    await expect(restoreBackup(record)).rejects.toThrow(/does not match the checksum/);
    expect(readFileSync(original, 'utf8')).toBe('current');
  });
});
