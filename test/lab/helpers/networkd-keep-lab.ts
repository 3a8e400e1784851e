/**
 * A networkd host migrated by the built CLI, for the keep-lease lab tests: a lab with 2-minute
 * leases and NO reservation for the host (dnsmasq then binds the lease to the client id networkd
 * sends: DUID+IAID by default), a networkd machine configuring ens18 from netplan (`dhcp4: true`),
 * and `apply` run inside the machine with `--root-dir /` and a state directory under the lab dir.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'vitest';
import type { Lab, NetworkdMachine, TcpSession } from '../../../source/lab/index.js';
import { startNetworkdMachine } from '../../../source/lab/index.js';
import { sleep, waitFor } from '../../../source/lab/wait.js';
import { type CliRun, requireBuiltCli, runCliAfter } from './guardian-cli.js';

export const KEEP_LEASE_LAB = { host: { kind: 'dhcp' }, reservation: false, leaseTime: '2m' } as const;
const NETPLAN = 'network:\n  version: 2\n  ethernets:\n    ens18:\n      dhcp4: true\n';
const CONFIGURED = { attempts: 200, intervalMs: 100, timeoutMs: 20_000 };
/** Two 2-minute lease periods and a margin; sampled every 5 s. */
export const TWO_LEASES_MS = 250_000;

export interface DnsmasqLease {
  expiry: number;
  mac: string;
  address: string;
  clientId: string;
}

export interface MigratedHost {
  machine: NetworkdMachine;
  stateDir: string;
  /** The address networkd leased on ens18 before the migration. */
  address: string;
  /** dnsmasq's lease for it before the migration. */
  lease: DnsmasqLease;
  session: TcpSession;
  cli(...args: string[]): Promise<CliRun>;
}

export function dnsmasqLeases(lab: Lab): DnsmasqLease[] {
  return readFileSync(join(lab.dir, 'dnsmasq.leases'), 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((line) => {
      const [expiry, mac, address, , clientId] = line.split(' ');
      return { expiry: Number(expiry), mac: mac ?? '', address: address ?? '', clientId: clientId ?? '' };
    });
}

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

export async function masterOf(lab: Lab, ifname: string): Promise<string | null> {
  const shown = await lab.exec(lab.ns.host, ['ip', '-j', 'link', 'show', 'dev', ifname], { check: false });
  if (shown.exitCode !== 0) return null;
  const [link] = JSON.parse(shown.stdout) as Array<{ master?: string }>;
  return link?.master ?? null;
}

export async function defaultRouteDevs(lab: Lab): Promise<string[]> {
  const shown = await lab.exec(lab.ns.host, ['ip', '-j', '-4', 'route', 'show', 'default']);
  return (JSON.parse(shown.stdout) as Array<{ dev: string }>).map((route) => route.dev);
}

/** networkd configures `ifname` (ADMIN_STATE) and it carries exactly `address`/24. */
export async function waitConfigured(lab: Lab, machine: NetworkdMachine, ifname: string, address: string) {
  try {
    await waitFor(`networkd to configure ${ifname} with ${address}`, CONFIGURED, async (problem) => {
      const state = await machine.adminState(ifname);
      const addresses = await ipv4(lab, ifname);
      return state === 'configured' && addresses.join() === `${address}/24`
        ? true
        : problem(`ADMIN_STATE=${state}, addresses ${addresses}`);
    });
  } catch (error) {
    const status = await machine.networkctl('status', '-n', '30', ifname);
    const log = lab
      .processes()
      .filter((p) => p.label === 'networkd')
      .map((p) => p.readLog())
      .join('\n');
    throw new Error(`${(error as Error).message}\n${status.stdout}\nnetworkd:\n${log}`);
  }
}

/** Starts the machine, lets networkd lease ens18, opens the peer's session and applies (pending). */
export async function migrateNetworkdHost(lab: Lab): Promise<MigratedHost> {
  requireBuiltCli();
  // The lab's one-shot client configured ens18 (client id 01+MAC); this host's only config is networkd's.
  await lab.exec(lab.ns.host, ['ip', '-4', 'addr', 'flush', 'dev', 'ens18']);
  const machine = await startNetworkdMachine(lab, {
    root: join(lab.dir, 'root'),
    netplan: { '50-lab.yaml': NETPLAN },
  });
  const address = await waitFor('networkd to lease ens18', CONFIGURED, async (problem) => {
    const [cidr] = await ipv4(lab, 'ens18');
    return (await machine.adminState('ens18')) === 'configured' && cidr
      ? cidr.split('/')[0]
      : problem('no lease');
  });
  if (!address) throw new Error('no address');
  const lease = dnsmasqLeases(lab).find((entry) => entry.address === address);
  // networkd's own identity: RFC 4361 ff+IAID+DUID, not the MAC's 01+MAC.
  expect(lease?.clientId).toMatch(/^ff:/);
  if (!lease) throw new Error('no dnsmasq lease');
  const session = await lab.openTcpSession({ serverAddress: address });
  const stateDir = join(lab.dir, 'state');
  const env = { SSH_CONNECTION: '' };
  const cli = (...args: string[]) =>
    runCliAfter(machine.prefix, [...args, '--root-dir', '/', '--state-dir', stateDir], {
      env,
      timeoutMs: 90_000,
    });
  const applied = await cli('apply', '--yes', '--nic', 'ens18', '--persist', 'none', '--timeout', '600');
  expect(applied.code, `${applied.stdout}\n${applied.stderr}`).toBe(0);
  expect(applied.stdout + applied.stderr).toMatch(/systemd-networkd renews ens18's lease on fcbr0/);
  return { machine, stateDir, address, lease, session, cli };
}

/**
 * Samples every 5 s for two lease periods: `ifname` keeps `address` and the default route the whole
 * time, and dnsmasq's lease for it keeps the client id and is renewed (its expiry moves on) at
 * least twice. Returns the expiries seen.
 */
export async function expectRenewedTwice(
  lab: Lab,
  host: Pick<MigratedHost, 'address' | 'lease' | 'session'>,
  ifname: string,
): Promise<number[]> {
  const expiries = new Set<number>([host.lease.expiry]);
  const until = Date.now() + TWO_LEASES_MS;
  while (Date.now() < until) {
    expect(await ipv4(lab, ifname)).toEqual([`${host.address}/24`]);
    expect(await defaultRouteDevs(lab)).toEqual([ifname]);
    const leases = dnsmasqLeases(lab).filter((entry) => entry.clientId === host.lease.clientId);
    expect(leases.map((entry) => entry.address)).toEqual([host.address]);
    for (const entry of leases) expiries.add(entry.expiry);
    await sleep(5_000);
  }
  expect(await host.session.echo()).toEqual({ ok: true, detail: 'ok' });
  const seen = [...expiries].sort();
  // The first expiry is the lease before; two later ones are two renewals.
  expect(seen.length, `expiries ${seen}`).toBeGreaterThanOrEqual(3);
  return seen;
}
