/**
 * systemd-networkd keeps the moved lease (issue 9): a networkd host (netplan `ens18: dhcp4: true`,
 * networkd's default DUID+IAID client id) on a LAN whose DHCP server has no reservation for it, so
 * only the same client id gets the same address. Applied and confirmed by the built CLI inside the
 * machine: from the cutover on networkd renews the lease on fcbr0 (the runtime .network file), the
 * address never changes, and the peer's TCP session survives the cutover and networkd's takeover.
 * Real time: two 2-minute lease periods.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { NETWORKD_LEASE_PATH } from '../../source/plan/steps/networkd-lease-file.js';
import { stopRestartedClients } from './helpers/engine-lab.js';
import { withLab } from './helpers/lab-state.js';
import {
  dnsmasqLeases,
  expectRenewedTwice,
  KEEP_LEASE_LAB,
  masterOf,
  migrateNetworkdHost,
  waitConfigured,
} from './helpers/networkd-keep-lab.js';

describe('networkd keeps the lease on the bridge', () => {
  test('in the window and after confirm: same address and client id, renewed through two lease periods, the session lives', async () => {
    await withLab(KEEP_LEASE_LAB, async (lab) => {
      try {
        const host = await migrateNetworkdHost(lab);
        expect(await host.session.echo()).toEqual({ ok: true, detail: 'ok' });
        expect(existsSync(join(host.machine.root, NETWORKD_LEASE_PATH))).toBe(true);
        // networkd took the bridge over with the moved address; the port stays held and enslaved.
        await waitConfigured(lab, host.machine, 'fcbr0', host.address);
        expect(await host.machine.adminState('ens18')).toBe('unmanaged');
        expect(await masterOf(lab, 'ens18')).toBe('fcbr0');
        expect(await host.session.echo()).toEqual({ ok: true, detail: 'ok' });

        const confirmed = await host.cli('confirm');
        expect(confirmed.code, `${confirmed.stdout}\n${confirmed.stderr}`).toBe(0);
        await expectRenewedTwice(lab, host, 'fcbr0');
        expect(await host.machine.adminState('fcbr0')).toBe('configured');
        // One lease for this host the whole time: never a second address for another client id.
        expect(dnsmasqLeases(lab).filter((lease) => lease.address === host.address)).toEqual([
          expect.objectContaining({ clientId: host.lease.clientId, mac: lab.hostMac }),
        ]);
      } finally {
        await stopRestartedClients(lab);
      }
    });
  }, 480_000);
});
