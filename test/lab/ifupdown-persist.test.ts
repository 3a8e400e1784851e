/**
 * Persisting to ifupdown against the real ifup/ifdown (lab-recipes.md "ifupdown"), with the
 * machine's DHCP client as ifupdown picks it (dhclient when isc-dhcp-client is installed, else
 * udhcpc). The host namespace is a machine whose ens18 was brought up by `ifup -a -i
 * ROOT/etc/network/interfaces` (helpers/ifupdown-machine.ts). The runtime migration is made by
 * hand here, in the state the engine's steps leave (bridge with the uplink's MAC, STP off, the
 * port enslaved, address and default route moved, the uplink's client killed without release):
 * the persist transaction that calls the renderer is built elsewhere, so the renderer's validate,
 * the file write and handOver/handBack run directly, as that transaction calls them.
 *
 * Then the machine is rebooted: every process and device the migration made goes, and only the
 * written files bring it up again. Needs root; the lease is 2 minutes, so the address lifetime
 * the handover gives is seen against what the moved address had left.
 */
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, test } from 'vitest';
import { probeHost } from '../../source/host/probe.js';
import type { Lab } from '../../source/lab/index.js';
import { buildPlan } from '../../source/plan/build.js';
import { configFile } from '../../source/plan/persist/diff.js';
import type { Plan } from '../../source/plan/types.js';
import { silentLog } from '../../source/system/debug-log.js';
import { createExecRunner } from '../../source/system/exec-runner.js';
import { expectSuccess } from '../../source/system/runner.js';
import { ifupdownRenderer } from '../../source/txn/persist/ifupdown-renderer.js';
import type { PersistContext } from '../../source/txn/persist/persist-renderer.js';
import { namespaceFiles } from './helpers/engine-lab.js';
import {
  type IfupdownMachine,
  rebootHost,
  startIfupdownMachine,
  writeRoot,
} from './helpers/ifupdown-machine.js';
import { withLab } from './helpers/lab-state.js';

const INTERFACES = 'auto lo\niface lo inet loopback\n\nauto ens18\niface ens18 inet dhcp\n';
/**
 * No address from the lab's own client (the static one is flushed): ifupdown's client takes the
 * first lease, from a pool without a reservation, so only the client id keeps the address.
 */
const LAB = {
  host: { kind: 'static' as const, addresses: ['198.51.100.240/24'], gateway: null },
  leaseTime: '2m',
  reservation: false,
};
const LONG = 8 * 60_000;

interface Address {
  local: string;
  prefixlen: number;
  valid_life_time: number;
}

async function json<T>(machine: IfupdownMachine, argv: string[]): Promise<T> {
  return JSON.parse(expectSuccess(await machine.exec(argv)).stdout) as T;
}

async function ipv4(machine: IfupdownMachine, dev: string): Promise<Address[]> {
  const links = await json<Array<{ addr_info: Address[] }>>(machine, [
    'ip',
    '-j',
    '-4',
    'addr',
    'show',
    'dev',
    dev,
  ]);
  return links[0]?.addr_info ?? [];
}

async function link(machine: IfupdownMachine, dev: string) {
  const links = await json<
    Array<{
      address: string;
      master?: string;
      linkinfo?: { info_kind?: string; info_data?: { stp_state?: number; forward_delay?: number } };
    }>
  >(machine, ['ip', '-j', '-d', 'link', 'show', 'dev', dev]);
  return links[0];
}

async function defaultDev(machine: IfupdownMachine): Promise<string[]> {
  const routes = await json<Array<{ dev: string }>>(machine, ['ip', '-j', '-4', 'route', 'show', 'default']);
  return routes.map((route) => route.dev);
}

async function ifstate(machine: IfupdownMachine): Promise<string[]> {
  return (await machine.exec(['ifquery', '--state', '-i', machine.interfaces])).stdout
    .trim()
    .split('\n')
    .sort();
}

/** The client id dnsmasq recorded for `address` (the lease file's 5th field). */
function clientIdOf(lab: Lab, address: string): string | undefined {
  const line = readFileSync(join(lab.dir, 'dnsmasq.leases'), 'utf8')
    .split('\n')
    .find((row) => row.split(' ')[2] === address);
  return line?.split(' ')[4];
}

/** ifupdown's client on `dev`, as its pid file names it: [program, argv]. */
async function ifupdownClient(machine: IfupdownMachine, dev: string): Promise<string[] | null> {
  for (const program of ['dhclient', 'udhcpc']) {
    const pid = await machine.exec(['cat', `/run/${program}.${dev}.pid`]);
    if (pid.exitCode !== 0) continue;
    const cmdline = await machine.exec(['cat', `/proc/${pid.stdout.trim()}/cmdline`]);
    // A killed client may stay a zombie (this machine's PID 1 need not reap): no argv, no client.
    const argv = cmdline.stdout.split('\0').filter(Boolean);
    if (cmdline.exitCode === 0 && argv.length > 0) return argv;
  }
  return null;
}

