/**
 * Connectivity checks: what must still work after the change, decided by what worked before it.
 * From the plan's snapshot: the default gateway by ARP and by ICMP out of the uplink, the
 * operator's own peer (the SSH client, from $SSH_CONNECTION) by ICMP, and each configured
 * nameserver by one DNS question. The baseline runs them before the first change; after the
 * cutover the same ones go out through the bridge, and one that passed before and fails now means
 * the change broke something and is reverted. A check that failed at baseline (a gateway that
 * drops ICMP) is shown but never counts.
 *
 * Every check is bounded in count and time: arping sends at most 2 requests within 2 s, ping
 * sends 3 requests 0.2 s apart waiting 1 s for the last, a DNS question waits 2 s; the Runner's
 * timeout sits above each.
 */
import { isIP } from 'node:net';
import type { HostSnapshot } from '../../host/snapshot.js';
import type { Plan } from '../../plan/types.js';
import { type RunResult, succeeded } from '../../system/runner.js';
import type { CheckPhase, CheckResult } from './engine-api.js';
import type { EngineContext } from './engine-context.js';

export type CheckKind = 'arp' | 'icmp' | 'dns';

export interface CheckSpec {
  /** "gateway-arp", "gateway-icmp", "peer-icmp", "dns" (one per nameserver, told apart by target). */
  id: string;
  kind: CheckKind;
  title: string;
  target: string;
  /** The interface it goes out of before the change (and after a revert), and while it is in place. */
  viaBefore: string;
  viaAfter: string;
}

const ARP = { count: '2', deadlineSec: '2', timeoutMs: 5_000 };
const ICMP = { count: '3', intervalSec: '0.2', waitSec: '1', timeoutMs: 5_000 };
const DNS_TIMEOUT_MS = 2_000;
const MAX_NAMESERVERS = 3;
/** After the cutover a check gets this long to pass again (the bridge learns, ARP resolves). */
export const VERIFY_BUDGET_MS = 5_000;
const VERIFY_MAX_ROUNDS = 4;
/** Between rounds: a check that fails at once (no route yet) should not burn its tries in a burst. */
const VERIFY_PAUSE_MS = 500;

export function deriveChecks(snapshot: HostSnapshot, plan: Pick<Plan, 'nic' | 'bridge'>): CheckSpec[] {
  const moved = (ifname: string) => (ifname === plan.nic ? plan.bridge : ifname);
  const checks: CheckSpec[] = [];
  const gateway =
    snapshot.defaultGateways.find((candidate) => candidate.family === 4 && candidate.dev === plan.nic) ??
    snapshot.defaultGateways.find((candidate) => candidate.family === 4);
  if (gateway) {
    const via = { viaBefore: gateway.dev, viaAfter: moved(gateway.dev) };
    checks.push({
      id: 'gateway-arp',
      kind: 'arp',
      title: `Gateway ${gateway.gateway} answers ARP`,
      target: gateway.gateway,
      ...via,
    });
    checks.push({
      id: 'gateway-icmp',
      kind: 'icmp',
      title: `Gateway ${gateway.gateway} answers ping`,
      target: gateway.gateway,
      ...via,
    });
  }
  const peer = snapshot.ssh;
  if (peer && isIP(peer.clientAddr) !== 0 && !isLoopback(peer.clientAddr)) {
    const viaBefore = peer.viaDev ?? gateway?.dev ?? plan.nic;
    checks.push({
      id: 'peer-icmp',
      kind: 'icmp',
      title: `Your SSH client ${peer.clientAddr} answers ping`,
      target: peer.clientAddr,
      viaBefore,
      viaAfter: moved(viaBefore),
    });
  }
  const servers = [...new Set(snapshot.dns.nameservers)]
    .filter((server) => isIP(server) !== 0)
    .slice(0, MAX_NAMESERVERS);
  for (const server of servers) {
    // The kernel routes DNS itself; "via" names the interface of the default route it most likely takes.
    const viaBefore = isLoopback(server) ? 'lo' : (gateway?.dev ?? plan.nic);
    checks.push({
      id: 'dns',
      kind: 'dns',
      title: `Nameserver ${server} answers`,
      target: server,
      viaBefore,
      viaAfter: moved(viaBefore),
    });
  }
  return checks;
}

export function checkKey(check: { id: string; target: string }): string {
  return `${check.id}|${check.target}`;
}

/** The checks that passed in `baseline`. */
export function passedAtBaseline(specs: readonly CheckSpec[], baseline: readonly CheckResult[]): CheckSpec[] {
  const passed = new Set(baseline.filter((result) => result.ok).map(checkKey));
  return specs.filter((spec) => passed.has(checkKey(spec)));
}

export function viaFor(spec: CheckSpec, phase: CheckPhase): string {
  return phase === 'verify' || phase === 'watch' ? spec.viaAfter : spec.viaBefore;
}

/** Runs the checks at once and reports each result to the listener. */
export async function runChecks(
  context: EngineContext,
  specs: readonly CheckSpec[],
  phase: CheckPhase,
): Promise<CheckResult[]> {
  return Promise.all(
    specs.map(async (spec) => {
      const result = await runCheck(context, spec, viaFor(spec, phase));
      context.emit({ kind: 'check', phase, result });
      return result;
    }),
  );
}

