/**
 * NetworkManager's persist renderer against the real daemon (NM 1.42 in the lab machine, as in
 * nm-keep-lease.test.ts): after apply + confirm, the plan's keyfiles pass `nmcli --offline`, are
 * written to the machine's /etc/NetworkManager/system-connections, and handOver swaps the
 * in-memory profiles for them by reload: the address never leaves fcbr0 while it runs, the
 * devices run the written profiles, a NetworkManager restart changes nothing, and the lease goes
 * on being renewed. The persist engine (backups, journal phases) is not part of this test; the
 * renderer is called directly. Needs root, network-manager and `npm run build`.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, test } from 'vitest';
import { silentLog } from '../../source/system/debug-log.js';
import { createExecRunner } from '../../source/system/exec-runner.js';
import type { Runner } from '../../source/system/runner.js';
import { createJournalStore } from '../../source/txn/journal/journal.js';
import { networkManagerRenderer } from '../../source/txn/persist/networkmanager-renderer.js';
import type { PersistContext } from '../../source/txn/persist/persist-renderer.js';
import { ipv4, watchRenewals, withNmScene } from './helpers/nm-scene.js';

// Through `confirm` the hand-over once found no active bridge profile after the reload: persist
// wrote the new keyfiles 0644, which NetworkManager skips as insecure (config-files.ts now writes
// them 0600; test/lab/nm-keyfile-mode.test.ts).
test(
  'persist hand-over: the written profiles take over the bridge without touching the address',
  async () => {
    await withNmScene(async ({ lab, machine, leased, cli, stateDir, root }) => {
      // --persist auto: NetworkManager's keyfiles are in the plan (confirm does not write them yet).
      const apply = await cli('apply', '--yes', '--nic', 'ens18', '--timeout', '600');
      expect(apply.code, apply.stderr).toBe(0);
      const confirm = await cli('confirm');
      expect(confirm.code, confirm.stderr).toBe(0);
      const journal = await createJournalStore({ purpose: 'lab test' }).load(stateDir);
      const plan = journal?.plan;
      if (!plan) throw new Error('no journal plan');
      const files = plan.config.filter((file) => file.renderer === 'networkmanager');
      expect(files.map((file) => file.path)).toEqual([
        '/etc/NetworkManager/system-connections/fcbr0.nmconnection',
        '/etc/NetworkManager/system-connections/fcbr0-port-ens18.nmconnection',
      ]);

      // nmcli inside the machine; the machine's /run is reached through its keeper's root.
      const inner = createExecRunner(silentLog);
      const runner: Runner = { run: (argv, options) => inner.run([...machine.prefix, ...argv], options) };
      const notes: string[] = [];
      const context: PersistContext = {
        runner,
        rootDir: `/proc/${machine.pid}/root`,
        stateDir,
        note: (text) => notes.push(text),
      };
      expect(await networkManagerRenderer.validate(context, files)).toBeNull();
      for (const file of files) writeFileSync(join(root, file.path), file.after ?? '', { mode: 0o600 });

      let watching = true;
      const gaps: number[] = [];
      const watcher = (async () => {
        for (let look = 0; watching && look < 2_000; look++) {
          const addresses = (await ipv4(lab, 'fcbr0')).map((address) => address.cidr);
          if (!addresses.includes(leased)) gaps.push(look);
        }
      })();
      const handedOver = await networkManagerRenderer.handOver(context, plan);
      watching = false;
      await watcher;
      expect(handedOver, notes.join('\n')).toBeNull();
      expect(gaps).toEqual([]);
      expect(await machine.device('fcbr0')).toEqual({ state: 'connected', connection: 'fcbr0' });
      expect(await machine.device('ens18')).toEqual({ state: 'connected', connection: 'fcbr0-port-ens18' });

      await machine.restartNetworkManager();
      expect((await ipv4(lab, 'fcbr0')).map((address) => address.cidr)).toEqual([leased]);
      const watched = await watchRenewals(lab, 'fcbr0', leased, 1);
      expect(watched.missing).toEqual([]);
      expect(watched.renewals).toBeGreaterThanOrEqual(1);
      expect(await machine.device('fcbr0')).toEqual({ state: 'connected', connection: 'fcbr0' });
    });
  },
  8 * 60_000,
);
