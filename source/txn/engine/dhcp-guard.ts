/**
 * Signalling and restarting DHCP clients safely. A network namespace does not hide processes: a
 * pid in `ps` may be a client serving another host's (a container's, a lab's) interface of the
 * same name, and a pid from the plan may have exited and been reused since — by anyone, since
 * any user may start a process that calls itself "dhclient". So, right before a signal, the
 * process must still be the plan's client: the start time (/proc/PID/stat field 22) and exact argv
 * the plan's command carries (/proc/PID/cmdline), root's
 * (real and effective uid 0, /proc/PID/status), the program the plan saw (readlink
 * /proc/PID/exe), and in our network namespace (readlink /proc/PID/ns/net). "Ours" is what the
 * FileReader says /proc/self/ns/net is: the process's own namespace on a host; the lab's
 * FileReader answers with the identity of the namespace its Runner runs commands in (`ip netns
 * exec`), since there the engine acts on a namespace it does not itself live in.
 *
 * A restart runs only the argv the plan derived from a client of the pre-state that was root's
 * (stop-dhcp.ts: its program by path, its parsed arguments), and not when such a client, checked
 * the same way, already runs.
 */
import { exePath, parseCmdline, parseStatusUids, restartArgv } from '../../host/parse/dhcp-clients.js';
import type { DhcpClient, HostSnapshot } from '../../host/snapshot.js';
import { shellQuote } from '../../plan/command-text.js';
import { displaySafe } from '../../plan/display-text.js';
import { whyNotOurs } from '../../plan/steps/stop-dhcp.js';
import type { Command } from '../../plan/types.js';
import { parseProcStat } from '../../system/process-identity.js';
import type { EngineContext } from './engine-context.js';

export const OWN_NETNS_LINK = '/proc/self/ns/net';
const GONE_WAIT = { attempts: 30, intervalMs: 100 };
/** Upper bound on processes looked at when checking whether a client already runs. */
const MAX_PROCESSES_SCANNED = 65_536;

export type SignalVerdict =
  | { kind: 'signal' }
  /**
   * Exited since the probe: the host is not the one the plan was made for (a client restarted under
   * a new pid would be left renewing on the uplink), so the step fails and the apply reverts.
   */
  | { kind: 'gone'; reason: string }
  | { kind: 'refuse'; reason: string };

export async function checkSignalTarget(
  context: EngineContext,
  command: Extract<Command, { kind: 'signal' }>,
  preState: Pick<HostSnapshot, 'dhcpClients'>,
): Promise<SignalVerdict> {
  const { pid } = command;
  const client = preState.dhcpClients.find((candidate) => candidate.pid === pid);
  if (!client) return { kind: 'refuse', reason: `pid ${pid} is not a DHCP client the plan's snapshot saw` };
  const notOurs = whyNotOurs(client);
  if (notOurs)
    return { kind: 'refuse', reason: `${displaySafe(client.program)} ${notOurs}; it is left alone` };
  // The pid alone is no identity: the process the probe saw may have exited and its number gone
  // to anyone's process since. The plan's command names it by start time and argv as well.
  if (typeof command.startTime !== 'string' || !Array.isArray(command.argv))
    return {
      kind: 'refuse',
      reason: `the plan does not say when pid ${pid} started, so it cannot tell that process from a reused pid; run plan/apply again`,
    };
  const identity = await readIdentity(context, pid);
  if (identity === null)
    return {
      kind: 'gone',
      reason: `pid ${pid} (${shownArgv(command.argv)}) has exited since the plan was made; the host changed, run plan/apply again`,
    };
  if (identity.startTime !== command.startTime || !sameArgv(identity.argv, command.argv)) {
    return {
      kind: 'refuse',
      // Another process's argv is anyone's text: shell-quoted (controls escaped) so it can neither
      // act on the operator's terminal nor blur where one argument ends.
      reason: `pid ${pid} is no longer the process the plan saw (started at tick ${command.startTime}: "${shownArgv(command.argv)}"); it now runs "${shownArgv(identity.argv)}", started at tick ${displaySafe(identity.startTime)} (the pid was reused); run plan/apply again`,
    };
  }
  const problem = await identityProblem(context, pid, client);
  return problem ? { kind: 'refuse', reason: problem } : { kind: 'signal' };
}

/** A running process's start time (/proc/PID/stat field 22) and argv; null when it is gone or a zombie. */
export async function readIdentity(
  context: Pick<EngineContext, 'deps'>,
  pid: number,
): Promise<{ startTime: string; argv: string[] } | null> {
  const [stat, raw] = await Promise.all([
    context.deps.files.readFile(`/proc/${pid}/stat`),
    context.deps.files.readFile(`/proc/${pid}/cmdline`),
  ]);
  const argv = raw === null || raw === '' ? null : parseCmdline(raw);
  const parsed = stat === null ? null : parseProcStat(pid, stat);
  if (parsed === null || parsed.state === 'Z' || argv === null) return null;
  return { startTime: parsed.startTime, argv };
}

