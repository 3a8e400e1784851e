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
import {
  buildOperatorCommands,
  type CommandPlace,
  type ExecCommand,
  type OperatorCommands,
  toolCommand,
} from '../plan/operator-commands.js';
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
import { type CommonOptions, DEFAULT_BRIDGE, DEFAULT_TIMEOUT_SEC } from './options.js';
import type { Output } from './terminal-output.js';

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
  guardianLaunch: { selfArgv: string[]; logPath: string | null; rootDir: string; commands: OperatorCommands };
  /** Effective uid of this process: confirm and rollback need root. */
  uid: number;
  clock: { now(): number };
  /** Whether the guardian with this pid is alive: it exists, is no zombie and runs `guard`. */
  processExists(pid: number): Promise<boolean>;
  /** Asks a y/N question on the terminal; null when stdin is not a terminal. */
  ask: ((question: string) => Promise<boolean>) | null;
  glyphs: Glyphs;
  out: Output;
  /**
   * The commands every text of this run names (confirm, rollback, status, rearm), built once from
   * where it acts: --state-dir, --root-dir, the lab's namespace (plan/operator-commands.ts).
   */
  commands: OperatorCommands;
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
  const commands = operatorCommands(common);
  const journal = createJournalStore({ purpose: options.purpose, commands });
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
      commands,
    },
    uid: access.env.uid,
    clock,
    // The guardian's identity, not just its pid: a pid reused by another process after the
    // guardian died must not pass for a live guardian (that is the silent dead guardian).
    processExists: (pid) => isGuardianProcess(createHostFiles(), pid),
    ask: process.stdin.isTTY ? terminalQuestion : null,
    glyphs: options.glyphs,
    out: options.out,
    commands,
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
 * How an operator starts this tool again: `bridge-migrate` when it was run by that name (installed
 * with npm, or the single file on PATH), else `node /abs/path/cli.js`, the way the README runs a
 * checkout — a suggested `bridge-migrate confirm` that is not on PATH fails while the deadline runs.
 */
export function selfCommand(argv: readonly string[] = process.argv): string[] {
  const script = argv[1];
  if (!script || basename(script) === 'bridge-migrate') return ['bridge-migrate'];
  return ['node', resolve(script)];
}

/**
 * The commands another session runs, naming every option that says where (plan/operator-commands.ts
 * CommandPlace). Built once per run from its options, and passed down to whatever names one.
 */
export function operatorCommands(place: string | CommandPlace): OperatorCommands {
  return buildOperatorCommands(typeof place === 'string' ? { stateDir: place } : place);
}

/** The options that name this run's uplink, bridge and deadline, each left out at its default. */
function targetArgs(target: { nic: string | null; bridge: string; timeoutSec: number }): string[] {
  return [
    ...(target.nic ? ['--nic', target.nic] : []),
    ...(target.bridge === DEFAULT_BRIDGE ? [] : ['--bridge', target.bridge]),
    ...(target.timeoutSec === DEFAULT_TIMEOUT_SEC ? [] : ['--timeout', String(target.timeoutSec)]),
  ];
}

/** `apply --yes` for the same uplink, bridge and deadline as this run, in the same place. */
export function applyCommand(
  place: CommandPlace,
  target: { nic: string | null; bridge: string; timeoutSec: number },
): ExecCommand {
  return toolCommand(place, 'apply', ['--yes', ...targetArgs(target)]);
}

/** The interactive TUI (no subcommand) for the same uplink, bridge and deadline, in the same place. */
export function tuiCommand(
  place: CommandPlace,
  target: { nic: string | null; bridge: string; timeoutSec: number },
): ExecCommand {
  return toolCommand(place, null, targetArgs(target));
}

/** `plan` for the same uplink, bridge and deadline as this run, in the same place. */
export function planCommand(
  place: CommandPlace,
  target: { nic: string | null; bridge: string; timeoutSec: number },
): ExecCommand {
  return toolCommand(place, 'plan', targetArgs(target));
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
