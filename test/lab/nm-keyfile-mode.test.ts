/**
 * A NetworkManager keyfile the persist step writes new must be one NetworkManager loads: NM reads a
 * keyfile only when it is root's and has no group or other bits (nm-settings-keyfile(5); NM logs
 * "File permissions (100644) are insecure" and skips it otherwise). Checked against the real daemon
 * in the lab machine (NM 1.42): the file goes through config-files.ts's writeConfig exactly as
 * persist writes it, then `nmcli connection load` must make NM know the profile. Needs root and
 * network-manager.
 */
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test } from 'vitest';
import { startNetworkManagerMachine } from '../../source/lab/index.js';
import { NM_DIR } from '../../source/plan/persist/networkmanager.js';
import type { ConfigFile } from '../../source/plan/types.js';
import { writeConfig } from '../../source/txn/persist/config-files.js';
import { withLab } from './helpers/lab-state.js';

const UUID = '6c1f2a3b-4d5e-4f60-8a7b-9c0d1e2f3a4b';
const PROFILE = [
  '[connection]',
  'id=bmkf0',
  `uuid=${UUID}`,
  'type=bridge',
  'interface-name=bmkf0',
  'autoconnect=false',
  '',
  '[ipv4]',
  'method=disabled',
  '',
  '[ipv6]',
  'method=ignore',
  '',
].join('\n');

test('a new NetworkManager keyfile written by persist is one NetworkManager loads', async () => {
  const scratch = mkdtempSync(join(tmpdir(), 'bm-nm-mode-'));
  try {
    await withLab({ host: { kind: 'static', addresses: ['198.51.100.240/24'] } }, async (lab) => {
      const root = join(scratch, 'root');
      const machine = await startNetworkManagerMachine(lab, { root });
      try {
        const file: ConfigFile = {
          path: `${NM_DIR}/bmkf0.nmconnection`,
          renderer: 'networkmanager',
          before: null,
          after: PROFILE,
          diff: '',
          note: 'lab',
        };
        await writeConfig(root, file, { path: file.path, backup: null });
        expect(statSync(join(root, file.path)).mode & 0o077).toBe(0);
        const load = await machine.nmcli('connection', 'load', file.path);
        expect(load.exitCode, load.stderr).toBe(0);
        const known = await machine.nmcli('-t', '-f', 'UUID', 'connection', 'show');
        expect(known.stdout.split('\n')).toContain(UUID);
      } finally {
        await machine.stop();
      }
    });
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}, 120_000);
