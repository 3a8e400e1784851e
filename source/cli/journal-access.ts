/**
 * The checks `confirm` and `rollback` share before they touch anything: root, not a replay, and a
 * journal that holds a migration in a phase the command can act on. Each refusal is one line with
 * the fix (Refused → exit 1, UsageError → exit 2); nothing is changed by a refusal.
 */

import { stat } from 'node:fs/promises';
import { commandLine, type ExecCommand } from '../plan/operator-commands.js';
import type { Journal } from '../txn/journal/journal.js';
import type { CommandDeps } from './command-deps.js';
import { Refused, UsageError } from './errors.js';
import { type CommonOptions, DEFAULT_STATE_DIR } from './options.js';

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