/** The runtime migration as the engine's steps leave it; returns the uplink client's argv it killed. */
async function cutOver(machine: IfupdownMachine, lab: Lab): Promise<string[]> {
  const [address] = await ipv4(machine, 'ens18');
  if (!address) throw new Error('ens18 has no IPv4 address to move');
  const lifetime = address.valid_life_time >= 0xffffffff ? 'forever' : String(address.valid_life_time);
  const client = await ifupdownClient(machine, 'ens18');
  if (!client) throw new Error('no DHCP client of ifupdown on ens18');
  const run = async (argv: string[], input?: string) =>
    expectSuccess(await machine.runner.run(argv, input === undefined ? {} : { input }));
  await run(`ip link add fcbr0 address ${lab.hostMac} type bridge stp_state 0 forward_delay 0`.split(' '));
  await run(['ip', 'link', 'set', 'fcbr0', 'up']);
  const cidr = `${address.local}/${address.prefixlen}`;
  await run(
    ['ip', '-batch', '-'],
    [
      'link set ens18 master fcbr0',
      `addr add ${cidr} dev fcbr0 valid_lft ${lifetime} preferred_lft ${lifetime}`,
      `route replace default via ${lab.gateway} dev fcbr0`,
      `addr del ${cidr} dev ens18`,
      '',
    ].join('\n'),
  );
  for (const program of ['dhclient', 'udhcpc']) {
    const pid = await machine.exec(['cat', `/run/${program}.ens18.pid`]);
    if (pid.exitCode === 0) await run(['kill', '-KILL', pid.stdout.trim()]);
  }
  return client;
}

/** The runtime revert as the engine's inverses run it: address back, bridge gone, the old client again. */
async function revertByHand(machine: IfupdownMachine, lab: Lab, client: string[]): Promise<void> {
  const [address] = await ipv4(machine, 'fcbr0');
  if (!address) throw new Error('fcbr0 has no IPv4 address to move back');
  const cidr = `${address.local}/${address.prefixlen}`;
  expectSuccess(
    await machine.runner.run(['ip', '-batch', '-'], {
      input: [
        `addr add ${cidr} dev ens18`,
        `route replace default via ${lab.gateway} dev ens18`,
        'link set ens18 nomaster',
        `addr del ${cidr} dev fcbr0`,
        'link del fcbr0',
        '',
      ].join('\n'),
    }),
  );
  expectSuccess(await machine.runner.run(client, { timeoutMs: 70_000 }));
}

