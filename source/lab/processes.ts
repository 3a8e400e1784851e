import { chmodSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Runner, RunResult } from '../system/runner.js';
import { waitFor, within } from './wait.js';

/**
 * Background programs of the lab (dnsmasq, a long-running udhcpc, socat, the TCP client).
 *
 * Each one is started through the Runner like any other command, by argv, and the Runner's promise
 * stays pending for the program's whole life. That keeps the program a child of this Node process:
 * Node reaps it when it dies. (On machines whose PID 1 does not reap orphans, a detached program
 * would linger as a zombie whose pid still "exists".) The pid comes from a tiny launcher that
 * writes its own pid and then `exec`s the command — `ip netns exec` and `unshare` exec too, so the
 * pid written is the program's own pid, and the lab ends it by that pid and nothing else.
 */
export interface LabProcess {
  readonly label: string;
  readonly ns: string;
  readonly argv: readonly string[];
  readonly pid: number;
  /** Standard output and error of the program. */
  readonly logPath: string;
  /** Settles when the program has exited and been reaped. */
  readonly exited: Promise<RunResult>;
  hasExited(): boolean;
  readLog(): string;
}

export interface StartOptions {
  /** Shown in errors and used in file names. */
  label: string;
  /** Run inside `unshare -m --propagation private`, so mounts and /run writes stay private. */
  privateMounts?: boolean;
}

export type StopOutcome = 'already-exited' | 'terminated' | 'killed' | 'still-alive';

export interface ProcessTable {
  start(ns: string, argv: readonly string[], options: StartOptions): Promise<LabProcess>;
  /** SIGTERM, then SIGKILL after a bounded wait; only while the program has not been reaped. */
  stop(process: LabProcess): Promise<StopOutcome>;
  /** Stops every program, newest first; returns what could not be stopped. */
  stopAll(): Promise<string[]>;
  all(): readonly LabProcess[];
}

const LAUNCHER = `#!/bin/sh
# launch PIDFILE LOGFILE CMD...: record this shell's pid, then become CMD (exec keeps the pid).
echo $$ > "$1"
log=$2
shift 2
exec "$@" >>"$log" 2>&1
`;

const PID_FILE_WAIT = { attempts: 200, intervalMs: 10, timeoutMs: 3_000 };
const TERM_GRACE_MS = 2_000;
const KILL_GRACE_MS = 2_000;

export function createProcessTable(runner: Runner, dir: string, lifetimeMs: number): ProcessTable {
  const launcher = join(dir, 'launch.sh');
  writeFileSync(launcher, LAUNCHER, { mode: 0o700 });
  chmodSync(launcher, 0o700);
  const started: LabProcess[] = [];
  const pending = new Set<Promise<unknown>>();
  let serial = 0;
  let closed = false;

  async function start(ns: string, argv: readonly string[], options: StartOptions): Promise<LabProcess> {
    if (closed) throw new Error(`not starting ${options.label}: the lab is being torn down`);
    serial += 1;
    const base = join(
      dir,
      `${String(serial).padStart(2, '0')}-${options.label.replace(/[^a-z0-9-]/gi, '_')}`,
    );
    const pidPath = `${base}.pid`;
    const logPath = `${base}.log`;
    writeFileSync(logPath, '');
    const command = [
      'ip',
      'netns',
      'exec',
      ns,
      ...(options.privateMounts ? ['unshare', '-m', '--propagation', 'private'] : []),
      ...argv,
    ];
    let done = false;
    const exited = runner
      .run(['/bin/sh', launcher, pidPath, logPath, ...command], { timeoutMs: lifetimeMs })
      .finally(() => {
        done = true;
      });
    const readLog = () => (existsSync(logPath) ? readFileSync(logPath, 'utf8') : '');
    const launched = (async () => {
      const pid = await waitFor(`the pid of ${options.label}`, PID_FILE_WAIT, (problem) => {
        const match = /^(\d+)\n$/.exec(existsSync(pidPath) ? readFileSync(pidPath, 'utf8') : '');
        if (match) return Number(match[1]);
        if (done) throw new Error(`${options.label} ended before it started: ${readLog().trim()}`);
        return problem(`no pid file yet at ${pidPath}`);
      });
      // Tracked from the moment its pid is known, so a teardown racing this start still ends it.
      const launchedProcess: LabProcess = {
        label: options.label,
        ns,
        argv: [...argv],
        pid,
        logPath,
        exited,
        hasExited: () => done,
        readLog,
      };
      started.push(launchedProcess);
      try {
        await waitFor(`${options.label} to start`, PID_FILE_WAIT, (problem) =>
          done || !isStillLaunching(pid, launcher) ? true : problem(`pid ${pid} is still being launched`),
        );
      } catch (error) {
        await stop(launchedProcess);
        throw error;
      }
      return launchedProcess;
    })();
    pending.add(launched);
    try {
      return await launched;
    } finally {
      pending.delete(launched);
    }
  }

  async function stop(process: LabProcess): Promise<StopOutcome> {
    if (process.hasExited()) return 'already-exited';
    signal(process.pid, 'SIGTERM');
    if ((await within(process.exited, TERM_GRACE_MS, 'timeout')) !== 'timeout') return 'terminated';
    if (process.hasExited()) return 'terminated';
    signal(process.pid, 'SIGKILL');
    if ((await within(process.exited, KILL_GRACE_MS, 'timeout')) !== 'timeout') return 'killed';
    return process.hasExited() ? 'killed' : 'still-alive';
  }

  async function stopAll(): Promise<string[]> {
    closed = true;
    // A start still waiting for its pid file finishes (bounded) first, so its program is known.
    await Promise.allSettled([...pending]);
    const problems: string[] = [];
    for (const process of [...started].reverse()) {
      const outcome = await stop(process);
      if (outcome === 'still-alive') problems.push(`${process.label} (pid ${process.pid}) survived SIGKILL`);
    }
    return problems;
  }

  return { start, stop, stopAll, all: () => started };
}

/**
 * The pid file is written before the launcher execs `ip netns exec` (which then execs the
 * program), so for a moment the pid still belongs to the launcher or to `ip`/`unshare`, in this
 * process's namespace. `start` returns only once the program itself runs, so a caller that reads
 * /proc/PID right away sees the program in its namespace.
 */
function isStillLaunching(pid: number, launcher: string): boolean {
  let cmdline: string;
  try {
    cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
  } catch {
    return false;
  }
  return (
    cmdline.startsWith(`/bin/sh\0${launcher}\0`) ||
    cmdline.startsWith('ip\0netns\0exec\0') ||
    cmdline.startsWith('unshare\0-m\0--propagation\0private\0')
  );
}

/** The pid may only be signalled while its program is unreaped, which the callers check first. */
function signal(pid: number, name: NodeJS.Signals): void {
  try {
    process.kill(pid, name);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ESRCH') throw error;
  }
}
