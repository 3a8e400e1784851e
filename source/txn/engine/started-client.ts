/**
 * The DHCP client the plan started on the bridge (plan/steps/keep-lease-client.ts), found again by
 * its exact argv: its pid is only known once it runs, and a client that goes to the background
 * after its first lease (udhcpc without -f, dhclient) carries on in a forked child with the same
 * argv. A process counts only when it passes the same identity check as a signal's target
 * (dhcp-guard.ts): root's (real and effective uid 0), running the program argv[0] names (readlink
 * /proc/PID/exe), in our network namespace. Anyone may start a process whose argv reads the same,
 * and such a process is never signalled.
 */
import { killArgv, type ProcessSignal } from '../../system/process-signal.js';
import { CommandFailed, succeeded } from '../../system/runner.js';
import { identityProblem, processIds, readArgv, sameArgv, waitUntilGone } from './dhcp-guard.js';
import type { EngineContext } from './engine-context.js';
import { EXEC_TIMEOUT_MS } from './step-runner.js';

const SETTLE_WAIT = { attempts: 50, intervalMs: 100 };

/** Pids of the root processes in our namespace that run exactly `argv` (its program is argv[0]). */
export async function startedProcesses(context: EngineContext, argv: readonly string[]): Promise<number[]> {
  if (!argv[0]?.startsWith('/')) return [];
  const found: number[] = [];
  for (const pid of await processIds(context)) {
    if (await runsStarted(context, pid, argv)) found.push(pid);
  }
  return found;
}

/** Whether `pid` is, right now, a root process in our namespace running exactly `argv`. */
async function runsStarted(context: EngineContext, pid: number, argv: readonly string[]): Promise<boolean> {
  const [exe] = argv;
  if (!exe?.startsWith('/')) return false;
  const now = await readArgv(context, pid);
  if (now === null || !sameArgv(now, argv)) return false;
  return (await identityProblem(context, pid, { exe, program: 'other' })) === null;
}

/**
 * Waits (bounded) until the started client runs and has settled: asleep with no child process,
 * twice in a row. A DHCP client runs its script at start-up (udhcpc "deconfig", dhclient PREINIT)
 * and then sleeps waiting for a reply; the cutover must come after that script, or a script that
 * flushes its interface would flush the address the cutover just moved (keep-lease-client.ts).
 * A program started through a wrapper (the lab's `ip netns exec`) shows the wrapper's argv for a
 * moment before it execs, so a first miss is not an answer either. ISC dhclient 4.3+ forks at
 * once and its parent waits, asleep, for the child to bind its first lease (client/dhclient.c,
 * the detach pipe): a child running the same argv is that fork, not a script, so it does not
 * count as busy (seen in the lab: before the cutover the bridge has no port, so no lease comes
 * and a dhclient on it never settled otherwise).
 */
export async function waitUntilSettled(
  context: EngineContext,
  argv: readonly string[],
): Promise<'settled' | 'busy' | 'not-running'> {
  let running = false;
  let idleBefore = false;
  for (let attempt = 0; attempt < SETTLE_WAIT.attempts; attempt++) {
    if (attempt > 0) await new Promise((resolve) => setTimeout(resolve, SETTLE_WAIT.intervalMs));
    const pids = await startedProcesses(context, argv);
    running ||= pids.length > 0;
    const idle =
      pids.length > 0 && (await Promise.all(pids.map((pid) => isIdle(context, pid, pids)))).every(Boolean);
    if (idle && idleBefore) return 'settled';
    idleBefore = idle;
  }
  return running ? 'busy' : 'not-running';
}

/**
 * Asleep (state S in /proc/PID/stat) with no child process (/proc/PID/task/PID/children, proc(5))
 * other than `started` ones (its own fork running the same argv).
 */
async function isIdle(context: EngineContext, pid: number, started: readonly number[]): Promise<boolean> {
  const [stat, children] = await Promise.all([
    context.deps.files.readFile(`/proc/${pid}/stat`),
    context.deps.files.readFile(`/proc/${pid}/task/${pid}/children`),
  ]);
  // "PID (COMM) STATE ...": COMM may hold anything, so the state follows the last ")".
  const state = stat?.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3);
  const others = (children ?? '')
    .split(/\s+/)
    .filter((child) => child !== '' && !started.includes(Number(child)));
  return state === 'S' && children !== null && others.length === 0;
}

/**
 * Signals every process running `argv` and waits (bounded) until each is gone; why not, or null.
 * None running is fine: it may have exited by itself, or a revert already stopped it.
 */
export async function stopStarted(
  context: EngineContext,
  argv: readonly string[],
  signal: ProcessSignal,
): Promise<string | null> {
  const pids = await startedProcesses(context, argv);
  if (pids.length === 0) {
    context.note(`nothing to stop: no root process in our namespace runs ${argv.join(' ')}`);
    return null;
  }
  const signalled: number[] = [];
  for (const pid of pids) {
    // Checked again right before its signal: the scan of every process in /proc takes a while,
    // and a process found early in it may have exited since and its pid gone to another program.
    if (!(await runsStarted(context, pid, argv))) {
      context.note(`pid ${pid} no longer runs ${argv.join(' ')}: not signalled`);
      continue;
    }
    const result = await context.deps.runner.run(killArgv(pid, signal), { timeoutMs: EXEC_TIMEOUT_MS });
    if (!succeeded(result)) return new CommandFailed(result).message;
    context.note(`sent ${signal} to pid ${pid} (${argv.join(' ')})`);
    signalled.push(pid);
  }
  for (const pid of signalled) {
    if (!(await waitUntilGone(context, pid, argv))) return `pid ${pid} is still running after ${signal}`;
  }
  return null;
}
