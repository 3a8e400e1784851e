import {
  existsSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ConfigFile } from '../../../source/plan/types.js';
import { backupFile } from '../../../source/system/file-backup.js';
import type { TouchedFile } from '../../../source/txn/journal/journal.js';
import { restoreTouchedFiles, writeConfig } from '../../../source/txn/persist/config-files.js';

let root: string;
beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'bm-config-files-'));
});
afterEach(() => {
  rmSync(root, { recursive: true, force: true });
});

function newFile(path: string, renderer: ConfigFile['renderer']): ConfigFile {
  return { path, renderer, before: null, after: '[connection]\nid=fcbr0\n', diff: '', note: '' };
}

describe('writeConfig: the mode of a file that did not exist', () => {
  it('is 0600 for a NetworkManager keyfile (NM skips one with group or other bits)', async () => {
    const file = newFile('/etc/NetworkManager/system-connections/fcbr0.nmconnection', 'networkmanager');
    await writeConfig(root, file, { path: file.path, backup: null });
    expect(statSync(join(root, file.path)).mode & 0o777).toBe(0o600);
  });

  it('is 0600 for netplan YAML and 0644 for a networkd drop-in or ifupdown file', async () => {
    const cases: Array<[ConfigFile, number]> = [
      [newFile('/etc/netplan/90-bridge-migrate.yaml', 'netplan'), 0o600],
      [newFile('/etc/systemd/network/10-netplan-fcbr0.network.d/50-id.conf', 'netplan'), 0o644],
      [newFile('/etc/network/interfaces', 'ifupdown'), 0o644],
    ];
    for (const [file, mode] of cases) {
      await writeConfig(root, file, { path: file.path, backup: null });
      expect(statSync(join(root, file.path)).mode & 0o777, file.path).toBe(mode);
    }
  });
});

describe('restoreTouchedFiles under another --root-dir than the files were written under', () => {
  it('touches nothing and names the root the backups were made under', async () => {
    const written = join(root, 'image');
    const other = join(root, 'live');
    mkdirSync(join(written, 'etc/netplan'), { recursive: true });
    mkdirSync(join(other, 'etc/netplan'), { recursive: true });
    writeFileSync(join(written, 'etc/netplan/50-cloud-init.yaml'), 'old\n');
    // A file of the same name that this migration never wrote, on the other root.
    writeFileSync(join(other, 'etc/netplan/90-bridge-migrate.yaml'), 'not ours\n');
    const touched: TouchedFile[] = [
      {
        path: '/etc/netplan/50-cloud-init.yaml',
        backup: await backupFile(join(written, 'etc/netplan/50-cloud-init.yaml'), join(root, 'backups')),
      },
      { path: '/etc/netplan/90-bridge-migrate.yaml', backup: null },
    ];
    writeFileSync(join(written, 'etc/netplan/50-cloud-init.yaml'), 'new\n');
    writeFileSync(join(written, 'etc/netplan/90-bridge-migrate.yaml'), 'ours\n');

    const problems = await restoreTouchedFiles(other, touched);
    expect(problems).toEqual([expect.stringContaining(`--root-dir ${written}`)]);
    expect(readFileSync(join(other, 'etc/netplan/90-bridge-migrate.yaml'), 'utf8')).toBe('not ours\n');
    expect(readFileSync(join(written, 'etc/netplan/90-bridge-migrate.yaml'), 'utf8')).toBe('ours\n');

    // Under the root they were written under, all is put back.
    expect(await restoreTouchedFiles(written, touched)).toEqual([]);
    expect(readFileSync(join(written, 'etc/netplan/50-cloud-init.yaml'), 'utf8')).toBe('old\n');
    expect(existsSync(join(written, 'etc/netplan/90-bridge-migrate.yaml'))).toBe(false);
  });
});

describe('restoring over a path someone replaced meanwhile', () => {
  it('replaces a symlink put where the file was, never writing through it', async () => {
    const netplan = join(root, 'etc/netplan');
    mkdirSync(netplan, { recursive: true });
    const path = '/etc/netplan/50-cloud-init.yaml';
    writeFileSync(join(root, path), 'old\n', { mode: 0o600 });
    const touched: TouchedFile[] = [
      { path, backup: await backupFile(join(root, path), join(root, 'backups')) },
    ];
    const outside = join(root, 'shadow');
    writeFileSync(outside, 'secret\n');
    rmSync(join(root, path));
    symlinkSync(outside, join(root, path));

    expect(await restoreTouchedFiles(root, touched)).toEqual([]);
    expect(readFileSync(outside, 'utf8')).toBe('secret\n');
    expect(lstatSync(join(root, path)).isFile()).toBe(true);
    expect(readFileSync(join(root, path), 'utf8')).toBe('old\n');
  });
});