/**
 * The verify phase: `required` checks get several tries within VERIFY_BUDGET_MS (right after the
 * cutover the gateway's ARP entry for the host may still be settling); `informational` ones (failed
 * at baseline) run once, for the screen. Results keep the order of the specs.
 */
export async function runVerifyChecks(
  context: EngineContext,
  required: readonly CheckSpec[],
  informational: readonly CheckSpec[],
): Promise<CheckResult[]> {
  const started = performance.now();
  const results = new Map<string, CheckResult>();
  const once = Promise.all(
    informational.map(async (spec) =>
      results.set(checkKey(spec), await runCheck(context, spec, spec.viaAfter)),
    ),
  );
  let pending = [...required];
  for (let round = 0; round < VERIFY_MAX_ROUNDS && pending.length > 0; round++) {
    if (round > 0) {
      if (performance.now() - started + VERIFY_PAUSE_MS >= VERIFY_BUDGET_MS) break;
      await new Promise((resolve) => setTimeout(resolve, VERIFY_PAUSE_MS));
    }
    const tried = await Promise.all(
      pending.map(async (spec) => ({ spec, result: await runCheck(context, spec, spec.viaAfter) })),
    );
    for (const { spec, result } of tried) results.set(checkKey(spec), result);
    pending = tried.filter(({ result }) => !result.ok).map(({ spec }) => spec);
  }
  await once;
  const ordered = [...required, ...informational].map((spec) => results.get(checkKey(spec)) as CheckResult);
  for (const result of ordered) context.emit({ kind: 'check', phase: 'verify', result });
  return ordered;
}

export async function runCheck(context: EngineContext, spec: CheckSpec, via: string): Promise<CheckResult> {
  const started = performance.now();
  const base = { id: spec.id, title: spec.title, target: spec.target, via };
  try {
    const outcome = await (spec.kind === 'arp'
      ? arpCheck(context, spec.target, via)
      : spec.kind === 'icmp'
        ? icmpCheck(context, spec.target, via)
        : dnsCheck(context, spec.target));
    return { ...base, ...outcome, durationMs: performance.now() - started };
  } catch (error) {
    return {
      ...base,
      ok: false,
      detail: `check failed to run: ${(error as Error).message}`,
      durationMs: performance.now() - started,
    };
  }
}

type Outcome = { ok: boolean; detail: string };

/** iputils arping when installed, else busybox's (scripts/install-system-packages.sh installs busybox). */
async function arpCheck(context: EngineContext, target: string, via: string): Promise<Outcome> {
  // -f: done at the first reply; otherwise both implementations wait out the whole deadline.
  const args = ['-f', '-c', ARP.count, '-w', ARP.deadlineSec, '-I', via, target];
  let result = await context.deps.runner.run(['arping', ...args], { timeoutMs: ARP.timeoutMs });
  if (result.notFound)
    result = await context.deps.runner.run(['busybox', 'arping', ...args], { timeoutMs: ARP.timeoutMs });
  if (result.notFound) return { ok: false, detail: 'neither arping nor busybox is installed' };
  const received = Number(/Received (\d+) response/.exec(result.stdout)?.[1] ?? '0');
  if (received > 0 && succeeded(result)) {
    const mac = /\[([0-9a-fA-F:]{17})\]/.exec(result.stdout)?.[1];
    return {
      ok: true,
      detail: `${received} ARP ${received === 1 ? 'reply' : 'replies'}${mac ? ` from ${mac.toLowerCase()}` : ''}`,
    };
  }
  return {
    ok: false,
    detail: `no ARP reply to ${ARP.count} requests in ${ARP.deadlineSec} s${failureNote(result)}`,
  };
}

async function icmpCheck(context: EngineContext, target: string, via: string): Promise<Outcome> {
  const argv = [
    'ping',
    '-n',
    '-c',
    ICMP.count,
    '-i',
    ICMP.intervalSec,
    '-W',
    ICMP.waitSec,
    '-I',
    via,
    target,
  ];
  const result = await context.deps.runner.run(argv, { timeoutMs: ICMP.timeoutMs });
  if (result.notFound) return { ok: false, detail: 'ping is not installed' };
  const summary = /(\d+) packets transmitted, (\d+) (?:packets )?received/.exec(result.stdout);
  const received = Number(summary?.[2] ?? '0');
  if (received > 0) {
    const time = /time=([\d.]+) ms/.exec(result.stdout)?.[1];
    return { ok: true, detail: `${received}/${summary?.[1]} replies${time ? `, first in ${time} ms` : ''}` };
  }
  return {
    ok: false,
    detail: `no reply to ${ICMP.count} pings in ${Number(ICMP.waitSec) + 0.4} s${failureNote(result)}`,
  };
}

async function dnsCheck(context: EngineContext, server: string): Promise<Outcome> {
  const reply = await context.queryDns(server, { timeoutMs: DNS_TIMEOUT_MS });
  if (reply.ok)
    return { ok: true, detail: `answered in ${reply.durationMs.toFixed(0)} ms (rcode ${reply.rcode})` };
  return { ok: false, detail: reply.reason };
}

function failureNote(result: RunResult): string {
  if (result.timedOut) return ' (timed out)';
  const error = result.stderr.trim().split('\n')[0];
  return error ? ` (${error})` : '';
}

function isLoopback(address: string): boolean {
  return address.startsWith('127.') || address === '::1';
}
