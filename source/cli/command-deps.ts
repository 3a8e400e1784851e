/**
 * What the headless commands (apply, rollback, confirm, status) work with, as one object: the
 * probe and planner, the journal, an engine factory, the guardian, the process table and the
 * terminal. cli.tsx builds the real one with `realCommandDeps`; tests pass fakes (a fake engine,
 * a replayed host, a temp state directory).
 */
import { basename, resolve } from 'node:path';
import { createInterface } from 'node:readline/promises';
import { probeHost } from '../host/probe.js';
import type { ProbeListener } from '../host/probe-api.js';
import type { HostSnapshot } from '../host/snapshot.js';
import { buildPlan } from '../plan/build.js';
import { shellQuote } from '../plan/command-text.js';
import type { Plan, PlanRequest } from '../plan/types.js';
import { createHostFiles } from '../system/host-files.js';
import { createEngine } from '../txn/engine/engine.js';
import type { Engine, EngineListener } from '../txn/engine/engine-api.js';
import type { ArmGuardian } from '../txn/guardian/guardian-api.js';
import { armGuardian } from '../txn/guardian/guardian-launch.js';
import { isGuardianProcess } from '../txn/guardian/guardian-status.js';
import { createJournalStore, type JournalStore, JournalUnreadable } from '../txn/journal/journal.js';
import type { Glyphs } from '../ui/glyphs.js';
import type { HostAccess } from './host-access.js';
import { type CommonOptions, DEFAULT_BRIDGE, DEFAULT_STATE_DIR, DEFAULT_TIMEOUT_SEC } from './options.js';
import type { Output } from './plan-command.js';

export interface CommandDeps {
  /** A fresh, read-only look at the host (or at a replayed recording), each probe told to `listener`. */
  probe(listener?: ProbeListener): Promise<HostSnapshot>;
  plan(snapshot: HostSnapshot, request: PlanRequest): Plan;
  journal: JournalStore;
  /** An engine on this state directory that reports to `listener`. */
  engine(listener?: EngineListener): Engine;
  /** Starts the dead-man guardian before the first change (txn/guardian/guardian-launch.ts). */
  armGuardian: ArmGuardian;
  /** How the guardian starts this program again, and the log it appends to. */
  guardianLaunch: { selfArgv: string[]; logPath: string | null; rootDir: string };
  /** Effective uid of this process: confirm and rollback need root. */
  uid: number;
  clock: { now(): number };
  /** Whether the guardian with this pid is alive: it exists, is no zombie and runs `guard`. */
  processExists(pid: number): Promise<boolean>;
  /** Asks a y/N question on the terminal; null when stdin is not a terminal. */
  ask: ((question: string) => Promise<boolean>) | null;
  glyphs: Glyphs;
  out: Output;
}

export interface RealDepsOptions {
  /** Who is writing, shown to a process that finds the journal's lock held. */
  purpose: string;
  glyphs: Glyphs;
  out: Output;
}

export function realCommandDeps(
  access: HostAccess,
  common: CommonOptions,
  options: RealDepsOptions,
): CommandDeps {
  const journal = createJournalStore({ purpose: options.purpose });
  const clock = { now: () => Date.now() };
  return {
    probe: (listener) => probeHost(access, listener),
    plan: buildPlan,
    journal,
    engine: (listener) =>
      createEngine({
        runner: access.runner,
        files: access.files,
        env: access.env,
        stateDir: common.stateDir,
        journal,
        clock,
        log: access.log,
        ...(listener ? { listener } : {}),
      }),
    armGuardian,
    guardianLaunch: {
      selfArgv: [process.execPath, process.argv[1] ?? 'bridge-migrate'],
      logPath: access.logPath,
      // The guardian must revert the same /run files apply wrote: ROOT/run/... under --root-dir.
      rootDir: common.rootDir,
    },
    uid: access.env.uid,
    clock,
    // The guardian's identity, not just its pid: a pid reused by another process after the
    // guardian died must not pass for a live guardian (that is the silent dead guardian).
    processExists: (pid) => isGuardianProcess(createHostFiles(), pid),
    ask: process.stdin.isTTY ? terminalQuestion : null,
    glyphs: options.glyphs,
    out: options.out,
  };
}

/** y/N on the terminal; anything but y or yes is no. The prompt goes to stderr, like progress. */
async function terminalQuestion(question: string): Promise<boolean> {
  const prompt = createInterface({ input: process.stdin, output: process.stderr });
  try {
    return /^\s*y(es)?\s*$/i.test(await prompt.question(question));
  } finally {
    prompt.close();
  }
}

