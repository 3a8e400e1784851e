import { mkdtempSync, readdirSync, readFileSync, readlinkSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { activeExitHooks } from '../../source/lab/exit-hooks.js';
import { createLab } from '../../source/lab/lab.js';
import type { Lab } from '../../source/lab/types.js';
import {
  footprint,
  type LabFootprint,
  leftovers,
  listNamespaces,
  processesMentioning,
  withLab,
} from './helpers/lab-state.js';

// Real namespaces, real dnsmasq/udhcpc/socat: run as root with
//   npx vitest run --project lab test/lab/lab.test.ts

async function ipJson<T>(lab: Lab, ns: string, ...args: string[]): Promise<T> {
  return JSON.parse((await lab.exec(ns, ['ip', '-j', ...args])).stdout) as T;
}

interface JsonLink {
  ifname: string;
  mtu: number;
  address: string;
  master?: string;
  operstate: string;
}
interface JsonAddr {
  ifname: string;
  addr_info: { family: string; local: string; prefixlen: number; secondary?: boolean }[];
}
interface JsonRoute {
  dst: string;
  gateway?: string;
  dev: string;
  metric?: number;
  table?: string;
}
interface JsonRule {
  priority: number;
  src?: string;
  table: string;
}

function ipv4Of(addrs: JsonAddr[], ifname: string): string[] {
  const link = addrs.find((a) => a.ifname === ifname);
  return (link?.addr_info ?? []).filter((a) => a.family === 'inet').map((a) => `${a.local}/${a.prefixlen}`);
}

describe('DHCP lab', () => {
  test('the host gets its reservation from dnsmasq, and host, peer and router reach each other', async () => {
    await withLab({}, async (lab) => {
      expect(lab.hostAddress).toBe('198.51.100.240');
      const [uplink] = await ipJson<JsonLink[]>(lab, lab.ns.host, 'link', 'show', 'dev', 'ens18');
      expect(uplink?.address).toBe(lab.hostMac);
      expect(ipv4Of(await ipJson<JsonAddr[]>(lab, lab.ns.host, 'addr', 'show'), 'ens18')).toEqual([
        '198.51.100.240/24',
      ]);
      const routes = await ipJson<JsonRoute[]>(lab, lab.ns.host, '-4', 'route', 'show', 'default');
      expect(routes).toEqual([
        expect.objectContaining({ dst: 'default', gateway: '198.51.100.1', dev: 'ens18' }),
      ]);
      // The lease came from the router's dnsmasq (its lease file names the host's MAC), not from a fallback.
      expect(readFileSync(join(lab.dir, 'dnsmasq.leases'), 'utf8')).toContain(
        `${lab.hostMac} 198.51.100.240`,
      );

      const peerToHost = await lab.ping(lab.ns.peer, lab.hostAddress, 3, 1);
      expect(peerToHost).toMatchObject({ transmitted: 3, received: 3 });
      expect((await lab.ping(lab.ns.host, lab.gateway, 2, 1)).received).toBe(2);
      // The ping helper reports a failure as one: nothing answers on an unused address.
      expect((await lab.ping(lab.ns.host, '198.51.100.77', 1, 1)).ok).toBe(false);
    });
  });

  test('a long-running DHCP client can be left bound to the uplink', async () => {
    await withLab({ host: { kind: 'dhcp', keepClient: true, leaseLifetimes: true } }, async (lab) => {
      const client = lab.dhcpClient;
      expect(client).not.toBeNull();
      expect(client?.hasExited()).toBe(false);
      const cmdline = readFileSync(`/proc/${client?.pid}/cmdline`, 'utf8').split('\0');
      expect(cmdline.slice(0, 4)).toEqual(['udhcpc', '-f', '-i', 'ens18']);
      // It runs in the host namespace, not in this process's namespace.
      const clientNs = readlinkSync(`/proc/${client?.pid}/ns/net`);
      const hostNsProbe = await lab.spawn(lab.ns.host, ['sleep', '30']);
      expect(clientNs).toBe(readlinkSync(`/proc/${hostNsProbe.pid}/ns/net`));
      expect(clientNs).not.toBe(readlinkSync('/proc/self/ns/net'));
      const addrs = JSON.parse(
        (await lab.exec(lab.ns.host, ['ip', '-j', '-4', 'addr', 'show', 'dev', 'ens18'])).stdout,
      );
      const info = addrs[0].addr_info[0];
      expect(info.local).toBe('198.51.100.240');
      expect(info.dynamic).toBe(true);
      expect(info.valid_life_time).toBeLessThanOrEqual(3600);
    });
  });
});

describe('static lab', () => {
  test('secondary address, extra route, policy rule and MTU 9000 across the LAN', async () => {
    const host = {
      kind: 'static' as const,
      addresses: ['198.51.100.240/24', '198.51.100.241/24'],
      routes: [
        { to: '203.0.113.0/24', via: '198.51.100.1', metric: 50 },
        { to: '198.51.100.0/24', table: 100 },
        { to: 'default', via: '198.51.100.1', table: 100 },
      ],
      rules: [{ priority: 1000, from: '198.51.100.241', table: 100 }],
    };
    await withLab({ host, mtu: 9000 }, async (lab) => {
      expect(lab.hostAddress).toBe('198.51.100.240');
      const addrs = await ipJson<JsonAddr[]>(lab, lab.ns.host, 'addr', 'show');
      expect(ipv4Of(addrs, 'ens18')).toEqual(['198.51.100.240/24', '198.51.100.241/24']);
      const secondary = addrs
        .find((a) => a.ifname === 'ens18')
        ?.addr_info.find((a) => a.local === '198.51.100.241');
      expect(secondary?.secondary).toBe(true);

      const main = await ipJson<JsonRoute[]>(lab, lab.ns.host, '-4', 'route', 'show');
      expect(main).toContainEqual(
        expect.objectContaining({ dst: 'default', gateway: '198.51.100.1', dev: 'ens18' }),
      );
      expect(main).toContainEqual(
        expect.objectContaining({ dst: '203.0.113.0/24', gateway: '198.51.100.1', dev: 'ens18', metric: 50 }),
      );
      const table100 = await ipJson<JsonRoute[]>(lab, lab.ns.host, '-4', 'route', 'show', 'table', '100');
      expect(table100).toEqual([
        expect.objectContaining({ dst: 'default', gateway: '198.51.100.1', dev: 'ens18' }),
        expect.objectContaining({ dst: '198.51.100.0/24', dev: 'ens18' }),
      ]);
      const rules = await ipJson<JsonRule[]>(lab, lab.ns.host, '-4', 'rule', 'show');
      expect(rules).toContainEqual(
        expect.objectContaining({ priority: 1000, src: '198.51.100.241', table: '100' }),
      );

      const mtus = async (ns: string) =>
        Object.fromEntries((await ipJson<JsonLink[]>(lab, ns, 'link', 'show')).map((l) => [l.ifname, l.mtu]));
      expect((await mtus(lab.ns.host)).ens18).toBe(9000);
      const router = await mtus(lab.ns.router);
      expect([router.lan, router[lab.names.routerHostPort], router[lab.names.routerPeerPort]]).toEqual([
        9000, 9000, 9000,
      ]);
      // A jumbo frame that may not be fragmented crosses host → switch → peer intact.
      const jumbo = await lab.exec(lab.ns.host, [
        'ping',
        '-n',
        '-c',
        '1',
        '-W',
        '2',
        '-M',
        'do',
        '-s',
        '8972',
        lab.peerAddress,
      ]);
      expect(jumbo.stdout).toContain('1 received');
      expect((await lab.ping(lab.ns.peer, '198.51.100.241', 2, 1)).received).toBe(2);
    });
  });
});

describe('VM namespaces', () => {
  test('a VM whose host-side veth joins a bridge in the host namespace gets a lease from the router', async () => {
    await withLab({}, async (lab) => {
      const vm = await lab.addVm();
      expect(vm.ns).toBe(`${lab.prefix}-v1`);
      expect(vm.hostLink).toBe(`${lab.prefix}t1`);
      const [tap] = await ipJson<JsonLink[]>(lab, lab.ns.host, 'link', 'show', 'dev', vm.hostLink);
      expect(tap?.master).toBeUndefined();

      // Without a bridge the VM is cut off: the lease attempt fails (bounded) instead of hanging.
      await expect(vm.dhcp()).rejects.toThrow(/no DHCP lease/);

      const ip = (...args: string[]) => lab.exec(lab.ns.host, ['ip', ...args]);
      await ip('link', 'add', 'br0', 'type', 'bridge', 'stp_state', '0', 'forward_delay', '0');
      await ip('link', 'set', 'ens18', 'master', 'br0');
      await ip('link', 'set', vm.hostLink, 'master', 'br0');
      await ip('link', 'set', 'br0', 'up');

      const lease = await vm.dhcp();
      const last = Number(lease.address.split('.')[3]);
      expect(lease.address.startsWith('198.51.100.')).toBe(true);
      expect(last).toBeGreaterThanOrEqual(100);
      expect(last).toBeLessThanOrEqual(200);
      expect(lease.router).toBe('198.51.100.1');
      expect(ipv4Of(await ipJson<JsonAddr[]>(lab, vm.ns, 'addr', 'show'), 'eth0')).toEqual([
        `${lease.address}/24`,
      ]);
      expect((await lab.ping(vm.ns, lab.gateway, 2, 1)).received).toBe(2);
      expect((await lab.ping(lab.ns.peer, lease.address, 2, 1)).received).toBe(2);
    });
  });
});

describe('TCP session', () => {
  test('a connection opened before keeps echoing when nothing changes, and a cut path is reported', async () => {
    await withLab({}, async (lab) => {
      const session = await lab.openTcpSession();
      expect(await session.echo()).toEqual({ ok: true, detail: 'ok' });
      expect(await session.echo()).toEqual({ ok: true, detail: 'ok' });

      // Unplug the host from the switch: the same connection must now fail the check, bounded.
      const port = lab.names.routerHostPort;
      await lab.exec(lab.ns.router, ['ip', 'link', 'set', port, 'down']);
      expect(await session.echo(500)).toEqual({ ok: false, detail: 'timeout' });
      await lab.exec(lab.ns.router, ['ip', 'link', 'set', port, 'up']);
      // TCP retransmits the unanswered tokens on the same connection once the path is back.
      expect((await session.echo(8_000)).ok).toBe(true);

      // A connection that was reset is reported as broken, not as a timeout.
      await lab.stop(session.server);
      const afterReset = await session.echo(1_000);
      expect(afterReset.ok).toBe(false);
      expect(afterReset.detail).toMatch(/^broken/);
    });
  });
});

describe('teardown', () => {
  async function busyLab(): Promise<{ lab: Lab; print: LabFootprint }> {
    const lab = await createLab({ host: { kind: 'dhcp', keepClient: true } });
    await lab.addVm();
    await lab.openTcpSession();
    await lab.spawn(lab.ns.host, ['sleep', '300']);
    const print = footprint(lab);
    expect(print.namespaces).toHaveLength(4);
    expect(print.pids).toHaveLength(5);
    expect(leftovers(print)).toEqual({
      namespaces: print.namespaces,
      pids: print.pids,
      dir: true,
      etc: print.namespaces,
    });
    return { lab, print };
  }

  test('removes every namespace, process and file the lab made, and can run twice', async () => {
    const hooksBefore = activeExitHooks();
    const { lab, print } = await busyLab();
    expect(activeExitHooks()).toBe(hooksBefore + 1);
    const report = await lab.teardown();
    expect(report.problems).toEqual([]);
    expect(report.namespacesDeleted.sort()).toEqual([...print.namespaces].sort());
    expect(leftovers(print)).toEqual({ namespaces: [], pids: [], dir: false, etc: [] });
    expect(activeExitHooks()).toBe(hooksBefore);
    expect(await lab.teardown()).toBe(report);
    await expect(lab.exec(lab.ns.host, ['true'])).rejects.toThrow(/does not belong|torn down/);
  });

  test('also runs when the test body throws', async () => {
    let print: LabFootprint | null = null;
    await expect(
      withLab({ host: { kind: 'dhcp', keepClient: true } }, async (lab) => {
        await lab.openTcpSession();
        print = footprint(lab);
        throw new Error('the test failed half way');
      }),
    ).rejects.toThrow('the test failed half way');
    expect(print).not.toBeNull();
    const recorded = print as unknown as LabFootprint;
    expect(recorded.pids.length).toBeGreaterThanOrEqual(4);
    expect(leftovers(recorded)).toEqual({ namespaces: [], pids: [], dir: false, etc: [] });
  });

  test('a lab that fails while being built removes what it had made', async () => {
    const tempRoot = mkdtempSync(join(tmpdir(), 'bm-lab-test-'));
    try {
      const before = new Set(listNamespaces());
      // `ip addr add` refuses this address only after the namespaces exist and dnsmasq runs.
      const building = createLab({ tempRoot, host: { kind: 'static', addresses: ['not-an-address'] } });
      await expect(building).rejects.toThrow(/not-an-address/);
      expect(listNamespaces().filter((ns) => !before.has(ns))).toEqual([]);
      expect(readdirSync(tempRoot)).toEqual([]);
      expect(processesMentioning(tempRoot)).toEqual([]);
    } finally {
      rmSync(tempRoot, { recursive: true, force: true });
    }
  });
});
