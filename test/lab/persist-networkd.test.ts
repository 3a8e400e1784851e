/**
 * Persist at confirm on a netplan + systemd-networkd host (the lab's networkd machine): the built
 * CLI runs inside the machine with `--root-dir /` and its own --state-dir, applies, and confirms;
 * confirm writes the netplan file (with its backup), hands the bridge to networkd, and verifies.
 * Then networkd is restarted (the bridge stays as it is) and the host is rebooted from the files
 * written (it comes up bridged with the same address, and a VM on the bridge gets a lease).
 * The undo of a persisted migration is in undo-networkd.test.ts.
 */
import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import type { Lab } from '../../source/lab/index.js';
import { startNetworkdMachine } from '../../source/lab/index.js';
import { createJournalStore } from '../../source/txn/journal/journal.js';
import { BRIDGE, configured, defaultVia, ipv4, withMachine } from './helpers/networkd-persist.js';

/**
 * A networkctl that refuses the next `networkctl reload` once it is armed, as networkd does when
 * polkit denies the call, and is the real networkctl for everything else: put first on the CLI's
 * PATH, it makes the persist's hand-over fail while the revert's reloads still reach networkd.
 */
function refusingNetworkctl(lab: Lab): { dir: string; arm(): void } {
  const dir = join(lab.dir, 'refusing-networkctl');
  mkdirSync(dir, { recursive: true });
  const armed = join(dir, 'armed');
  writeFileSync(
    join(dir, 'networkctl'),
    [
      '#!/bin/sh',
      `if [ "$#" = 1 ] && [ "$1" = reload ] && rm '${armed}' 2>/dev/null; then`,
      "  echo 'Failed to reload network settings: Access denied' >&2",
      '  exit 1',
      'fi',
      'exec /usr/bin/networkctl "$@"',
      '',
    ].join('\n'),
    { mode: 0o755 },
  );
  return { dir, arm: () => writeFileSync(armed, '') };
}

/** The netplan file, every other file the persist may write, and the host's uplink as before. */
async function expectRestored(lab: Lab, root: string, original: Buffer, mode: number, before: string[]) {
  const netplanFile = join(root, 'etc/netplan/50-lab.yaml');
  expect(readFileSync(netplanFile).equals(original)).toBe(true);
  expect(statSync(netplanFile).mode).toBe(mode);
  expect(existsSync(join(root, 'etc/netplan/90-bridge-migrate.yaml'))).toBe(false);
  expect(await ipv4(lab, BRIDGE)).toEqual([]);
  expect(await ipv4(lab, 'ens18')).toEqual(before);
  expect(await defaultVia(lab)).toBe('ens18');
}

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
});

// One at a time, after the cases above: five labs with networkd, a bus and the CLI at once on two
// cores made the CLI's probe time out ("no interface named ens18") in four of them.
describe('persist on a netplan + networkd host, the hand-over refused', () => {
  test('networkctl refusing the hand-over leaves every file byte-exact and the runtime reverted, networkd running the uplink again (exit 3)', async () => {
    await withMachine(async ({ lab, root, machine, cli, before }) => {
      const netplanFile = join(root, 'etc/netplan/50-lab.yaml');
      const original = readFileSync(netplanFile);
      const mode = statSync(netplanFile).mode;
      const networkctl = refusingNetworkctl(lab);
      const apply = await cli(
        ['apply', '--yes', '--nic', 'ens18', '--bridge', BRIDGE, '--timeout', '120'],
        networkctl.dir,
      );
      expect(apply.exitCode, apply.stderr).toBe(0);
      // The hand-over's reload is refused; the revert's reloads reach networkd.
      networkctl.arm();

      const confirm = await cli(['confirm'], networkctl.dir);
      const shown = `${confirm.stdout}\n${confirm.stderr}`;
      expect(confirm.exitCode, shown).toBe(3);
      expect(confirm.stderr).toContain('writing the config failed');
      expect(shown).toContain('networkctl reload failed: Failed to reload network settings: Access denied');
      expect(shown).toContain('the host matches its pre-state');
      expect(shown).not.toContain('Not done by the revert');
      await expectRestored(lab, root, original, mode, before);
      // The revert handed ens18 back: networkd manages it again (and renews its lease).
      expect(await configured(lab, machine.current, 'ens18')).toEqual(before);
    });
  }, 480_000);

  test("with networkd's bus gone the revert still restores files and runtime (exit 3), says networkd was not reloaded, and its commands finish the job", async () => {
    await withMachine(async ({ lab, root, machine, cli, stateDir, before }) => {
      const netplanFile = join(root, 'etc/netplan/50-lab.yaml');
      const original = readFileSync(netplanFile);
      const mode = statSync(netplanFile).mode;
      const apply = await cli(['apply', '--yes', '--nic', 'ens18', '--bridge', BRIDGE, '--timeout', '120']);
      expect(apply.exitCode, apply.stderr).toBe(0);
      // The machine's system bus goes away (its socket moved aside, so it can come back): neither the
      // hand-over's `networkctl reload` nor the revert's reaches networkd.
      const socket = '/run/dbus/system_bus_socket';
      const aside = '/run/dbus/system_bus_socket.aside';
      await machine.current.exec(['mv', socket, aside]);
      const confirm = await cli(['confirm']);
      await machine.current.exec(['mv', aside, socket]);

      const shown = `${confirm.stdout}\n${confirm.stderr}`;
      expect(confirm.exitCode, shown).toBe(3);
      expect(confirm.stderr).toContain('writing the config failed');
      expect(shown).toContain('the host matches its pre-state');
      expect(shown).toContain('Not done by the revert');
      expect(shown).toContain('systemd-networkd was not told to take ens18 back (networkctl reload exited 1');
      await expectRestored(lab, root, original, mode, before);
      const outcome = (await createJournalStore({ purpose: 'lab test' }).load(stateDir))?.outcome;
      expect(outcome?.kind).toBe('reverted');
      expect(outcome?.notDone).toHaveLength(1);
      const commands = (outcome?.manualCommands ?? []).map((command) =>
        command.kind === 'exec' ? command.argv : [],
      );
      // Each runs where the migration ran: the lab's host is a named namespace, so `ip netns exec NS` first.
      const inner = commands.map((argv) =>
        argv.slice(0, 3).join(' ') === 'ip netns exec' ? argv.slice(4) : argv,
      );
      expect(inner[0]).toEqual(['networkctl', 'reload']);
      // ...and ens18's link-local announced again after it (renderer-hold.ts networkdHandBack).
      expect(inner.length).toBeGreaterThan(1);
      expect(inner.slice(1).every((argv) => argv.join(' ').startsWith('ip -6 addr replace fe80:'))).toBe(
        true,
      );
      // True: networkd read the hold in the window and still leaves ens18 alone.
      expect((await machine.current.networkctl('list', 'ens18')).stdout).toMatch(
        /ens18\s+\S+\s+\S+\s+unmanaged/,
      );
      // The commands printed, run once the bus is back, give ens18 to networkd again.
      for (const argv of commands) await machine.current.exec(argv);
      expect(await configured(lab, machine.current, 'ens18')).toEqual(before);
      expect(await defaultVia(lab)).toBe('ens18');
    });
  }, 480_000);
});
