/**
 * A revert on a networkd host whose networkd was restarted in the pending window (issue 9: "then
 * `rollback` left ens18 unmanaged by networkd"). The restart reads the runtime files: the bridge
 * stays networkd's with the lease and the uplink stays held in it. The rollback removes them and
 * reloads networkd, which manages ens18 again ("configured") and renews its lease, the same
 * address, through two lease periods. Real time.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { NETWORKD_LEASE_PATH } from '../../source/plan/steps/networkd-lease-file.js';
import { NETWORKD_HOLD_PATH } from '../../source/plan/steps/renderer-hold-files.js';
import { stopRestartedClients } from './helpers/engine-lab.js';
import { withLab } from './helpers/lab-state.js';
import {
  defaultRouteDevs,
  expectRenewedTwice,
  ipv4,
  KEEP_LEASE_LAB,
  masterOf,
  migrateNetworkdHost,
  waitConfigured,
} from './helpers/networkd-keep-lab.js';

describe('a revert hands the uplink back to networkd', () => {
  test('after a networkd restart in the window: the bridge survives it, rollback leaves ens18 configured and renewed', async () => {
    await withLab(KEEP_LEASE_LAB, async (lab) => {
      try {
        const host = await migrateNetworkdHost(lab);
        await waitConfigured(lab, host.machine, 'fcbr0', host.address);

        await host.machine.restartNetworkd();
        await waitConfigured(lab, host.machine, 'fcbr0', host.address);
        expect(await host.machine.adminState('ens18')).toBe('unmanaged');
        expect(await masterOf(lab, 'ens18')).toBe('fcbr0');
        expect(await defaultRouteDevs(lab)).toEqual(['fcbr0']);
        expect(await host.session.echo()).toEqual({ ok: true, detail: 'ok' });

        const rolledBack = await host.cli('rollback', '--yes');
        expect(rolledBack.code, `${rolledBack.stdout}\n${rolledBack.stderr}`).toBe(3);
        for (const path of [NETWORKD_LEASE_PATH, NETWORKD_HOLD_PATH])
          expect(existsSync(join(host.machine.root, path))).toBe(false);
        expect(await ipv4(lab, 'fcbr0')).toEqual([]);
        expect(await masterOf(lab, 'ens18')).toBeNull();
        await waitConfigured(lab, host.machine, 'ens18', host.address);
        const status = await host.machine.networkctl('status', 'ens18');
        expect(status.stdout).toMatch(/State: routable \(configured\)/);

        await expectRenewedTwice(lab, host, 'ens18');
        expect(await host.machine.adminState('ens18')).toBe('configured');
      } finally {
        await stopRestartedClients(lab);
      }
    });
  }, 480_000);
});