/**
 * Where the commands another session runs must act: this run's state and root directories, and
 * the named network namespace it runs in (`bridge-migrate lab` runs the TUI inside one). A command
 * that leaves any of them out acts on a different host: `rollback` without the lab's
 * `ip netns exec` would revert the machine's REAL uplink, and without --root-dir the wrong /run.
 */
export interface CommandPlace {
  stateDir: string;
  rootDir?: string;
  /** The `ip netns` name this process runs in; null or absent in the host's own namespace. */
  netns?: string | null;
  /** How the operator starts this tool (selfCommand); absent: the installed `bridge-migrate`. */
  program?: string;
}

/**
 * How an operator starts this tool again: `bridge-migrate` when it was run by that name (installed
 * with npm, or the single file on PATH), else `node /abs/path/cli.js`, the way the README runs a
 * checkout — a suggested `bridge-migrate confirm` that is not on PATH fails while the deadline runs.
 */
export function selfCommand(argv: readonly string[] = process.argv): string {
  const script = argv[1];
  if (!script || basename(script) === 'bridge-migrate') return 'bridge-migrate';
  return `node ${shellQuote(resolve(script))}`;
}

/** How every suggested command starts: `[ip netns exec NS ]bridge-migrate SUBCOMMAND`. */
function commandFor(place: CommandPlace, subcommand: string, extra: readonly string[] = []): string {
  const prefix = place.netns ? `ip netns exec ${shellQuote(place.netns)} ` : '';
  const where = [
    ...(place.stateDir === DEFAULT_STATE_DIR ? [] : ['--state-dir', place.stateDir]),
    ...(place.rootDir === undefined || place.rootDir === '/' ? [] : ['--root-dir', place.rootDir]),
  ];
  const args = [...extra, ...where].map(shellQuote).join(' ');
  return `${prefix}${place.program ?? 'bridge-migrate'} ${subcommand}${args ? ` ${args}` : ''}`;
}

/** The commands another session runs, naming every option that says where (see CommandPlace). */
export function operatorCommands(place: string | CommandPlace): {
  confirm: string;
  rollback: string;
  status: string;
  rearm: string;
} {
  const at = typeof place === 'string' ? { stateDir: place } : place;
  return {
    confirm: commandFor(at, 'confirm'),
    rollback: commandFor(at, 'rollback', ['--yes']),
    status: commandFor(at, 'status'),
    // A new guardian for the pending change whose guardian is gone (rearm-command.ts).
    rearm: commandFor(at, 'guard', ['--rearm']),
  };
}

/** `apply --yes` for the same uplink, bridge and deadline as this run, in the same place. */
export function applyCommand(
  place: CommandPlace,
  target: { nic: string | null; bridge: string; timeoutSec: number },
): string {
  return commandFor(place, 'apply', [
    '--yes',
    ...(target.nic ? ['--nic', target.nic] : []),
    ...(target.bridge === DEFAULT_BRIDGE ? [] : ['--bridge', target.bridge]),
    ...(target.timeoutSec === DEFAULT_TIMEOUT_SEC ? [] : ['--timeout', String(target.timeoutSec)]),
  ]);
}

/**
 * The probe, with the journal's pending migration filled in (the probe leaves it to the layer that
 * owns the state directory), so the plan's "another migration pending" blocker can see it.
 */
export async function probeWithJournal(
  deps: CommandDeps,
  stateDir: string,
  listener?: ProbeListener,
): Promise<HostSnapshot> {
  return withPendingMigration(await deps.probe(listener), deps, stateDir);
}

/** A journal this user cannot read is left out: the plan then refuses for want of root anyway. */
export async function withPendingMigration(
  snapshot: HostSnapshot,
  deps: Pick<CommandDeps, 'journal' | 'uid'>,
  stateDir: string,
): Promise<HostSnapshot> {
  let journal = null;
  try {
    journal = await deps.journal.load(stateDir);
  } catch (error) {
    if (!(error instanceof JournalUnreadable) || deps.uid === 0) throw error;
  }
  if (!journal || !deps.journal.isPending(journal)) return snapshot;
  return {
    ...snapshot,
    pendingMigration: { phase: journal.phase, nic: journal.nic, bridge: journal.bridge },
  };
}
