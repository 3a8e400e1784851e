/**
 * Watching a DHCP lease in real time: the address on an interface and its valid lifetime (which a
 * client's bound/renew event sets back to the lease time), and the router's dnsmasq lease file
 * (expiry, MAC, address, client id). A 2-minute lease is renewed at half time, so two lease
 * periods show at least three renewals when a client keeps it, and the address gone when none does.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'vitest';
import type { TcpSession } from '../../../source/lab/tcp-echo.js';
import type { Lab, LabOptions } from '../../../source/lab/types.js';
import type { Plan, PlanRequest } from '../../../source/plan/types.js';
import { type LabEngine, REQUEST, stopRestartedClients, withLabEngine } from './engine-lab.js';
import { withLab } from './lab-state.js';

/** A DHCP host whose udhcpc stays on ens18, on dnsmasq's shortest lease and no reservation. */
export const SHORT_LEASE_LAB: LabOptions = {
  host: { kind: 'dhcp', keepClient: true, leaseLifetimes: true },
  leaseTime: '2m',
  reservation: false,
};
/** Two 2-minute lease periods and a margin. */
export const TWO_LEASES_MS = 270_000;

/**
 * Probes the lab host, plans (it must not be blocked) and applies through the engine; returns the
 * plan and the argv of the DHCP client its keep-lease step starts on the bridge.
 */
export async function applyWithBridgeClient(
  setup: LabEngine,
  request: PlanRequest = REQUEST,
): Promise<{ plan: Plan; argv: string[] }> {
  const snapshot = await setup.probe();
  const plan = setup.plan(snapshot, request);
  expect(plan.blocked, JSON.stringify(plan.verdicts)).toBe(false);
  const started = plan.steps.find((step) => step.id === 'keep-lease')?.commands[0];
  if (started?.kind !== 'spawn-detached') throw new Error('keep-lease starts no client');
  const outcome = await setup.engine.start({ plan, preState: snapshot, timeoutSec: 120 });
  expect(outcome.kind, JSON.stringify(outcome)).toBe('pending');
  return { plan, argv: started.argv };
}

export interface LeaseSample {
  atMs: number;
  /** valid_lft of the address on the interface; null while the address is not there. */
  validLft: number | null;
  echoOk: boolean | null;
}

export interface DnsmasqLease {
  expiry: number;
  mac: string;
  address: string;
  clientId: string;
}

/** valid_lft of `address` on `dev` in the host namespace (4294967295 = forever), null when absent. */
export async function validLifetime(lab: Lab, dev: string, address: string): Promise<number | null> {
  const result = await lab.exec(lab.ns.host, ['ip', '-j', '-4', 'addr', 'show', 'dev', dev], {
    check: false,
  });
  if (result.exitCode !== 0) return null;
  const links = JSON.parse(result.stdout || '[]') as Array<{
    addr_info?: Array<{ local: string; valid_life_time?: number }>;
  }>;
  const info = links.flatMap((link) => link.addr_info ?? []).find((entry) => entry.local === address);
  return info ? (info.valid_life_time ?? null) : null;
}

/** The router's leases (dnsmasq's lease file: "EXPIRY MAC ADDRESS HOSTNAME CLIENT-ID" per line). */
export function dnsmasqLeases(lab: Lab): DnsmasqLease[] {
  return readFileSync(join(lab.dir, 'dnsmasq.leases'), 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((line) => {
      const [expiry = '0', mac = '', address = '', , clientId = ''] = line.split(' ');
      return { expiry: Number(expiry), mac, address, clientId };
    });
}

/**
 * Samples the address every `intervalMs` for `durationMs` (bounded: at most 200 samples), with one
 * echo on `echo` per sample when given. Renewals are the samples whose lifetime went up.
 */
export async function watchLease(
  lab: Lab,
  options: {
    dev: string;
    address: string;
    durationMs: number;
    intervalMs: number;
    echo?: () => Promise<boolean>;
  },
): Promise<{ samples: LeaseSample[]; renewals: number; missing: number; echoFailures: number }> {
  const started = Date.now();
  const samples: LeaseSample[] = [];
  for (let index = 0; index < 200 && Date.now() - started < options.durationMs; index++) {
    const validLft = await validLifetime(lab, options.dev, options.address);
    const echoOk = options.echo ? await options.echo() : null;
    samples.push({ atMs: Date.now() - started, validLft, echoOk });
    await new Promise((resolve) => setTimeout(resolve, options.intervalMs));
  }
  let renewals = 0;
  for (let index = 1; index < samples.length; index++) {
    const before = samples[index - 1]?.validLft;
    const now = samples[index]?.validLft;
    if (typeof before === 'number' && typeof now === 'number' && now > before) renewals++;
  }
  return {
    samples,
    renewals,
    missing: samples.filter((sample) => sample.validLft === null).length,
    echoFailures: samples.filter((sample) => sample.echoOk === false).length,
  };
}

/** Pids of the processes whose argv is exactly `argv` (the client the plan started on the bridge). */
export function bridgeClients(argv: readonly string[]): number[] {
  return readdirSync('/proc')
    .filter((name) => /^\d+$/.test(name))
    .filter((pid) => {
      try {
        return readFileSync(`/proc/${pid}/cmdline`, 'utf8') === `${argv.join('\0')}\0`;
      } catch {
        return false;
      }
    })
    .map(Number);
}

/**
 * A short-lease lab (SHORT_LEASE_LAB) with an engine aimed at its host and a TCP session from the
 * peer opened before anything changes; DHCP clients the test's engine started (they carry the
 * lab's dir in their argv) are ended by pid, however the body ends.
 */
export async function withShortLeaseLab(
  body: (lab: Lab, setup: LabEngine, session: TcpSession) => Promise<void>,
): Promise<void> {
  await withLab(SHORT_LEASE_LAB, async (lab) => {
    try {
      await withLabEngine(lab, {}, async (setup) => {
        const session = await lab.openTcpSession();
        await body(lab, setup, session);
        await session.close();
      });
    } finally {
      await stopRestartedClients(lab);
    }
  });
}

/**
 * Watches `dev` for two lease periods: the host's address never leaves it, its lifetime goes back
 * up at each renewal (at half time: at least 3 in 270 s), the session answers throughout, and the
 * router still has one lease, that address, under the uplink MAC's client id (01:MAC).
 */
export async function expectLeaseKept(lab: Lab, dev: string, session: TcpSession): Promise<LeaseSample[]> {
  const address = lab.hostAddress;
  const watched = await watchLease(lab, {
    dev,
    address,
    durationMs: TWO_LEASES_MS,
    intervalMs: 5_000,
    echo: async () => (await session.echo()).ok,
  });
  expect(watched.missing, JSON.stringify(watched.samples)).toBe(0);
  expect(watched.echoFailures).toBe(0);
  expect(watched.renewals, JSON.stringify(watched.samples)).toBeGreaterThanOrEqual(3);
  expect(dnsmasqLeases(lab)).toEqual([
    expect.objectContaining({ address, mac: lab.hostMac, clientId: `01:${lab.hostMac}` }),
  ]);
  return watched.samples;
}
