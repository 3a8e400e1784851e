/**
 * NetworkManager keeps the lease, for real: NetworkManager 1.42 runs in the lab host namespace
 * (source/lab/networkmanager-machine.ts) and leases ens18 from the lab router, with a 2-minute
 * lease and no reservation, so dnsmasq binds the address to the client id. The built CLI runs
 * inside that machine with `--root-dir /` and talks to NM through nmcli.
 * - apply + confirm: the address stays on fcbr0 and is renewed through two lease periods by NM's
 *   in-memory bridge profile (without it the address ends after 120 s);
 * - apply + rollback: ens18's own profile owns the address again and renews it.
 * Each case has its own lab and they run side by side; every wait is bounded. Needs root,
 * network-manager (scripts/install-system-packages.sh) and `npm run build`.
 */
import { describe, expect, test } from 'vitest';
import { waitFor } from '../../source/lab/wait.js';
import { CONFIGURED, ipv4, watchRenewals, withNmScene } from './helpers/nm-scene.js';

describe.concurrent('NetworkManager keeps the lease on the bridge', () => {
  test(
    'apply + confirm: the address stays on fcbr0 and is renewed through two lease periods',
    async () => {
      await withNmScene(async ({ lab, machine, leased, cli }) => {
        const apply = await cli('apply', '--yes', '--nic', 'ens18', '--persist', 'none', '--timeout', '600');
        expect(apply.code, apply.stderr).toBe(0);
        expect((await ipv4(lab, 'fcbr0')).map((address) => address.cidr)).toEqual([leased]);
        expect(await machine.device('fcbr0')).toEqual({
          state: 'connected',
          connection: 'bridge-migrate-fcbr0',
        });
        const confirm = await cli('confirm');
        expect(confirm.code, confirm.stderr).toBe(0);

        const watched = await watchRenewals(lab, 'fcbr0', leased, 2);
        expect(watched.missing).toEqual([]);
        expect(watched.renewals).toBeGreaterThanOrEqual(2);
        const master = await lab.exec(lab.ns.host, ['ip', '-j', 'link', 'show', 'dev', 'ens18']);
        expect(JSON.parse(master.stdout)[0].master).toBe('fcbr0');
      });
    },
    8 * 60_000,
  );

  test(
    "apply + rollback: ens18's own profile owns the address again and renews it",
    async () => {
      await withNmScene(async ({ lab, machine, leased, cli }) => {
        const apply = await cli('apply', '--yes', '--nic', 'ens18', '--persist', 'none', '--timeout', '600');
        expect(apply.code, apply.stderr).toBe(0);
        const rollback = await cli('rollback', '--yes');
        expect(rollback.code, rollback.stderr).toBe(3);

        expect((await ipv4(lab, 'ens18')).map((address) => address.cidr)).toEqual([leased]);
        expect(await ipv4(lab, 'fcbr0')).toEqual([]);
        await waitFor('NetworkManager to take ens18 back', CONFIGURED, async (problem) => {
          const device = await machine.device('ens18');
          return device?.state === 'connected' && device.connection === 'ens18'
            ? true
            : problem(JSON.stringify(device));
        });
        const profiles = await machine.nmcli('-g', 'NAME', 'connection', 'show');
        expect(profiles.stdout).not.toContain('bridge-migrate-fcbr0');

        const watched = await watchRenewals(lab, 'ens18', leased, 1);
        expect(watched.missing).toEqual([]);
        expect(watched.renewals).toBeGreaterThanOrEqual(1);
      });
    },
    8 * 60_000,
  );
});
