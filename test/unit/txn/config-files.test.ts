import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ConfigFile } from '../../../source/plan/types.js';
import { writeConfig } from '../../../source/txn/persist/config-files.js';

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
