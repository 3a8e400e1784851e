/**
 * The address lost during the hand-over to ifupdown, for real, through the built CLI: the host's
 * interfaces file carries a `post-up` hook written for a plain NIC that flushes the IPv4 addresses
 * of a bridge. The planner moves the uplink's options to the bridge's stanza, so the hand-over's own
 * `ifup fcbr0` runs that hook and the bridge's address really goes — nothing of the tool is faked.
 * `confirm` must then fail at verify, restore every file byte for byte, and revert the runtime:
 * the uplink has its address and default route again, the bridge the tool created is gone, and
 * the uplink's dhclient (as ifupdown ran it) runs again.
 */
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { createJournalStore } from '../../source/txn/journal/journal.js';
import { defaultDev, ifstate, ifupdownClient, ipv4 } from './helpers/ifupdown-host-state.js';
import { withIfupdownHost } from './helpers/ifupdown-machine.js';

const BRIDGE = 'fcbr0';
/** Harmless on ens18 (not a bridge); on the bridge it drops the address ifupdown just brought up. */
const HOOK = 'post-up [ ! -d /sys/class/net/$IFACE/bridge ] || ip -4 addr flush dev $IFACE';
const INTERFACES = `auto lo\niface lo inet loopback\n\nauto ens18\niface ens18 inet dhcp\n    ${HOOK}\n`;
const LAB = {
  host: { kind: 'static' as const, addresses: ['198.51.100.240/24'], gateway: null },
  reservation: false,
};

describe('ifupdown persist: the address lost at the hand-over', () => {
  test('confirm fails at verify (exit 3): the files are byte-exact, the runtime is back and ens18 has its dhclient again', async () => {
    await withIfupdownHost(LAB, INTERFACES, async ({ root, machine, stateDir, cli: cliIn }) => {
      const interfaces = join(root, 'etc/network/interfaces');
      const original = readFileSync(interfaces);
      const mode = statSync(interfaces).mode;
      const before = (await ipv4(machine, 'ens18')).map((entry) => `${entry.local}/${entry.prefixlen}`);
      expect(before).toHaveLength(1);
      const uplinkClient = await ifupdownClient(machine, 'ens18');
      expect(uplinkClient?.[0]).toMatch(/dhclient$/);
      const cli = (...args: string[]) => cliIn(machine, ...args);

      const apply = await cli('apply', '--yes', '--nic', 'ens18', '--bridge', BRIDGE, '--timeout', '600');
      expect(apply.code, `${apply.stdout}\n${apply.stderr}`).toBe(0);
      // The hook moved with the uplink's options into the bridge's stanza the hand-over brings up.
      const journal = await createJournalStore({ purpose: 'lab test' }).load(stateDir);
      const after = journal?.plan.config.find((file) => file.path === '/etc/network/interfaces')?.after;
      expect(after).toContain(`iface ${BRIDGE} inet dhcp\n    ${HOOK}\n`);

      const confirm = await cli('confirm');
      const seen = `${confirm.stdout}\n${confirm.stderr}`;
      expect(confirm.code, seen).toBe(3);
      expect(confirm.stderr).toMatch(/✓ persist ok +Let ifupdown take over the bridge/);
      expect(confirm.stderr).toMatch(/✗ persist failed +Verify/);
      expect(confirm.stderr).toContain(
        `bridge-migrate: writing the config failed (${before[0]} is not on ${BRIDGE}`,
      );
      expect(confirm.stderr).toContain('every file it touched was restored and the change reverted');

      // Every file as it was, byte for byte, and as its backup holds it.
      const reverted = await createJournalStore({ purpose: 'lab test' }).load(stateDir);
      expect(reverted?.phase).toBe('reverted');
      const backup = reverted?.files.find((file) => file.path === '/etc/network/interfaces')?.backup;
      expect(backup && readFileSync(backup.backup).equals(original)).toBe(true);
      expect(readFileSync(interfaces).equals(original)).toBe(true);
      expect(statSync(interfaces).mode).toBe(mode);

      // The runtime as before: no bridge, ens18 with its address and the default route, ifupdown
      // counting only ens18, and the uplink's own dhclient running as ifupdown started it.
      expect((await machine.exec(['ip', 'link', 'show', 'dev', BRIDGE])).exitCode).not.toBe(0);
      expect((await ipv4(machine, 'ens18')).map((entry) => `${entry.local}/${entry.prefixlen}`)).toEqual(
        before,
      );
      expect(await defaultDev(machine)).toEqual(['ens18']);
      expect(await ifstate(machine)).toEqual(['ens18=ens18', 'lo=lo']);
      // Restarted by the path the kernel ran, with ifupdown's own arguments (pid file included).
      const restarted = await ifupdownClient(machine, 'ens18');
      expect(restarted?.[0]).toBe('/usr/sbin/dhclient');
      expect(restarted?.slice(1)).toEqual(uplinkClient?.slice(1));
      expect(await ifupdownClient(machine, BRIDGE)).toBeNull();
    });
  }, 300_000);
});
