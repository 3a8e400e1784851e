/**
 * The engine against real kernels: apply a plan to a lab host namespace, check the host the way an
 * operator would (addresses, routes, the gateway, a TCP session opened before, a VM's lease), then
 * revert it from a second engine instance (as `rollback` in a new process would) and compare the
 * namespace with its pre-state as `ip -j` prints it. See helpers/engine-lab.ts for how the engine
 * in this process acts inside the namespace. Needs root and `npm run build` (the DNS check runs
 * the built dns-query module inside the namespace).
 */
import { readFileSync, readlinkSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import type { Lab } from '../../source/lab/types.js';
import { waitFor } from '../../source/lab/wait.js';
import {
  comparable,
  namespaceIdentity,
  startLabDns,
  stopRestartedClients,
  withLabEngine,
} from './helpers/engine-lab.js';
import { processesMentioning, withLab } from './helpers/lab-state.js';

interface JsonLink {
  ifname: string;
  address: string;
  mtu: number;
  master?: string;
  flags: string[];
}
interface JsonAddr {
  ifname: string;
  addr_info: Array<{ family: string; local: string; prefixlen: number; secondary?: boolean }>;
}
interface JsonRoute {
  dst: string;
  gateway?: string;
  dev: string;
  metric?: number;
}

async function ipJson<T>(lab: Lab, ...args: string[]): Promise<T> {
  return JSON.parse((await lab.exec(lab.ns.host, ['ip', '-j', ...args])).stdout) as T;
}

async function ipv4(lab: Lab, ifname: string): Promise<string[]> {
  const [link] = await ipJson<JsonAddr[]>(lab, '-4', 'addr', 'show', 'dev', ifname);
  return (link?.addr_info ?? []).map(
    (info) => `${info.local}/${info.prefixlen}${info.secondary ? ' secondary' : ''}`,
  );
}

async function link(lab: Lab, ifname: string): Promise<JsonLink | undefined> {
  return (await ipJson<JsonLink[]>(lab, 'link', 'show', 'dev', ifname))[0];
}

describe('apply and revert on a DHCP host', () => {
  test('the bridge takes the MAC, the lease and the default route; sessions, DNS and a VM work; revert restores it', async () => {
    await withLab({ host: { kind: 'dhcp', keepClient: true, leaseLifetimes: true } }, async (lab) => {
      try {
        await startLabDns(lab);
        const vm = await lab.addVm();
        await lab.settle(lab.ns.host);
        await withLabEngine(lab, { resolvConf: `nameserver ${lab.gateway}\n` }, async (setup) => {
          const session = await lab.openTcpSession();
          expect(await session.echo()).toEqual({ ok: true, detail: 'ok' });
          const before = await lab.snapshot(lab.ns.host);
          const snapshot = await setup.probe();
          const plan = setup.plan(snapshot);
          expect(plan.blocked).toBe(false);
          expect(plan.steps.map((step) => step.id)).toEqual([
            'stage-bridge',
            'stop-dhcp',
            'keep-lease',
            'cutover',
          ]);
          const client = lab.dhcpClient;
          expect(client?.hasExited()).toBe(false);

          const leaseRecord = join(lab.dir, `${lab.ns.host}.ens18.lease`);
          const recordApplied = statSync(leaseRecord).mtimeMs;
          const applyStarted = performance.now();
          const outcome = await setup.engine.start({ plan, preState: snapshot, timeoutSec: 120 });
          const applyMs = performance.now() - applyStarted;
          expect(outcome.kind).toBe('pending');
          if (outcome.kind !== 'pending') return;
          // Every check passed before the change, and passes again through the bridge.
          expect(outcome.checks.map((check) => [check.id, check.via, check.ok])).toEqual([
            ['gateway-arp', 'fcbr0', true],
            ['gateway-icmp', 'fcbr0', true],
            ['peer-icmp', 'fcbr0', true],
            ['dns', 'fcbr0', true],
          ]);
          const journal = await setup.journal.load(setup.stateDir);
          expect(journal?.phase).toBe('applied');
          expect(journal?.baseline?.map((check) => [check.id, check.via, check.ok])).toEqual([
            ['gateway-arp', 'ens18', true],
            ['gateway-icmp', 'ens18', true],
            ['peer-icmp', 'ens18', true],
            ['dns', 'ens18', true],
          ]);
          expect(journal?.applied.map((step) => [step.stepId, step.ok])).toEqual([
            ['stage-bridge', true],
            ['stop-dhcp', true],
            ['keep-lease', true],
            ['cutover', true],
          ]);

          const bridge = await link(lab, 'fcbr0');
          expect(bridge?.address).toBe(lab.hostMac);
          expect(bridge?.flags).toContain('UP');
          expect((await link(lab, 'ens18'))?.master).toBe('fcbr0');
          expect(await ipv4(lab, 'fcbr0')).toEqual([`${lab.hostAddress}/24`]);
          expect(await ipv4(lab, 'ens18')).toEqual([]);
          expect(await ipJson<JsonRoute[]>(lab, '-4', 'route', 'show', 'default')).toEqual([
            expect.objectContaining({ dst: 'default', gateway: lab.gateway, dev: 'fcbr0' }),
          ]);
          expect((await lab.ping(lab.ns.host, lab.gateway, 2, 1)).received).toBe(2);
          // The DHCP client was stopped (without a release: the lease file still names the host).
          await waitFor('udhcpc to exit', { attempts: 30, intervalMs: 100, timeoutMs: 3_000 }, () =>
            client?.hasExited() ? true : undefined,
          );
          expect(readFileSync(join(lab.dir, 'dnsmasq.leases'), 'utf8')).toContain(
            `${lab.hostMac} ${lab.hostAddress}`,
          );
          expect(await session.echo()).toEqual({ ok: true, detail: 'ok' });
          // The same udhcpc runs on the bridge (keep-lease) and binds the same lease there.
          await waitFor(
            "the bridge's udhcpc to bind",
            { attempts: 100, intervalMs: 100, timeoutMs: 10_000 },
            () => (statSync(leaseRecord).mtimeMs > recordApplied ? true : undefined),
          );
          expect(await ipv4(lab, 'fcbr0')).toEqual([`${lab.hostAddress}/24`]);

          // A VM whose host-side veth joins the bridge gets a lease from the LAN's router.
          await lab.exec(lab.ns.host, ['ip', 'link', 'set', vm.hostLink, 'master', 'fcbr0']);
          const lease = await vm.dhcp();
          expect(lease.router).toBe(lab.gateway);
          expect(Number(lease.address.split('.')[3])).toBeGreaterThanOrEqual(100);
          expect((await lab.ping(lab.ns.peer, lease.address, 2, 1)).received).toBe(2);

          const recordBefore = statSync(leaseRecord).mtimeMs;
          const revertStarted = performance.now();
          const revert = await setup.another().revert('operator');
          const revertMs = performance.now() - revertStarted;
          expect(revert).toMatchObject({
            kind: 'reverted',
            reason: 'operator',
            differences: [],
            manualCommands: [],
          });
          expect(revert.steps.map((step) => [step.stepId, step.state])).toEqual([
            ['cutover', 'reverted'],
            ['keep-lease', 'reverted'],
            ['stop-dhcp', 'reverted'],
            ['stage-bridge', 'reverted'],
          ]);
          expect(revert.checks.every((check) => check.ok && check.via === 'ens18')).toBe(true);
          // The DHCP client runs again, by the program the kernel ran for it (busybox, as its udhcpc
          // applet) with its own arguments, as root in the host namespace; wait until it
          // has re-applied its lease (its script writes the record), then compare.
          await waitFor(
            'the restarted udhcpc to bind',
            { attempts: 100, intervalMs: 100, timeoutMs: 10_000 },
            () => (statSync(leaseRecord).mtimeMs > recordBefore ? true : undefined),
          );
          expect(comparable(await lab.snapshot(lab.ns.host))).toEqual(comparable(before));
          expect(await session.echo()).toEqual({ ok: true, detail: 'ok' });
          const owned = new Set(lab.processes().map((process) => process.pid));
          const restarted = processesMentioning(lab.dir).filter((pid) => !owned.has(pid));
          expect(restarted).toHaveLength(1);
          const seen = snapshot.dhcpClients.find((candidate) => candidate.pid === client?.pid);
          expect(seen).toMatchObject({ uid: 0, euid: 0, exe: expect.stringMatching(/\/busybox$/) });
          const [name, ...args] = client?.argv ?? [];
          expect(name).toBe('udhcpc');
          expect(readFileSync(`/proc/${restarted[0]}/cmdline`, 'utf8').split('\0').slice(0, -1)).toEqual([
            seen?.exe,
            'udhcpc',
            ...args,
          ]);
          expect(readlinkSync(`/proc/${restarted[0]}/exe`)).toBe(seen?.exe);
          expect(readFileSync(`/proc/${restarted[0]}/status`, 'utf8')).toMatch(/^Uid:\t0\t0\t/m);
          expect(readlinkSync(`/proc/${restarted[0]}/ns/net`)).toBe(namespaceIdentity(lab.ns.host));
          expect((await setup.journal.load(setup.stateDir))?.outcome).toMatchObject({
            kind: 'reverted',
            reason: 'operator',
          });
          const cutover = journal?.applied.find((step) => step.stepId === 'cutover');
          const cutoverMs = (cutover?.finishedAt ?? 0) - (cutover?.startedAt ?? 0);
          console.log(
            `DHCP host: apply ${applyMs.toFixed(0)} ms (cutover step, verified: ${cutoverMs} ms), revert ${revertMs.toFixed(0)} ms`,
          );
        });
      } finally {
        // The client the revert restarted is not the lab's: it is found by the lab dir in its argv.
        await stopRestartedClients(lab);
      }
    });
  });
});

describe('apply and revert on a static host', () => {
  test('secondary address, extra routes, a rule naming the uplink and MTU 9000 all move and come back', async () => {
    const host = {
      kind: 'static' as const,
      addresses: ['198.51.100.240/24', '198.51.100.241/24'],
      routes: [
        { to: '203.0.113.0/24', via: '198.51.100.1', metric: 50 },
        { to: '198.51.100.0/24', table: 100 },
        { to: 'default', via: '198.51.100.1', table: 100 },
      ],
      rules: [
        { priority: 1000, from: '198.51.100.241', table: 100 },
        { priority: 1100, iif: 'ens18', table: 100 },
      ],
    };
    await withLab({ host, mtu: 9000 }, async (lab) => {
      await withLabEngine(lab, {}, async (setup) => {
        const session = await lab.openTcpSession();
        const before = await lab.snapshot(lab.ns.host);
        const snapshot = await setup.probe();
        const plan = setup.plan(snapshot);
        expect(plan.steps.map((step) => step.id)).toEqual(['stage-bridge', 'cutover']);

        const outcome = await setup.engine.start({ plan, preState: snapshot, timeoutSec: 120 });
        expect(outcome).toMatchObject({ kind: 'pending' });
        expect((await link(lab, 'fcbr0'))?.mtu).toBe(9000);
        expect(await ipv4(lab, 'fcbr0')).toEqual(['198.51.100.240/24', '198.51.100.241/24 secondary']);
        expect(await ipv4(lab, 'ens18')).toEqual([]);
        const main = await ipJson<JsonRoute[]>(lab, '-4', 'route', 'show');
        expect(main).toContainEqual(
          expect.objectContaining({
            dst: '203.0.113.0/24',
            gateway: '198.51.100.1',
            dev: 'fcbr0',
            metric: 50,
          }),
        );
        const table100 = await ipJson<JsonRoute[]>(lab, '-4', 'route', 'show', 'table', '100');
        expect(table100.map((route) => [route.dst, route.dev])).toEqual([
          ['default', 'fcbr0'],
          ['198.51.100.0/24', 'fcbr0'],
        ]);
        const rules = await ipJson<Array<{ priority: number; iif?: string; src?: string }>>(
          lab,
          '-4',
          'rule',
          'show',
        );
        expect(rules).toContainEqual(expect.objectContaining({ priority: 1100, iif: 'fcbr0' }));
        expect(rules).toContainEqual(expect.objectContaining({ priority: 1000, src: '198.51.100.241' }));
        // A jumbo frame that may not be fragmented crosses the bridge and the LAN intact.
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
        expect(await session.echo()).toEqual({ ok: true, detail: 'ok' });

        const revert = await setup.another().revert('operator');
        expect(revert).toMatchObject({ kind: 'reverted', differences: [], manualCommands: [] });
        expect(comparable(await lab.snapshot(lab.ns.host))).toEqual(comparable(before));
        expect(await session.echo()).toEqual({ ok: true, detail: 'ok' });
      });
    });
  });
});
