/**
 * A whole "machine" in the lab's host namespace: systemd-networkd as the host's renderer, reachable
 * by `networkctl` over its own system D-Bus, its config directories bound from a scratch root —
 * the recipe "A whole machine in a namespace" in shared/notes/lab-recipes.md, verified on Debian 12
 * (systemd 252, netplan 0.106, dbus 1.14). The product's real code path (`netplan generate`,
 * `networkctl reload`) then runs inside it, and so does the built CLI with `--root-dir /`.
 *
 * The machine is a private mount namespace kept open by a keeper process (`sleep`): tmpfs over
 * /run/systemd and /run/dbus, the scratch root's etc/netplan, etc/systemd/network, etc/network and
 * var/lib/dhcp bound over the machine's own, /sys read-only (networkd then does not wait for udev).
 * Nothing is created outside the scratch root: only directories that exist are bound over. The
 * keeper, dbus-daemon and networkd are started through lab.spawn, so the lab ends them by pid.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { RunResult } from '../system/runner.js';
import { startMachineKeeper } from './machine-keeper.js';
import type { LabProcess } from './processes.js';
import type { ExecOptions, Lab } from './types.js';
import { waitFor } from './wait.js';

/** Directories of the machine whose content comes from the scratch root (created there). */
export const MACHINE_DIRS = ['etc/netplan', 'etc/systemd/network', 'etc/network', 'var/lib/dhcp'] as const;

const KEEPER_SCRIPT = `#!/bin/sh
# bridge-migrate lab machine ROOT: run inside \`ip netns exec HOST unshare -m --propagation private\`.
set -e
root="$1"
for d in etc/netplan etc/systemd/network etc/network var/lib/dhcp; do
  if [ -d "/$d" ]; then mount --bind "$root/$d" "/$d"; fi
done
mount -t tmpfs -o mode=0755 tmpfs /run/systemd
mkdir -p /run/systemd/network /run/systemd/netif/links /run/systemd/netif/leases /run/systemd/netif/lldp
mount --bind "$root/run/systemd/network" /run/systemd/network
chown -R systemd-network:systemd-network /run/systemd/netif
mount -t tmpfs -o mode=0755 tmpfs /run/dbus
mount -o remount,ro /sys
echo ready > "$root/machine.ready"
exec sleep infinity
`;

const NETWORKD_READY = { attempts: 100, intervalMs: 100, timeoutMs: 10_000 };

export interface NetworkdMachineOptions {
  /** The scratch root; made when missing. The machine's config lives there and survives a reboot. */
  root: string;
  /** Netplan files to write under ROOT/etc/netplan (name → YAML), mode 0600, before networkd starts. */
  netplan?: Record<string, string>;
}

export interface NetworkdMachine {
  readonly root: string;
  /** The keeper process: its mount namespace is the machine's. */
  readonly pid: number;
  /** Prepend to an argv to run it inside the machine from the machine's root namespace. */
  readonly prefix: readonly string[];
  exec(argv: readonly string[], options?: ExecOptions): Promise<RunResult>;
  networkctl(...args: string[]): Promise<RunResult>;
  /** networkd's own verdict on a link (ADMIN_STATE=configured|unmanaged|…), null while it has none. */
  adminState(ifname: string): Promise<string | null>;
  /** Stops networkd by pid and starts it again, as `systemctl restart systemd-networkd` would. */
  restartNetworkd(): Promise<void>;
  /** Stops networkd, dbus-daemon and the keeper (a power-off); the scratch root stays. */
  stop(): Promise<void>;
}

export async function startNetworkdMachine(
  lab: Lab,
  options: NetworkdMachineOptions,
): Promise<NetworkdMachine> {
  const { root } = options;
  for (const dir of [...MACHINE_DIRS, 'run/systemd/network']) mkdirSync(join(root, dir), { recursive: true });
  for (const [name, yaml] of Object.entries(options.netplan ?? {})) {
    if (name.includes('/')) throw new Error(`netplan file name "${name}" must not contain "/"`);
    writeFileSync(join(root, 'etc/netplan', name), yaml, { mode: 0o600 });
  }
  const { keeper, exec, spawnInside, startSystemBus } = await startMachineKeeper(lab, {
    root,
    script: KEEPER_SCRIPT,
    scriptName: 'machine-keeper.sh',
    label: 'machine',
  });

  await exec(['netplan', 'generate'], { timeoutMs: 30_000 });
  const dbus = await startSystemBus('dbus');

  let networkd: LabProcess = await startNetworkd();
  async function startNetworkd(): Promise<LabProcess> {
    const started = await spawnInside(
      ['env', 'SYSTEMD_LOG_TARGET=console', '/lib/systemd/systemd-networkd'],
      'networkd',
    );
    // networkctl answers once networkd has taken its bus name.
    await waitFor('networkd to answer networkctl', NETWORKD_READY, async (problem) => {
      if (started.hasExited()) throw new Error(`networkd exited: ${started.readLog().trim()}`);
      const listed = await exec(['networkctl', 'list', '--no-pager'], { check: false });
      return listed.exitCode === 0 ? true : problem(listed.stderr.trim());
    });
    return started;
  }

  async function adminState(ifname: string): Promise<string | null> {
    const shown = await lab.exec(lab.ns.host, ['cat', `/sys/class/net/${ifname}/ifindex`], { check: false });
    const ifindex = shown.stdout.trim();
    if (!/^\d+$/.test(ifindex)) return null;
    const state = await exec(['cat', `/run/systemd/netif/links/${ifindex}`], { check: false });
    return /^ADMIN_STATE=(\S+)$/m.exec(state.stdout)?.[1] ?? null;
  }

  return {
    root,
    pid: keeper.pid,
    prefix: ['nsenter', '-t', String(keeper.pid), '-m', '-n'],
    exec,
    networkctl: (...args) => exec(['networkctl', '--no-pager', ...args], { check: false }),
    adminState,
    async restartNetworkd() {
      await lab.stop(networkd);
      networkd = await startNetworkd();
    },
    async stop() {
      await lab.stop(networkd);
      await lab.stop(dbus);
      await lab.stop(keeper);
    },
  };
}