async function withMachine(body: (lab: Lab, machine: IfupdownMachine, root: string) => Promise<void>) {
  const root = mkdtempSync(join(tmpdir(), 'bm-ifupdown-root-'));
  try {
    await withLab(LAB, async (lab) => {
      expectSuccess(await lab.exec(lab.ns.host, ['ip', 'addr', 'flush', 'dev', lab.uplink]));
      writeRoot(root, INTERFACES);
      const machine = await startIfupdownMachine(lab, root);
      expectSuccess(await machine.boot());
      await body(lab, machine, root);
    });
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}

function persistContext(machine: IfupdownMachine, root: string, notes: string[]): PersistContext {
  const stateDir = join(root, 'state');
  rmSync(stateDir, { recursive: true, force: true });
  mkdirSync(stateDir, { mode: 0o700 });
  return { runner: machine.runner, rootDir: root, stateDir, note: (text) => notes.push(text) };
}

async function planFor(lab: Lab, machine: IfupdownMachine, root: string): Promise<Plan> {
  const snapshot = await probeHost({
    runner: machine.runner,
    files: namespaceFiles(lab.ns.host),
    env: { uid: 0, sshConnection: null, rootDir: root },
  });
  const plan = buildPlan(snapshot, { nic: 'ens18', bridge: 'fcbr0', timeoutSec: 120, persist: 'ifupdown' });
  expect(plan.persistWith).toBe('ifupdown');
  return plan;
}

/**
 * The renderer's part of persisting, as the transaction calls it: validate, the files written in
 * place (the transaction's backup and atomic write are not what is tested here), handOver.
 */
async function persistAndHandOver(machine: IfupdownMachine, root: string, plan: Plan) {
  const notes: string[] = [];
  const context = persistContext(machine, root, notes);
  expect(await ifupdownRenderer.validate(context, plan.config)).toBeNull();
  for (const file of plan.config) writeFileSync(join(root, file.path), file.after ?? '');
  expect(await ifupdownRenderer.handOver(context, plan), notes.join('\n')).toBeNull();
  return { context, notes };
}

describe.concurrent('ifupdown persist (real ifup, reboot)', () => {
  test(
    'hands the bridge to ifupdown with the same lease, and a reboot from the written file comes up bridged',
    async () => {
      await withMachine(async (lab, machine, root) => {
        const [booted] = await ipv4(machine, 'ens18');
        const address = booted?.local as string;
        expect(address).toMatch(/^198\.51\.100\./);
        const clientId = clientIdOf(lab, address);
        const plan = await planFor(lab, machine, root);
        await cutOver(machine, lab);
        const session = await lab.openTcpSession({ serverAddress: address });
        // Let the moved address's lifetime run down, so the handover's renewal of it shows.
        await sleep(10_000);
        await persistAndHandOver(machine, root, plan);

        expect(await ifstate(machine)).toEqual(['ens18=ens18', 'fcbr0=fcbr0', 'lo=lo']);
        const [owned] = await ipv4(machine, 'fcbr0');
        expect(owned?.local).toBe(address);
        expect(owned?.valid_life_time).toBeGreaterThan(115);
        expect(await defaultDev(machine)).toEqual(['fcbr0']);
        expect(clientIdOf(lab, address)).toBe(clientId);
        expect((await ifupdownClient(machine, 'fcbr0'))?.at(-1)).toBe('fcbr0');
        expect((await session.echo(5_000)).detail).toBe('ok');
        await session.close();

        await rebootHost(lab, machine);
        const booted2 = await startIfupdownMachine(lab, root);
        expectSuccess(await booted2.boot());
        const bridge = await link(booted2, 'fcbr0');
        expect(bridge?.address).toBe(lab.hostMac);
        expect(bridge?.linkinfo?.info_kind).toBe('bridge');
        expect(bridge?.linkinfo?.info_data?.stp_state).toBe(0);
        expect(bridge?.linkinfo?.info_data?.forward_delay).toBe(0);
        expect((await link(booted2, 'ens18'))?.master).toBe('fcbr0');
        expect((await ipv4(booted2, 'fcbr0')).map((entry) => entry.local)).toEqual([address]);
        expect(await ipv4(booted2, 'ens18')).toEqual([]);
        expect(await defaultDev(booted2)).toEqual(['fcbr0']);
        expect(clientIdOf(lab, address)).toBe(clientId);

        const vm = await lab.addVm();
        expectSuccess(await booted2.exec(['ip', 'link', 'set', vm.hostLink, 'master', 'fcbr0']));
        const lease = await vm.dhcp();
        expect(lease.address).toMatch(/^198\.51\.100\./);
        expect(lease.address).not.toBe(address);
        expect(lease.router).toBe(lab.gateway);
      });
    },
    LONG,
  );

  test(
    'undo: files restored, handBack and the runtime revert give ens18 back to ifupdown, and a reboot comes up as before',
    async () => {
      await withMachine(async (lab, machine, root) => {
        const [booted] = await ipv4(machine, 'ens18');
        const address = booted?.local as string;
        const plan = await planFor(lab, machine, root);
        const client = await cutOver(machine, lab);
        const { context, notes } = await persistAndHandOver(machine, root, plan);

        writeFileSync(join(root, 'etc/network/interfaces'), INTERFACES);
        expect(await ifupdownRenderer.handBack(context, plan), notes.join('\n')).toBeNull();
        expect(await ifupdownClient(machine, 'fcbr0')).toBeNull();
        await revertByHand(machine, lab, client);
        expect(await ifstate(machine)).toEqual(['ens18=ens18', 'lo=lo']);
        expect((await ipv4(machine, 'ens18')).map((entry) => entry.local)).toEqual([address]);

        await rebootHost(lab, machine);
        const booted2 = await startIfupdownMachine(lab, root);
        expectSuccess(await booted2.boot());
        expect(await ifstate(booted2)).toEqual(['ens18=ens18', 'lo=lo']);
        expect((await booted2.exec(['ip', 'link', 'show', 'dev', 'fcbr0'])).exitCode).not.toBe(0);
        expect((await link(booted2, 'ens18'))?.master).toBeUndefined();
        expect((await ipv4(booted2, 'ens18')).map((entry) => entry.local)).toEqual([address]);
        expect(await defaultDev(booted2)).toEqual(['ens18']);
      });
    },
    LONG,
  );
});

describe('ifupdown validate (ifup --no-act, no lab needed)', () => {
  test('refuses a broken file with the reason ifup gives, and leaves the files and the state dir as they were', async () => {
    const root = mkdtempSync(join(tmpdir(), 'bm-ifupdown-check-'));
    try {
      writeRoot(root, INTERFACES);
      const stateDir = join(root, 'state');
      mkdirSync(stateDir, { mode: 0o700 });
      const context: PersistContext = {
        runner: createExecRunner(silentLog),
        rootDir: root,
        stateDir,
        note: () => {},
      };
      const broken = configFile(
        '/etc/network/interfaces',
        'ifupdown',
        INTERFACES,
        `${INTERFACES}\nauto fcbr0\niface fcbr0 inet dhpc\n    bridge_ports ens18\n`,
        'test',
      );
      expect(await ifupdownRenderer.validate(context, [broken])).toBe(
        'ifup --no-act refused the new /etc/network/interfaces: ifup: /etc/network/interfaces:8: unknown or no method and no inherits keyword specified.',
      );
      const fine = configFile('/etc/network/interfaces', 'ifupdown', INTERFACES, INTERFACES, 'test');
      expect(await ifupdownRenderer.validate(context, [fine])).toBeNull();
      expect(readFileSync(join(root, 'etc/network/interfaces'), 'utf8')).toBe(INTERFACES);
      expect(readdirSync(stateDir)).toEqual([]);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });
});
