/**
 * A lab for the benchmarks that change networking, and the built CLI run in its host namespace
 * exactly as an operator's shell on that host would run it (`ip netns exec HOST node dist/cli.js
 * ...`), with its state and root directories inside the lab's private dir.
 *
 * Teardown always runs: the lab ends every process in its namespaces by pid (a guardian
 * included) and deletes them; guardians seen here are also ended by pid if still alive.
 */
import { spawn } from 'node:child_process';
import { mkdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { createLab, type Lab, type NetnsSnapshot, snapshotDifferences } from '../source/lab/index.js';
import { sleep, waitFor } from '../source/lab/wait.js';
import { createJournalStore, type Journal } from '../source/txn/journal/journal.js';

/** dist/cli.js, next to this file's compiled form (dist/bench/). */
export const DIST_CLI = resolve(import.meta.dirname, '..', 'cli.js');
export const BRIDGE = 'fcbr0';

export interface CliRun {
  code: number | null;
  stdout: string;
  stderr: string;
  ms: number;
}

export interface BenchScene {
  lab: Lab;
  /** A fresh state and root directory for the next migration. */
  freshDirs(): { stateDir: string; rootDir: string };
  /** Runs the CLI in the host namespace, as the operator connected from the peer over SSH. */
  cli(args: readonly string[], timeoutMs?: number): Promise<CliRun>;
  /** Guardians to end by pid afterwards, should one still run. */
  guardians: Set<number>;
  /** The host namespace's state, and what differs from `before` (empty once restored). */
  differencesFrom(before: NetnsSnapshot): Promise<string[]>;
}

export async function withBenchLab<T>(body: (scene: BenchScene) => Promise<T>): Promise<T> {
  // DNS on the router, as in `bridge-migrate lab`: the nameserver check has something to ask.
  const lab = await createLab({ dns: true });
  const guardians = new Set<number>();
  let serial = 0;
  try {
    await lab.settle(lab.ns.host);
    return await body({
      lab,
      guardians,
      freshDirs() {
        serial += 1;
        const base = join(lab.dir, `run${serial}`);
        const rootDir = join(base, 'root');
        mkdirSync(rootDir, { recursive: true });
        return { stateDir: join(base, 'state'), rootDir };
      },
      cli: (args, timeoutMs) =>
        runCli(
          lab.ns.host,
          args,
          {
            SSH_CONNECTION: `${lab.peerAddress} 40022 ${lab.hostAddress} 22`,
          },
          timeoutMs,
        ),
      async differencesFrom(before) {
        return snapshotDifferences(before, await lab.snapshot(lab.ns.host));
      },
    });
  } finally {
    for (const pid of guardians) killIfStillOurs(pid, lab.dir);
    const report = await lab.teardown();
    if (report.problems.length > 0)
      process.stderr.write(`bench: lab teardown problems: ${report.problems.join('; ')}\n`);
  }
}

function runCli(
  ns: string,
  args: readonly string[],
  env: Record<string, string>,
  timeoutMs = 60_000,
): Promise<CliRun> {
  const started = performance.now();
  const child = spawn('ip', ['netns', 'exec', ns, process.execPath, DIST_CLI, ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, ...env },
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk) => {
    stdout += chunk;
  });
  child.stderr.on('data', (chunk) => {
    stderr += chunk;
  });
  const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
  return new Promise((done, fail) => {
    child.once('error', fail);
    // 'exit', not 'close': a guardian started by apply must not hold our pipes, but if one did,
    // the measurement should still end when the command does.
    child.once('exit', (code) => {
      clearTimeout(timer);
      done({ code, stdout, stderr, ms: performance.now() - started });
    });
  });
}

/** `status --json`: the pending migration's deadline (ms since the epoch) and guardian pid. */
export async function pendingStatus(
  scene: BenchScene,
  dirs: { stateDir: string; rootDir: string },
): Promise<{ deadline: number; guardianPid: number | null; phase: string }> {
  const status = await scene.cli([
    'status',
    '--json',
    '--state-dir',
    dirs.stateDir,
    '--root-dir',
    dirs.rootDir,
  ]);
  if (status.code !== 0) throw new Error(`status --json failed (${status.code}): ${status.stderr}`);
  const report = JSON.parse(status.stdout) as {
    migration: { deadline: string; phase: string; guardian: { pid: number } | null } | null;
  };
  if (!report.migration) throw new Error('status --json shows no migration');
  const guardianPid = report.migration.guardian?.pid ?? null;
  if (guardianPid !== null) scene.guardians.add(guardianPid);
  return { deadline: Date.parse(report.migration.deadline), guardianPid, phase: report.migration.phase };
}

/**
 * Polls the host namespace until it is back to `before`, bounded by `untilMs` (an epoch time);
 * returns the epoch time at which the matching snapshot had been read (an upper bound on the
 * moment of restoration, late by at most one poll). Polls every `intervalMs` from `fineFromMs`
 * on and only every 250 ms before, so a long wait does not load the two cores the guardian needs.
 */
export async function restoredAt(
  scene: BenchScene,
  before: NetnsSnapshot,
  options: { intervalMs: number; untilMs: number; fineFromMs?: number },
): Promise<number> {
  const fineFrom = options.fineFromMs ?? 0;
  let last: string[] = [];
  // Bounded by time and, since each poll takes at least `intervalMs`, by count.
  const maxPolls = Math.ceil((options.untilMs - Date.now()) / options.intervalMs) + 1;
  for (let poll = 0; poll < maxPolls && Date.now() <= options.untilMs; poll++) {
    last = await scene.differencesFrom(before);
    if (last.length === 0) return Date.now();
    await sleep(Date.now() < fineFrom ? COARSE_POLL_MS : options.intervalMs);
  }
  throw new Error(`the host was not back to its pre-state in time (still differs: ${last.join(', ')})`);
}

const COARSE_POLL_MS = 250;

/** Waits (bounded) for the guardian's (or a rollback's) recorded outcome: when, and what. */
export async function recordedOutcome(stateDir: string): Promise<{ at: number; label: string }> {
  const journal = await waitForJournal(stateDir, 'the outcome to be recorded', 20_000, (loaded) =>
    Boolean(loaded.outcome),
  );
  const outcome = journal.outcome as NonNullable<Journal['outcome']>;
  return { at: outcome.at, label: `${outcome.kind} (${outcome.reason})` };
}

/** Reads the journal in `stateDir` every 100 ms (bounded) until `accept` holds; returns it. */
export function waitForJournal(
  stateDir: string,
  what: string,
  timeoutMs: number,
  accept: (journal: Journal) => boolean,
): Promise<Journal> {
  const journals = createJournalStore({ purpose: 'bench' });
  return waitFor(
    what,
    { attempts: Math.ceil(timeoutMs / 100) + 1, intervalMs: 100, timeoutMs },
    async (problem) => {
      const journal = await journals.load(stateDir).catch(() => null);
      if (journal && accept(journal)) return journal;
      return problem(journal ? `phase ${journal.phase}` : 'no journal yet');
    },
  );
}

/** Only while the pid still runs something of this lab (its command line names the lab's dir). */
function killIfStillOurs(pid: number, labDir: string): void {
  try {
    if (!readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes(labDir)) return;
    process.kill(pid, 'SIGKILL');
  } catch {
    // already gone
  }
}
