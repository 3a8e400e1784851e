/**
 * Running the engine against a lab's host namespace from this test process.
 *
 * The engine must act on the host namespace, while this process lives in the machine's own. Three
 * wrappers make it do so, each documented where the engine would otherwise reach the machine:
 * - the Runner prefixes every argv with `ip netns exec HOST`, so every `ip`, `ping`, `arping` and
 *   `kill` runs inside it (pids are global: a namespace does not hide processes);
 * - the FileReader answers `/proc/self/ns/net` with the host namespace's identity (the inode of
 *   /run/netns/HOST, which is what readlink of a process's ns/net shows for a process inside it).
 *   The DHCP guard compares a client's namespace with that, exactly as it compares with its own
 *   namespace on a real host. /etc/resolv.conf is redirected to a file of the test's; the rest of
 *   /proc is the machine's, which is right for /proc/PID files (global);
 * - detached programs start through `ip netns exec HOST` (ip execs the program, so the pid is
 *   the program's), and the DNS question is asked by the built dns-query module run by node inside
 *   the namespace (a UDP socket of this process would be in the wrong namespace). That one needs
 *   `npm run build`, like the other lab tests that run built code.
 */
import { existsSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { probeHost } from '../../../source/host/probe.js';
import type { HostSnapshot } from '../../../source/host/snapshot.js';
import type { LabProcess, NetnsSnapshot } from '../../../source/lab/index.js';
import type { Lab } from '../../../source/lab/types.js';
import { buildPlan } from '../../../source/plan/build.js';
import type { Plan, PlanRequest } from '../../../source/plan/types.js';
import { silentLog } from '../../../source/system/debug-log.js';
import type { DnsReply, QueryDns } from '../../../source/system/dns-query.js';
import { createExecRunner } from '../../../source/system/exec-runner.js';
import type { FileReader } from '../../../source/system/files.js';
import { createHostFiles } from '../../../source/system/host-files.js';
import type { Runner } from '../../../source/system/runner.js';
import { type SpawnDetached, spawnDetached } from '../../../source/system/spawn-detached.js';
import { createEngine } from '../../../source/txn/engine/engine.js';
import type { Engine, EngineDeps, EngineEvent } from '../../../source/txn/engine/engine-api.js';
import { createJournalStore, type JournalStore } from '../../../source/txn/journal/journal.js';
import { isAlive, processesMentioning } from './lab-state.js';

const repo = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
export const DIST_DNS_QUERY = join(repo, 'dist/source/system/dns-query.js');

export const REQUEST: PlanRequest = { nic: 'ens18', bridge: 'fcbr0', timeoutSec: 120, persist: 'none' };

/** `ip netns exec` reports a missing program as its own failure; the Runner's contract calls that notFound. */
export function namespaceRunner(runner: Runner, ns: string): Runner {
  return {
    async run(argv, options) {
      const result = await runner.run(['ip', 'netns', 'exec', ns, ...argv], options);
      const missing =
        result.exitCode !== 0 && /^exec of ".*" failed: No such file or directory$/m.test(result.stderr);
      return { ...result, argv: [...argv], notFound: result.notFound || missing };
    },
  };
}

/** What readlink(/proc/PID/ns/net) shows for a process inside the named namespace. */
export function namespaceIdentity(ns: string): string {
  return `net:[${statSync(`/run/netns/${ns}`).ino}]`;
}

export function namespaceFiles(ns: string, redirects: Record<string, string> = {}): FileReader {
  const host = createHostFiles();
  const identity = namespaceIdentity(ns);
  return {
    readFile: (path, options) => host.readFile(redirects[path] ?? path, options),
    listDir: (path) => host.listDir(path),
    readLink: async (path) => (path === '/proc/self/ns/net' ? identity : host.readLink(path)),
  };
}

export function namespaceSpawn(ns: string): SpawnDetached {
  return (argv) => spawnDetached(['ip', 'netns', 'exec', ns, ...argv]);
}

const DNS_SCRIPT = `const { queryDns } = await import(process.argv[1]);
console.log(JSON.stringify(await queryDns(process.argv[2], { timeoutMs: Number(process.argv[3]) })));`;

export function namespaceDns(runner: Runner, ns: string): QueryDns {
  return async (server, options) => {
    if (!existsSync(DIST_DNS_QUERY))
      throw new Error(`${DIST_DNS_QUERY} is missing: run \`npm run build\` first`);
    const argv = [
      process.execPath,
      '--input-type=module',
      '-e',
      DNS_SCRIPT,
      DIST_DNS_QUERY,
      server,
      String(options.timeoutMs),
    ];
    const result = await runner.run(['ip', 'netns', 'exec', ns, ...argv], {
      timeoutMs: options.timeoutMs + 5_000,
    });
    if (result.exitCode !== 0)
      return {
        ok: false,
        reason: `dns-query child failed: ${result.stderr.trim()}`,
        durationMs: result.durationMs,
      };
    return JSON.parse(result.stdout) as DnsReply;
  };
}

export interface LabEngine {
  engine: Engine;
  deps: EngineDeps;
  journal: JournalStore;
  events: EngineEvent[];
  stateDir: string;
  /** A full probe of the host namespace, as `apply` takes it before planning. */
  probe(): Promise<HostSnapshot>;
  plan(snapshot: HostSnapshot, request?: PlanRequest): Plan;
  /** A second engine on the same state directory, as a new process would make it. */
  another(overrides?: Partial<EngineDeps>): Engine;
}

export interface LabEngineOptions {
  /** Lines of the host's resolv.conf as the engine reads it; none by default. */
  resolvConf?: string;
  /** $SSH_CONNECTION of the operator; default: the peer, as if it had ssh'd to the host. */
  sshConnection?: string | null;
  afterStep?: (stepId: string) => Promise<void>;
  dns?: boolean;
}

/** Runs `body` with an engine aimed at the lab's host namespace; its scratch dir is always removed. */
export async function withLabEngine<T>(
  lab: Lab,
  options: LabEngineOptions,
  body: (setup: LabEngine) => Promise<T>,
): Promise<T> {
  const scratch = mkdtempSync(join(tmpdir(), 'bm-engine-'));
  try {
    const stateDir = join(scratch, 'state');
    const resolvConf = join(scratch, 'resolv.conf');
    writeFileSync(resolvConf, options.resolvConf ?? '');
    const exec = createExecRunner(silentLog);
    const runner = namespaceRunner(exec, lab.ns.host);
    const files = namespaceFiles(lab.ns.host, { '/etc/resolv.conf': resolvConf });
    const env = {
      uid: 0,
      sshConnection:
        options.sshConnection === undefined
          ? `${lab.peerAddress} 40022 ${lab.hostAddress} 22`
          : options.sshConnection,
      rootDir: join(scratch, 'root'),
    };
    const journal = createJournalStore({ purpose: 'lab test' });
    const events: EngineEvent[] = [];
    const deps: EngineDeps = {
      runner,
      files,
      env,
      stateDir,
      journal,
      clock: { now: () => Date.now() },
      log: silentLog,
      listener: (event) => events.push(event),
      // The revert lock and /run notes stay in the scratch dir, not the machine's /run.
      runtimeDir: join(scratch, 'run'),
      spawnDetached: namespaceSpawn(lab.ns.host),
      queryDns: namespaceDns(exec, lab.ns.host),
      ...(options.afterStep ? { afterStep: options.afterStep } : {}),
    };
    return await body({
      engine: createEngine(deps),
      deps,
      journal,
      events,
      stateDir,
      probe: () => probeHost({ runner, files, env }),
      plan: (snapshot, request = REQUEST) => buildPlan(snapshot, request),
      another: (overrides = {}) =>
        createEngine({ ...deps, journal: createJournalStore({ purpose: 'second process' }), ...overrides }),
    });
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

/**
 * A snapshot made comparable across a change and its revert: address lifetimes count down by
 * themselves, so each becomes "forever" or "finite"; nothing else is touched, and the JSON is
 * otherwise compared exactly as `ip -j` printed it (field order, list order, ifindex included).
 */
export function comparable(snapshot: NetnsSnapshot): Record<keyof NetnsSnapshot, unknown> {
  const lifetimes = (addresses: unknown) =>
    (addresses as Array<{ addr_info?: Array<Record<string, unknown>> }>).map((link) => ({
      ...link,
      addr_info: (link.addr_info ?? []).map((info) => ({
        ...info,
        ...('valid_life_time' in info ? { valid_life_time: lifetime(info.valid_life_time) } : {}),
        ...('preferred_life_time' in info ? { preferred_life_time: lifetime(info.preferred_life_time) } : {}),
      })),
    }));
  return {
    links: JSON.parse(snapshot.links),
    addresses: lifetimes(JSON.parse(snapshot.addresses)),
    routes4: JSON.parse(snapshot.routes4),
    routes6: JSON.parse(snapshot.routes6),
    rules4: JSON.parse(snapshot.rules4),
    rules6: JSON.parse(snapshot.rules6),
  };
}

function lifetime(value: unknown): string {
  return value === 4294967295 ? 'forever' : 'finite';
}

/** A DNS server for the lab's LAN: a second dnsmasq on the gateway address, DNS only (no DHCP). */
export function startLabDns(lab: Lab): Promise<LabProcess> {
  return lab.spawn(
    lab.ns.router,
    [
      'dnsmasq',
      '--keep-in-foreground',
      '--conf-file=/dev/null',
      '--no-resolv',
      '--no-hosts',
      '--bind-interfaces',
      `--listen-address=${lab.gateway}`,
      '--port=53',
      `--pid-file=${join(lab.dir, 'dns.pid')}`,
      '--log-facility=-',
    ],
    { label: 'dnsmasq-dns', privateMounts: true },
  );
}

/**
 * Processes a revert restarted (a DHCP client) live on after the namespace is deleted, so they are
 * found by the lab's directory in their command line and ended by pid. Returns the pids found.
 */
export async function stopRestartedClients(lab: Lab): Promise<number[]> {
  const owned = new Set(lab.processes().map((process) => process.pid));
  const restarted = processesMentioning(lab.dir).filter((pid) => !owned.has(pid));
  for (const pid of restarted) {
    try {
      process.kill(pid, 'SIGTERM');
    } catch {
      // already gone
    }
  }
  for (let attempt = 0; attempt < 50 && restarted.some(isAlive); attempt++) {
    await new Promise((done) => setTimeout(done, 100));
  }
  for (const pid of restarted.filter(isAlive)) process.kill(pid, 'SIGKILL');
  return restarted;
}
