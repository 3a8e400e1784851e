/**
 * The checks `confirm` and `rollback` share before they touch anything: root, not a replay, and a
 * journal that holds a migration in a phase the command can act on. Each refusal is one line with
 * the fix (Refused → exit 1, UsageError → exit 2); nothing is changed by a refusal.
 */

import { commandLine, type OperatorCommands } from '../plan/operator-commands.js';
import type { Journal } from '../txn/journal/journal.js';
import type { CommandDeps } from './command-deps.js';
import { Refused, UsageError } from './errors.js';
import type { CommonOptions } from './options.js';

/** The command a non-root operator is told to run again with sudo: the one they typed, in the same place. */
const ROOT_COMMANDS = {
  confirm: (commands: OperatorCommands) => commands.confirm,
  rollback: (commands: OperatorCommands) => commands.guidedRollback,
  'guard --rearm': (commands: OperatorCommands) => commands.rearm,
};

export function requireRealRoot(
  deps: CommandDeps,
  common: CommonOptions,
  command: 'confirm' | 'rollback' | 'guard --rearm',
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
      `run it as root: sudo ${commandLine(ROOT_COMMANDS[command](deps.commands))}`,
    );
  }
}

/** The current journal, or a refusal saying that there is no migration at all. */
export async function loadJournalOrRefuse(
  deps: CommandDeps,
  stateDir: string,
  command: string,
): Promise<Journal> {
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
