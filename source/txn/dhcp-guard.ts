/**
 * Signalling and restarting DHCP clients safely. A network namespace does not hide processes: a
 * pid in `ps` may be a client serving another host's (a container's, a lab's) interface of the
 * same name, and a pid from the plan may have exited and been reused since. So, right before a
 * signal: the process must still run the exact argv the plan saw (/proc/PID/cmdline), and its
 * network namespace (readlink /proc/PID/ns/net) must be ours. "Ours" is what the FileReader says
 * /proc/self/ns/net is: the process's own namespace on a host; the lab's FileReader answers with
 * the identity of the namespace its Runner runs commands in (`ip netns exec`), since there the
 * engine acts on a namespace it does not itself live in.
 */
import { parseCmdline } from '../host/parse/dhcp-clients.js';
import type { HostSnapshot } from '../host/snapshot.js';
import type { EngineContext } from './engine-context.js';

export const OWN_NETNS_LINK = '/proc/self/ns/net';
const GONE_WAIT = { attempts: 30, intervalMs: 100 };
/** Upper bound on processes looked at when checking whether a client already runs. */
const MAX_PROCESSES_SCANNED = 65_536;

export type SignalVerdict =
  | { kind: 'signal' }
  /** Already exited: nothing to stop (a revert still restarts it, as the pre-state had it running). */
  | { kind: 'gone' }
  | { kind: 'refuse'; reason: string };

export async function checkSignalTarget(
  context: EngineContext,
  pid: number,
  preState: Pick<HostSnapshot, 'dhcpClients'>,
): Promise<SignalVerdict> {
  const client = preState.dhcpClients.find((candidate) => candidate.pid === pid);
  if (!client) return { kind: 'refuse', reason: `pid ${pid} is not a DHCP client the plan's snapshot saw` };
  const argv = await readArgv(context, pid);
  if (argv === null) return { kind: 'gone' };
  if (!sameArgv(argv, client.argv)) {
    return {
      kind: 'refuse',
      reason: `pid ${pid} now runs "${argv.join(' ')}", not "${client.argv.join(' ')}" (the pid was reused)`,
    };
  }
  const [ours, theirs] = await Promise.all([
    context.deps.files.readLink(OWN_NETNS_LINK),
    context.deps.files.readLink(`/proc/${pid}/ns/net`),
  ]);
  if (ours === null || theirs === null) {
    return {
      kind: 'refuse',
      reason: `cannot tell which network namespace pid ${pid} is in; it is left alone`,
    };
  }
  if (ours !== theirs) {
    return {
      kind: 'refuse',
      reason: `pid ${pid} (${client.program}) runs in network namespace ${theirs}, not ours (${ours}); it serves another host and is left alone`,
    };
  }
  return { kind: 'signal' };
}

/** Waits (bounded) until the process is gone: no /proc entry, a zombie (empty cmdline), or another program. */
export async function waitUntilGone(
  context: EngineContext,
  pid: number,
  argv: readonly string[],
): Promise<boolean> {
  for (let attempt = 0; attempt < GONE_WAIT.attempts; attempt++) {
    const now = await readArgv(context, pid);
    if (now === null || !sameArgv(now, argv)) return true;
    await new Promise((resolve) => setTimeout(resolve, GONE_WAIT.intervalMs));
  }
  return false;
}

/**
 * Whether a restart of `argv` is needed: not when a client with that exact argv already runs in
 * our namespace (a revert run twice, by the guardian and the operator), nor when the original
 * process from the pre-state still runs (it was never stopped, e.g. its stop was refused).
 */
export async function clientAlreadyRunning(
  context: EngineContext,
  argv: readonly string[],
  preState: Pick<HostSnapshot, 'dhcpClients'>,
): Promise<number | null> {
  for (const client of preState.dhcpClients) {
    if (!sameArgv(client.argv, argv)) continue;
    const now = await readArgv(context, client.pid);
    if (now !== null && sameArgv(now, argv)) return client.pid;
  }
  const { files } = context.deps;
  const ours = await files.readLink(OWN_NETNS_LINK);
  const entries = ((await files.listDir('/proc')) ?? [])
    .filter((name) => /^\d+$/.test(name))
    .slice(0, MAX_PROCESSES_SCANNED);
  for (const entry of entries) {
    const now = await readArgv(context, Number(entry));
    if (now === null || !sameArgv(now, argv)) continue;
    if (ours !== null && (await files.readLink(`/proc/${entry}/ns/net`)) === ours) return Number(entry);
  }
  return null;
}

/** The argv of a running process, or null when it does not exist or is a zombie (empty cmdline). */
async function readArgv(context: EngineContext, pid: number): Promise<string[] | null> {
  const raw = await context.deps.files.readFile(`/proc/${pid}/cmdline`);
  if (raw === null || raw === '') return null;
  return parseCmdline(raw);
}

export function sameArgv(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((token, index) => token === b[index]);
}
