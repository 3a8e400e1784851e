/**
 * A netplan + systemd-networkd host in the lab (the networkd machine) with the built CLI inside it,
 * and what the persist and undo tests look at: the IPv4 addresses of a link, networkd's admin
 * state, the default route. Shared by persist-networkd.test.ts and undo-networkd.test.ts.
 */
import { mkdtempSync } from 'node:fs';
import { join } from 'node:path';
import type { Lab, NetworkdMachine } from '../../../source/lab/index.js';
import { startNetworkdMachine } from '../../../source/lab/index.js';
import { waitFor } from '../../../source/lab/wait.js';
import { DIST_CLI } from './guardian-cli.js';
import { withLab } from './lab-state.js';

/** dhcp-identifier: mac, so the lease the host has and the one the bridge asks for share a client id. */
const NETPLAN =
  'network:\n  version: 2\n  ethernets:\n    ens18:\n      dhcp4: true\n      dhcp-identifier: mac\n';
export const BRIDGE = 'fcbr0';
const SETTLED = { attempts: 150, intervalMs: 100, timeoutMs: 15_000 };

export async function ipv4(lab: Lab, ifname: string): Promise<string[]> {
  const shown = await lab.exec(lab.ns.host, ['ip', '-j', '-4', 'addr', 'show', 'dev', ifname], {
    check: false,
  });
  if (shown.exitCode !== 0) return [];
  const [link] = JSON.parse(shown.stdout) as Array<{
    addr_info: Array<{ local: string; prefixlen: number }>;
  }>;
  return (link?.addr_info ?? []).map((info) => `${info.local}/${info.prefixlen}`);
}

export async function configured(lab: Lab, machine: NetworkdMachine, ifname: string): Promise<string[]> {
  return waitFor(`networkd to configure ${ifname}`, SETTLED, async (problem) => {
    const state = await machine.adminState(ifname);
    const addresses = await ipv4(lab, ifname);
    return state === 'configured' && addresses.length === 1 ? addresses : problem(`${state} ${addresses}`);
  });
}

export async function defaultVia(lab: Lab): Promise<string | null> {
  const shown = await lab.exec(lab.ns.host, ['ip', '-j', '-4', 'route', 'show', 'default']);
  const [route] = JSON.parse(shown.stdout) as Array<{ dev: string }>;
  return route?.dev ?? null;
}

/** A lab with the networkd machine owning ens18 from NETPLAN, and the CLI inside it. */
export async function withMachine(
  body: (context: {
    lab: Lab;
    root: string;
    stateDir: string;
    machine: { current: NetworkdMachine };
    /** The built CLI inside the machine; `pathFirst`: a directory put first on its PATH. */
    cli: (args: string[], pathFirst?: string) => ReturnType<NetworkdMachine['exec']>;
    before: string[];
  }) => Promise<void>,
): Promise<void> {
  await withLab({ host: { kind: 'dhcp' }, reservation: false }, async (lab) => {
    await lab.exec(lab.ns.host, ['ip', '-4', 'addr', 'flush', 'dev', 'ens18']);
    const root = mkdtempSync(join(lab.dir, 'root-'));
    const machine = {
      current: await startNetworkdMachine(lab, { root, netplan: { '50-lab.yaml': NETPLAN } }),
    };
    try {
      const before = await configured(lab, machine.current, 'ens18');
      const stateDir = join(lab.dir, 'state');
      const where = ['--state-dir', stateDir, '--root-dir', '/'];
      const cli = (args: string[], pathFirst?: string) => {
        const path = pathFirst
          ? [`PATH=${pathFirst}:${process.env.PATH ?? '/usr/sbin:/usr/bin:/sbin:/bin'}`]
          : [];
        return machine.current.exec(['env', ...path, process.execPath, DIST_CLI, ...args, ...where], {
          check: false,
          timeoutMs: 180_000,
        });
      };
      await body({ lab, root, stateDir, machine, cli, before });
    } finally {
      await machine.current.stop();
    }
  });
}
