/**
 * `bridge-migrate status [--json]`: the host's mode from a fresh, read-only probe, the journal's
 * migration (phase, deadline and seconds left, guardian alive and its heartbeat, last outcome) and
 * who holds the lock. It changes nothing and needs no root when the state directory is readable;
 * when it is not, it reports what it could and says how to run it (exit 1). Exit 0 otherwise.
 */

import { stat } from 'node:fs/promises';
import { commandLine } from '../plan/operator-commands.js';
import { UntrustedPath } from '../system/trusted-path.js';
import { RUNTIME_DIR, readRevertOutcome } from '../txn/engine/runtime-state.js';
import { guardianBlocker } from '../txn/guardian/guardian-status.js';
import type { Journal } from '../txn/journal/journal.js';
import { readLockHolder } from '../txn/journal/lock.js';
import type { CommandDeps } from './command-deps.js';
import { EXIT, UsageError } from './errors.js';
import { hostMode } from './host-mode.js';
import { journalCommands, journalNetns } from './journal-access.js';
import { type CommonOptions, DEFAULT_STATE_DIR } from './options.js';
import { buildStatus, statusText } from './status-report.js';

export async function runStatusCommand(
  deps: CommandDeps,
  common: CommonOptions,
  options: { json: boolean },
): Promise<number> {
  const { stateDir } = common;
  await requireStateDir(stateDir);
  const problems: string[] = [];
  const unreadable = (what: string, error: unknown) => {
    const message = error instanceof Error ? error.message : String(error);
    const fix = deps.uid === 0 ? '' : `; run it as root: sudo ${commandLine(deps.commands.status)}`;
    problems.push(`${what}: ${message}${fix}`);
  };

  const mode = hostMode(await deps.probe());
  let journal: Journal | null = null;
  try {
    journal = await deps.journal.load(stateDir);
  } catch (error) {
    // A state directory that is not root's alone is refused outright (exit 1, one line): a report
    // built from it could show a deadline or guardian that someone else wrote.
    if (error instanceof UntrustedPath) throw error;
    unreadable('the journal could not be read', error);
  }
  let lock: Awaited<ReturnType<typeof readLockHolder>> = null;
  try {
    lock = await readLockHolder(stateDir);
  } catch (error) {
    if (error instanceof UntrustedPath) throw error;
    unreadable('the lock could not be read', error);
  }
  const guardianPid = journal?.guardian?.pid;
  const guardianAlive = guardianPid === undefined ? false : await deps.processExists(guardianPid);
  const runtime = journal
    ? {
        guardianBlocker:
          guardianPid === undefined ? null : await guardianBlocker(journal, guardianPid, RUNTIME_DIR),
        revert: await readRevertOutcome(RUNTIME_DIR, journal.id),
      }
    : undefined;

  // A journal made in another network namespace is acted on there: every command named is the
  // journal's (`ip netns exec X ...`, or none for the host's own), and the report says where.
  const made = journal ? journalNetns(journal) : null;
  const here = common.netns ?? null;
  const elsewhere = journal !== null && made !== here;
  const commands = journal && elsewhere ? journalCommands(journal, common) : deps.commands;
  const report = buildStatus({
    commands,
    ...(elsewhere ? { namespace: { migration: made, thisProcess: here } } : {}),
    mode,
    replayFile: common.replay,
    stateDir,
    journal,
    guardianAlive,
    ...(runtime ? { runtime } : {}),
    lock,
    problems,
    now: deps.clock.now(),
  });
  if (options.json) deps.out.stdout(`${JSON.stringify(report, null, 2)}\n`);
  else for (const line of statusText(report, commands)) deps.out.stdout(`${line}\n`);
  return problems.length > 0 ? EXIT.refused : EXIT.ok;
}

/**
 * A --state-dir that is not there is a typo or the wrong host, not "no migration": saying "none
 * recorded" would tell the operator a pending change does not exist. The default directory is
 * different: it is made by the first `apply`, so its absence does mean nothing was ever recorded.
 */
async function requireStateDir(stateDir: string): Promise<void> {
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
