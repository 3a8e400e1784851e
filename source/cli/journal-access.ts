/**
 * The checks `confirm` and `rollback` share before they touch anything: root, not a replay, and a
 * journal that holds a migration in a phase the command can act on, made in this process's network
 * namespace. Each refusal is one line with
 * the fix (Refused → exit 1, UsageError → exit 2); nothing is changed by a refusal.
 */

import { stat } from 'node:fs/promises';
import { displaySafe } from '../plan/display-text.js';
import { commandLine, type ExecCommand, type OperatorCommands } from '../plan/operator-commands.js';
import type { Journal } from '../txn/journal/journal.js';
import { type CommandDeps, operatorCommands } from './command-deps.js';
import { Refused, UsageError } from './errors.js';
import { type CommonOptions, DEFAULT_STATE_DIR } from './options.js';

/** The command that acts on a journal's migration, per subcommand: named when it must run elsewhere. */
const ROOT_COMMANDS = {
  confirm: (commands: OperatorCommands) => commands.confirm,
  // The guardian itself is started by apply or `guard --rearm`: the operator's way to start one.
  guard: (commands: OperatorCommands) => commands.rearm,
  rollback: (commands: OperatorCommands) => commands.guidedRollback,
  'guard --rearm': (commands: OperatorCommands) => commands.rearm,
};

export function requireRealRoot(
  deps: CommandDeps,
  common: CommonOptions,
  command: 'confirm' | 'rollback' | 'guard --rearm',
  /** The command the operator ran, in this place (with --yes if given), to repeat with sudo. */
  ranAs: ExecCommand,
): void {
  if (common.replay) {
    throw new UsageError(
      `--replay probes a recording; \`${command}\` acts on this host's journal`,
      'drop --replay',
    );
  }
  if (deps.uid !== 0) {
    throw new Refused(
      `${command} needs root: the journal is root-only and the change is to links, addresses and routes`,
      `run it as root: sudo ${commandLine(ranAs)}`,
    );
  }
}

/** The current journal, or a refusal saying that there is no migration at all. */
export async function loadJournalOrRefuse(
  deps: CommandDeps,
  stateDir: string,
  command: string,
): Promise<Journal> {
  await requireStateDir(stateDir);
  const journal = await deps.journal.load(stateDir);
  if (!journal) {
    throw new Refused(
      `nothing to ${command}: there is no migration journal in ${stateDir}`,
      `see \`${commandLine(deps.commands.status)}\`; pass --state-dir if the migration used another state directory`,
    );
  }
  return journal;
}

export function describeMigration(journal: Journal): string {
  return `the migration of ${journal.nic} into ${journal.bridge}`;
}

/** The `ip netns` name the journal's migration was made in; null: the host's own namespace. */
export function journalNetns(journal: Journal): string | null {
  return journal.plan.request?.netns ?? null;
}

/** "namespace X" or "the host's own namespace", for one line of text. */
export function namespaceName(netns: string | null): string {
  return netns === null ? "the host's own network namespace" : `network namespace ${displaySafe(netns)}`;
}

/**
 * The commands this run names, but built for the journal's namespace (`ip netns exec X ...`, or
 * none for the host's own): what must be run to act on that journal's migration.
 */
export function journalCommands(journal: Journal, common: CommonOptions): OperatorCommands {
  return operatorCommands({ ...common, netns: journalNetns(journal) });
}

/**
 * Refuses (exit 1, before any change) when this process runs in another network namespace than
 * the one the journal's migration was made in: its steps and inverses name the links and routes
 * of THAT namespace, so a rollback run from the host would delete the lab's bridge name and
 * replace the default route on the real host, and one run from another lab acts on that lab.
 * The fix is the same command, built with the journal's namespace.
 */
export function requireJournalNamespace(
  journal: Journal,
  common: CommonOptions,
  command: keyof typeof ROOT_COMMANDS,
): void {
  const made = journalNetns(journal);
  const here = common.netns ?? null;
  if (made === here) return;
  const there = commandLine(ROOT_COMMANDS[command](journalCommands(journal, common)));
  throw new Refused(
    `${command} acts on ${describeMigration(journal)}, made in ${namespaceName(made)}, but this process runs in ${namespaceName(here)}; run here it would change the wrong network`,
    made === null ? `run it from the host's own namespace: ${there}` : `run it there: ${there}`,
  );
}

/**
 * A --state-dir that is not there is a typo or the wrong host, not "no migration": saying "none
 * recorded" would tell the operator a pending change does not exist. The default directory is
 * different: it is made by the first `apply`, so its absence does mean nothing was ever recorded.
 * `status`, `confirm` and `rollback` say the same (exit 2).
 */
export async function requireStateDir(stateDir: string): Promise<void> {
  const found = await stat(stateDir).catch((error: NodeJS.ErrnoException) =>
    error.code === 'ENOENT' || error.code === 'ENOTDIR' ? null : 'unknown',
  );
  if (found === 'unknown') return; // unreadable: the journal read below reports why
  if (found === null) {
    if (stateDir === DEFAULT_STATE_DIR) return;
    throw new UsageError(
      `the state directory ${stateDir} does not exist`,
      'pass the --state-dir that `apply` used (default /var/lib/bridge-migrate)',
    );
  }
  if (!found.isDirectory()) {
    throw new UsageError(
      `the state directory ${stateDir} is not a directory`,
      'pass the --state-dir that `apply` used (default /var/lib/bridge-migrate)',
    );
  }
}