/**
 * Why the running process `pid` is not `client` as the plan saw it (owner, program, namespace);
 * null when it is. Anything unreadable counts against it.
 */
export async function identityProblem(
  context: EngineContext,
  pid: number,
  client: Pick<DhcpClient, 'exe' | 'program'>,
  check: { netns: boolean } = { netns: true },
): Promise<string | null> {
  const { files } = context.deps;
  const [status, exe, ours, theirs] = await Promise.all([
    files.readFile(`/proc/${pid}/status`),
    files.readLink(`/proc/${pid}/exe`),
    files.readLink(OWN_NETNS_LINK),
    files.readLink(`/proc/${pid}/ns/net`),
  ]);
  const uids = parseStatusUids(status);
  if (!uids) return `cannot tell who runs pid ${pid}; it is left alone`;
  if (uids.uid !== 0 || uids.euid !== 0)
    return `pid ${pid} now runs as uid ${uids.uid} (euid ${uids.euid}), not root; it is left alone`;
  if (exe === null || client.exe === null || exePath(exe) !== exePath(client.exe))
    return `pid ${pid} now runs ${exe === null ? 'an unreadable program' : displaySafe(exe)}, not ${displaySafe(client.exe ?? 'null')} (the pid was reused); it is left alone`;
  if (!check.netns) return null;
  if (ours === null || theirs === null)
    return `cannot tell which network namespace pid ${pid} is in; it is left alone`;
  if (ours !== theirs)
    return `pid ${pid} (${displaySafe(client.program)}) runs in network namespace ${displaySafe(theirs)}, not ours (${displaySafe(ours)}); it serves another host and is left alone`;
  return null;
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

export type RestartVerdict =
  | { kind: 'start' }
  /** A root client of that program and arguments already runs in our namespace. */
  | { kind: 'running'; pid: number }
  | { kind: 'refuse'; reason: string };

/**
 * Whether `argv` may be started, and whether it needs to be. Only the restart argv of a pre-state
 * client that was ours is ever started (a journal edited to start something else, or written
 * before owners were recorded, is refused). It is not needed when that client still runs (it was
 * never stopped, e.g. its stop was refused), nor when a revert already started it again (a revert
 * run twice, by the guardian and the operator); either counts only when the process passes the
 * same identity check as a signal.
 */
export async function checkRestart(
  context: EngineContext,
  argv: readonly string[],
  preState: Pick<HostSnapshot, 'dhcpClients'>,
): Promise<RestartVerdict> {
  const origin = preState.dhcpClients.find((client) => {
    const restart = whyNotOurs(client) === null ? restartArgv(client) : null;
    return restart !== null && sameArgv(restart, argv);
  });
  if (!origin) {
    return {
      kind: 'refuse',
      reason: `no DHCP client of the pre-state ran as root with this program and these arguments, so it is not started`,
    };
  }
  const isOrigin = async (pid: number, netns: boolean): Promise<boolean> => {
    const now = await readArgv(context, pid);
    if (now === null || !(sameArgv(now, origin.argv) || sameArgv(now, argv))) return false;
    return (await identityProblem(context, pid, origin, { netns })) === null;
  };
  // The pre-state's own pid, still root's and the same program: it was never stopped (its stop was
  // refused, also when it now shows in another namespace), so starting another would double it.
  if (await isOrigin(origin.pid, false)) return { kind: 'running', pid: origin.pid };
  for (const pid of await processIds(context)) {
    if (pid !== origin.pid && (await isOrigin(pid, true))) return { kind: 'running', pid };
  }
  return { kind: 'start' };
}

/** The pids in /proc (bounded). */
export async function processIds(context: EngineContext): Promise<number[]> {
  return ((await context.deps.files.listDir('/proc')) ?? [])
    .filter((name) => /^\d+$/.test(name))
    .slice(0, MAX_PROCESSES_SCANNED)
    .map(Number);
}

/** The argv of a running process, or null when it does not exist or is a zombie (empty cmdline). */
export async function readArgv(context: EngineContext, pid: number): Promise<string[] | null> {
  const raw = await context.deps.files.readFile(`/proc/${pid}/cmdline`);
  if (raw === null || raw === '') return null;
  return parseCmdline(raw);
}

function shownArgv(argv: readonly string[]): string {
  return argv.map(shellQuote).join(' ');
}

export function sameArgv(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((token, index) => token === b[index]);
}
