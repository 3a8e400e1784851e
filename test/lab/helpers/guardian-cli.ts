/**
 * Running the BUILT command line (dist/cli.js, `npm run build`) inside a lab namespace, as an
 * operator's shell on that host would: `ip netns exec HOST node dist/cli.js ...`. `ip netns exec`
 * execs node, so the child's pid is the tool's own pid, and everything the tool starts (the
 * guardian, a restarted DHCP client) lives in the host namespace too.
 */
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { waitFor } from '../../../source/lab/wait.js';
import { createJournalStore, type Journal } from '../../../source/txn/journal/journal.js';
import { isAlive } from './lab-state.js';

export const DIST_CLI = join(resolve(dirname(fileURLToPath(import.meta.url)), '../../..'), 'dist/cli.js');

export interface CliRun {
  pid: number;
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** `apply --yes` on the lab's uplink, runtime only, with a deadline no lab test reaches by accident. */
export const APPLY_PENDING: readonly string[] = [
  'apply',
  '--yes',
  '--nic',
  'ens18',
  '--persist',
  'none',
  '--timeout',
  '600',
];

export function requireBuiltCli(): void {
  if (!existsSync(DIST_CLI)) throw new Error(`${DIST_CLI} is missing: run \`npm run build\` first`);
}

/** Runs the tool in `ns` to its end; killed by pid (and reported as such) after `timeoutMs`. */
export function runCliIn(
  ns: string,
  args: readonly string[],
  options: { env?: NodeJS.ProcessEnv; timeoutMs?: number } = {},
): Promise<CliRun> {
  return runCliUnder(['ip', 'netns', 'exec', ns], args, options);
}

/** The same, under any prefix that enters a namespace and execs the rest (a lab machine's `nsenter`). */
export function runCliUnder(
  prefix: readonly string[],
  args: readonly string[],
  options: { env?: NodeJS.ProcessEnv; timeoutMs?: number } = {},
): Promise<CliRun> {
  const [program = 'ip', ...rest] = prefix;
  const child = spawn(program, [...rest, process.execPath, DIST_CLI, ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, ...options.env },
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk) => {
    stdout += chunk;
  });
  child.stderr.on('data', (chunk) => {
    stderr += chunk;
  });
  const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 60_000);
  return new Promise((done, fail) => {
    child.once('error', fail);
    // 'close', not 'exit': it also waits for the pipes, which a guardian holding them would keep
    // open; the guardian must not hold them, so this also checks that it let go of them.
    child.once('close', (code, signal) => {
      clearTimeout(timer);
      done({ pid: child.pid ?? -1, code, signal, stdout, stderr });
    });
  });
}

/** Waits, bounded, until the journal in `stateDir` satisfies `accept`; returns that journal. */
export function waitForJournal(
  stateDir: string,
  what: string,
  bounds: { timeoutMs: number; intervalMs?: number },
  accept: (journal: Journal) => boolean,
): Promise<Journal> {
  const store = createJournalStore({ purpose: 'lab test' });
  const intervalMs = bounds.intervalMs ?? 50;
  return waitFor(
    what,
    { attempts: Math.ceil(bounds.timeoutMs / intervalMs) + 1, intervalMs, timeoutMs: bounds.timeoutMs },
    async (problem) => {
      const journal = await store.load(stateDir).catch(() => null);
      if (journal && accept(journal)) return journal;
      return problem(journal ? `phase ${journal.phase}` : 'no journal');
    },
  );
}

/** The last lines of the guardian's debug log, for a failure message. */
export function logTail(path: string, lines = 40): string {
  try {
    return readFileSync(path, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
  } catch {
    return `(no log at ${path})`;
  }
}

/** SIGKILL by pid for every pid still alive; returns those it had to kill. */
export function killAlive(pids: Iterable<number>): number[] {
  const killed: number[] = [];
  for (const pid of pids) {
    if (!isAlive(pid)) continue;
    try {
      process.kill(pid, 'SIGKILL');
      killed.push(pid);
    } catch {
      // ended meanwhile
    }
  }
  return killed;
}
