/**
 * The lab's networkd "machine" (source/lab/networkd-machine.ts) and `lab.rebootHost()`: networkd
 * with its own system bus configures ens18 from a netplan file in a scratch root, `networkctl`
 * answers inside the machine, and after a power cycle (machine stopped, host namespace recreated
 * with the same MAC) a new machine from the same root configures it again with the same address.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import type { Lab, NetworkdMachine } from '../../source/lab/index.js';
import { startNetworkdMachine } from '../../source/lab/index.js';
import { waitFor } from '../../source/lab/wait.js';
import { withLab } from './helpers/lab-state.js';

const NETPLAN =
  'network:\n  version: 2\n  ethernets:\n    ens18:\n      dhcp4: true\n      dhcp-identifier: mac\n';
const CONFIGURED = { attempts: 150, intervalMs: 100, timeoutMs: 15_000 };

async function ipv4(lab: Lab, ifname: string): Promise<string[]> {
  const shown = await lab.exec(lab.ns.host, ['ip', '-j', '-4', 'addr', 'show', 'dev', ifname]);
  const [link] = JSON.parse(shown.stdout) as Array<{
    addr_info: Array<{ local: string; prefixlen: number }>;
  }>;
  return (link?.addr_info ?? []).map((info) => `${info.local}/${info.prefixlen}`);
}

async function configured(lab: Lab, machine: NetworkdMachine): Promise<string[]> {
  return waitFor('networkd to configure ens18', CONFIGURED, async (problem) => {
    const state = await machine.adminState('ens18');
    const addresses = await ipv4(lab, 'ens18');
    return state === 'configured' && addresses.length === 1 ? addresses : problem(`${state} ${addresses}`);
  });
}

describe('the lab networkd machine', () => {
  test('networkd owns ens18 from netplan, networkctl answers, and a reboot comes back the same', async () => {
    await withLab({ host: { kind: 'dhcp' }, reservation: false }, async (lab) => {
      const root = mkdtempSync(join(lab.dir, 'root-'));
      try {
        // The lab's one-shot client configured ens18; this host's only config is networkd's.
        await lab.exec(lab.ns.host, ['ip', '-4', 'addr', 'flush', 'dev', 'ens18']);
        let machine = await startNetworkdMachine(lab, { root, netplan: { '50-lab.yaml': NETPLAN } });
        const before = await configured(lab, machine);
        expect(before[0]).toMatch(/^198\.51\.100\.\d+\/24$/);
        const status = await machine.networkctl('status', 'ens18');
        expect(status.stdout).toMatch(/State: routable \(configured\)/);

        await machine.stop();
        await lab.rebootHost();
        expect(await ipv4(lab, 'ens18')).toEqual([]);
        machine = await startNetworkdMachine(lab, { root });
        expect(await configured(lab, machine)).toEqual(before);
        await machine.stop();
      } finally {
        rmSync(root, { recursive: true, force: true });
      }
    });
  }, 90_000);
});
