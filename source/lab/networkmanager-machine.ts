/**
 * A whole "machine" in the lab's host namespace with NetworkManager 1.42 as the host's renderer,
 * the way networkd-machine.ts runs networkd: a private mount namespace kept open by a keeper
 * process, its own system D-Bus, `nmcli` answering inside it, and the config from a scratch root.
 *
 * Verified on Debian 12 (NetworkManager 1.42.4, dbus 1.14): NM manages the lab's veth uplink and
 * leases it from the lab router with its internal DHCP client. No udev is needed: in a network
 * namespace other than the initial one NM does not wait for udev (as in a container). What the
 * keeper mounts:
 * - ROOT/etc/NetworkManager over /etc/NetworkManager: NetworkManager.conf (keyfile plugin only, no
 *   auto-default "Wired connection" profile) and system-connections/ with the uplink's profile;
 * - ROOT/var/lib/NetworkManager over /var/lib/NetworkManager (leases, NM's state);
 * - a tmpfs over /run: NM keeps its runtime state, in-memory profiles and conf.d there, and the
 *   system bus socket lives in /run/dbus. Nothing is created outside the scratch root.
 * The keeper, dbus-daemon and NetworkManager are started through lab.spawn, so the lab ends them
 * by pid.
 */
import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { RunResult } from '../system/runner.js';
import { startMachineKeeper } from './machine-keeper.js';
import type { LabProcess } from './processes.js';
import type { ExecOptions, Lab } from './types.js';
import { waitFor } from './wait.js';

const KEEPER_SCRIPT = `#!/bin/sh
# bridge-migrate lab NetworkManager machine ROOT: run inside \`ip netns exec HOST unshare -m --propagation private\`.
set -e
root="$1"
mount --bind "$root/etc/NetworkManager" /etc/NetworkManager
mount --bind "$root/var/lib/NetworkManager" /var/lib/NetworkManager
mount -t tmpfs -o mode=0755 tmpfs /run
mkdir -p /run/dbus /run/NetworkManager
mount -o remount,ro /sys
echo ready > "$root/machine.ready"
exec sleep infinity
`;

/** NetworkManager.conf of the lab machine: keyfiles only, and no "Wired connection 1" made up. */
export const LAB_NM_CONF = '[main]\nplugins=keyfile\nno-auto-default=*\n';

/** A DHCP profile for the uplink, as a distribution installer writes it. */
export function uplinkProfile(uplink: string, uuid: string): string {
  return [
    '[connection]',
    `id=${uplink}`,
    `uuid=${uuid}`,
    'type=ethernet',
    `interface-name=${uplink}`,
    'autoconnect=true',
    '',
    '[ipv4]',
    'method=auto',
    '',
    '[ipv6]',
    'method=ignore',
    '',
  ].join('\n');
}

export const LAB_UPLINK_UUID = '3b0b5a4e-6f1c-4c3a-9d1e-0b5e1a2c3d4f';

const NM_READY = { attempts: 100, intervalMs: 100, timeoutMs: 10_000 };

export interface NetworkManagerMachineOptions {
  /** The scratch root; made when missing. The machine's config lives there and survives a reboot. */
  root: string;
  /** Write NetworkManager.conf and the uplink's DHCP profile (default true; false: boot from ROOT as it is). */
  install?: boolean;
}

export interface NetworkManagerMachine {
  readonly root: string;
  readonly pid: number;
  /** Prepend to an argv to run it inside the machine from the machine's root namespace. */
  readonly prefix: readonly string[];
  exec(argv: readonly string[], options?: ExecOptions): Promise<RunResult>;
  nmcli(...args: string[]): Promise<RunResult>;
  /** `nmcli device` state and connection of a device ("connected", "ens18"), null when NM lists none. */
  device(ifname: string): Promise<{ state: string; connection: string } | null>;
  restartNetworkManager(): Promise<void>;
  /** Stops NetworkManager, dbus-daemon and the keeper (a power-off); the scratch root stays. */
  stop(): Promise<void>;
}

export async function startNetworkManagerMachine(
  lab: Lab,
  options: NetworkManagerMachineOptions,
): Promise<NetworkManagerMachine> {
  const { root } = options;
  const connections = join(root, 'etc/NetworkManager/system-connections');
  mkdirSync(connections, { recursive: true });
  mkdirSync(join(root, 'var/lib/NetworkManager'), { recursive: true });
  if (options.install !== false) {
    writeFileSync(join(root, 'etc/NetworkManager/NetworkManager.conf'), LAB_NM_CONF);
    // NM reads a keyfile only when it is root's and mode 0600 (nm-settings-keyfile(5)).
    const profile = join(connections, `${lab.uplink}.nmconnection`);
    writeFileSync(profile, uplinkProfile(lab.uplink, LAB_UPLINK_UUID), { mode: 0o600 });
    chmodSync(profile, 0o600);
  }
  const { keeper, exec, spawnInside, startSystemBus } = await startMachineKeeper(lab, {
    root,
    script: KEEPER_SCRIPT,
    scriptName: 'nm-machine-keeper.sh',
    label: 'nm-machine',
  });
  const nmcli = (...args: string[]) => exec(['nmcli', ...args], { check: false });

  const dbus = await startSystemBus('nm-dbus');

  let daemon: LabProcess = await startDaemon();
  async function startDaemon(): Promise<LabProcess> {
    const started = await spawnInside(['NetworkManager', '--no-daemon'], 'NetworkManager');
    await waitFor('NetworkManager to answer nmcli', NM_READY, async (problem) => {
      if (started.hasExited()) throw new Error(`NetworkManager exited: ${started.readLog().trim()}`);
      const answered = await nmcli('-t', 'general', 'status');
      return answered.exitCode === 0 ? true : problem(answered.stderr.trim());
    });
    return started;
  }

  async function device(ifname: string): Promise<{ state: string; connection: string } | null> {
    const shown = await nmcli('-g', 'GENERAL.STATE,GENERAL.CONNECTION', 'device', 'show', ifname);
    if (shown.exitCode !== 0) return null;
    const [state = '', connection = ''] = shown.stdout.split('\n');
    // "100 (connected)" → "connected"
    return { state: /\((.*)\)/.exec(state)?.[1] ?? state, connection };
  }

  return {
    root,
    pid: keeper.pid,
    prefix: ['nsenter', '-t', String(keeper.pid), '-m', '-n'],
    exec,
    nmcli,
    device,
    async restartNetworkManager() {
      await lab.stop(daemon);
      daemon = await startDaemon();
    },
    async stop() {
      await lab.stop(daemon);
      await lab.stop(dbus);
      await lab.stop(keeper);
    },
  };
}
