/**
 * NetworkManager's persist through `confirm`, against the real daemon (NM 1.42 in the lab machine,
 * as in nm-keep-lease.test.ts): after apply, confirm checks the plan's keyfiles with `nmcli
 * --offline`, writes them to the machine's /etc/NetworkManager/system-connections (root's, 0600:
 * NM ignores any other keyfile), and hands over by reload: the window's in-memory profiles share
 * the written files' UUIDs, so NM swaps them without touching the devices. The address never
 * leaves fcbr0 while confirm runs, the devices run the written profiles, a NetworkManager restart
 * changes nothing, the lease goes on being renewed, and a reboot from the written files comes up
 * bridged with the same address. Needs root, network-manager and `npm run build`.
 */
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { expect, test } from 'vitest';
import { startNetworkManagerMachine } from '../../source/lab/index.js';
import { waitFor } from '../../source/lab/wait.js';
import { createJournalStore } from '../../source/txn/journal/journal.js';
import { CONFIGURED, ipv4, watchRenewals, withNmScene } from './helpers/nm-scene.js';

const PROFILES = [
  '/etc/NetworkManager/system-connections/fcbr0.nmconnection',
  '/etc/NetworkManager/system-connections/fcbr0-port-ens18.nmconnection',
];

test(
  'confirm writes the profiles and they take over the bridge without touching the address; a restart and a reboot keep it',
  async () => {
    await withNmScene(async ({ lab, machine, leased, cli, stateDir, root }) => {
      // --persist auto: NetworkManager's keyfiles are in the plan, written at confirm.
      const apply = await cli('apply', '--yes', '--nic', 'ens18', '--timeout', '600');
      expect(apply.code, apply.stderr).toBe(0);
      const plan = (await createJournalStore({ purpose: 'lab test' }).load(stateDir))?.plan;
      if (!plan) throw new Error('no journal plan');
      const files = plan.config.filter((file) => file.renderer === 'networkmanager');
      expect(files.map((file) => file.path)).toEqual(PROFILES);

      let watching = true;
      const gaps: number[] = [];
      const watcher = (async () => {
        for (let look = 0; watching && look < 2_000; look++) {
          const addresses = (await ipv4(lab, 'fcbr0')).map((address) => address.cidr);
          if (!addresses.includes(leased)) gaps.push(look);
        }
      })();
      const confirm = await cli('confirm');
      watching = false;
      await watcher;
      expect(confirm.code, `${confirm.stdout}\n${confirm.stderr}`).toBe(0);
      expect(confirm.stdout).toContain('The migration is finished; its config was written');
      expect(gaps).toEqual([]);
      for (const file of files) {
        const written = join(root, file.path);
        expect(readFileSync(written, 'utf8')).toBe(file.after);
        expect(statSync(written).mode & 0o777).toBe(0o600);
      }
      expect(await machine.device('fcbr0')).toEqual({ state: 'connected', connection: 'fcbr0' });
      expect(await machine.device('ens18')).toEqual({ state: 'connected', connection: 'fcbr0-port-ens18' });
      const active = await machine.nmcli('-t', '-f', 'NAME,FILENAME', 'connection', 'show', '--active');
      expect(active.stdout).toContain(`fcbr0:${PROFILES[0]}`);
      expect(active.stdout).toContain(`fcbr0-port-ens18:${PROFILES[1]}`);

      await machine.restartNetworkManager();
      expect((await ipv4(lab, 'fcbr0')).map((address) => address.cidr)).toEqual([leased]);
      const watched = await watchRenewals(lab, 'fcbr0', leased, 1);
      expect(watched.missing).toEqual([]);
      expect(watched.renewals).toBeGreaterThanOrEqual(1);
      expect(await machine.device('fcbr0')).toEqual({ state: 'connected', connection: 'fcbr0' });

      // Reboot: a fresh host namespace, NetworkManager started from the files on disk only.
      await machine.stop();
      await lab.rebootHost();
      const booted = await startNetworkManagerMachine(lab, { root, install: false });
      try {
        const bridged = await waitFor(
          'NetworkManager to bring fcbr0 up after the reboot',
          CONFIGURED,
          async (problem) => {
            const device = await booted.device('fcbr0');
            const addresses = (await ipv4(lab, 'fcbr0')).map((address) => address.cidr);
            return device?.state === 'connected' && addresses.length === 1
              ? addresses
              : problem(`${JSON.stringify(device)} ${JSON.stringify(addresses)}`);
          },
        );
        expect(bridged).toEqual([leased]);
        expect(await booted.device('ens18')).toEqual({ state: 'connected', connection: 'fcbr0-port-ens18' });
        expect(await ipv4(lab, 'ens18')).toEqual([]);
      } finally {
        await booted.stop();
      }
    });
  },
  10 * 60_000,
);
