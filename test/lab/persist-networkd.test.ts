/**
 * Persist at confirm on a netplan + systemd-networkd host (the lab's networkd machine): the built
 * CLI runs inside the machine with `--root-dir /` and its own --state-dir, applies, and confirms;
 * confirm writes the netplan file (with its backup), hands the bridge to networkd, and verifies.
 * Then networkd is restarted (the bridge stays as it is) and the host is rebooted from the files
 * written (it comes up bridged with the same address, and a VM on the bridge gets a lease).
 * The undo of a persisted migration is in undo-networkd.test.ts.
 */
import { existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { startNetworkdMachine } from '../../source/lab/index.js';
import { BRIDGE, configured, defaultVia, ipv4, withMachine } from './helpers/networkd-persist.js';

describe.concurrent('persist on a netplan + networkd host', () => {
  test('confirm writes the netplan file with a backup and networkd owns the bridge; a restart and a reboot keep it', async () => {
    await withMachine(async ({ lab, root, machine, cli, before }) => {
      const netplanFile = join(root, 'etc/netplan/50-lab.yaml');
      const apply = await cli(['apply', '--yes', '--nic', 'ens18', '--bridge', BRIDGE, '--timeout', '120']);
      expect(apply.exitCode, apply.stderr).toBe(0);

      const confirm = await cli(['confirm']);
      expect(confirm.exitCode, `${confirm.stdout}\n${confirm.stderr}`).toBe(0);
      for (const part of [
        'Check the new netplan config',
        'Back up every file',
        'Write the new files',
        'Let netplan take over',
        'Verify',
      ])
        expect(confirm.stderr).toContain(part);
      expect(confirm.stdout).toContain('The migration is finished; its config was written');

      const written = readFileSync(netplanFile, 'utf8');
      expect(written).toContain(`${BRIDGE}:`);
      expect(statSync(netplanFile).mode & 0o777).toBe(0o600);
      const backups = join(lab.dir, 'state', 'backups');
      expect(existsSync(backups)).toBe(true);
      expect((await machine.current.networkctl('status', BRIDGE)).stdout).toMatch(/\(configured\)/);
      expect(await configured(lab, machine.current, BRIDGE)).toEqual(before);
      expect(await defaultVia(lab)).toBe(BRIDGE);

      // A networkd restart (a package upgrade, `netplan apply`) leaves the bridge as it is.
      await machine.current.restartNetworkd();
      expect(await configured(lab, machine.current, BRIDGE)).toEqual(before);
      expect((await lab.exec(lab.ns.host, ['ip', '-j', 'link', 'show', 'ens18'])).stdout).toContain(
        `"master":"${BRIDGE}"`,
      );

      // Reboot: only the written files bring the host up.
      await machine.current.stop();
      await lab.rebootHost();
      machine.current = await startNetworkdMachine(lab, { root });
      expect(await configured(lab, machine.current, BRIDGE)).toEqual(before);
      expect(await defaultVia(lab)).toBe(BRIDGE);
      const vm = await lab.addVm();
      await lab.exec(lab.ns.host, ['ip', 'link', 'set', 'dev', vm.hostLink, 'master', BRIDGE]);
      const lease = await vm.dhcp();
      expect(lease.address).toMatch(/^198\.51\.100\.\d+$/);
    });
  }, 480_000);

  test('a netplan config that netplan generate refuses is never written: the runtime is reverted (exit 3)', async () => {
    await withMachine(async ({ lab, root, cli, before }) => {
      const netplanFile = join(root, 'etc/netplan/50-lab.yaml');
      const original = readFileSync(netplanFile);
      const apply = await cli(['apply', '--yes', '--nic', 'ens18', '--bridge', BRIDGE, '--timeout', '120']);
      expect(apply.exitCode, apply.stderr).toBe(0);
      // Another file in /etc/netplan that netplan refuses: the scratch copy has it too.
      const broken = join(root, 'etc/netplan/60-broken.yaml');
      writeFileSync(broken, 'network:\n  version: 2\n  ethernets:\n    ens18:\n      no-such-key: 1\n', {
        mode: 0o600,
      });
      const brokenBytes = readFileSync(broken);

      const confirm = await cli(['confirm']);
      expect(confirm.exitCode, `${confirm.stdout}\n${confirm.stderr}`).toBe(3);
      expect(confirm.stderr).toContain('netplan generate refused the new config');
      expect(readFileSync(netplanFile).equals(original)).toBe(true);
      expect(readFileSync(broken).equals(brokenBytes)).toBe(true);
      expect(await ipv4(lab, BRIDGE)).toEqual([]);
      expect(await ipv4(lab, 'ens18')).toEqual(before);
      expect(await defaultVia(lab)).toBe('ens18');
    });
  }, 480_000);

  // Skipped, an open defect found at the merge (issue 9 note): the failure is injected by taking
  // away the machine's system bus, and since the hold's undo hands the uplink back with
  // `networkctl reload`, the revert then fails too ("revert incomplete"). The injection must break
  // the hand-over alone.
  test.skip('networkctl refusing the hand-over leaves every file byte-exact and the runtime reverted (exit 3)', async () => {
    await withMachine(async ({ lab, root, machine, cli, before }) => {
      const netplanFile = join(root, 'etc/netplan/50-lab.yaml');
      const original = readFileSync(netplanFile);
      const mode = statSync(netplanFile).mode;
      const apply = await cli(['apply', '--yes', '--nic', 'ens18', '--bridge', BRIDGE, '--timeout', '120']);
      expect(apply.exitCode, apply.stderr).toBe(0);
      // The machine's system bus goes away: `networkctl reload` cannot reach networkd.
      await machine.current.exec(['sh', '-c', 'rm -f /run/dbus/system_bus_socket'], { check: false });

      const confirm = await cli(['confirm']);
      expect(confirm.exitCode, `${confirm.stdout}\n${confirm.stderr}`).toBe(3);
      expect(confirm.stderr).toContain('writing the config failed');
      expect(readFileSync(netplanFile).equals(original)).toBe(true);
      expect(statSync(netplanFile).mode).toBe(mode);
      expect(existsSync(join(root, 'etc/netplan/90-bridge-migrate.yaml'))).toBe(false);
      expect(await ipv4(lab, BRIDGE)).toEqual([]);
      expect(await ipv4(lab, 'ens18')).toEqual(before);
      expect(await defaultVia(lab)).toBe('ens18');
    });
  }, 480_000);
});
