/**
 * `bridge-migrate status [--json]`: the host's mode from a fresh, read-only probe, the journal's
 * migration (phase, deadline and seconds left, guardian alive and its heartbeat, last outcome) and
 * who holds the lock. It changes nothing and needs no root when the state directory is readable;
 * when it is not, it reports what it could and says how to run it (exit 1). Exit 0 otherwise.
 */

import { commandLine } from '../plan/operator-commands.js';
import { OperatorError } from '../system/operator-error.js';
import { UntrustedPath } from '../system/trusted-path.js';
import { RUNTIME_DIR, readRevertOutcome } from '../txn/engine/runtime-state.js';
import { guardianBlocker } from '../txn/guardian/guardian-status.js';
import { type Journal, JournalUnreadable } from '../txn/journal/journal.js';
import { readLockHolder } from '../txn/journal/lock.js';
import type { CommandDeps } from './command-deps.js';
import { EXIT } from './errors.js';
import { hostMode } from './host-mode.js';
import { journalCommands, journalNetns, requireStateDir } from './journal-access.js';
import type { CommonOptions } from './options.js';
import { buildStatus, statusText } from './status-report.js';

export async function runStatusCommand(
  deps: CommandDeps,
  common: CommonOptions,
  options: { json: boolean },
): Promise<number> {
  const { stateDir } = common;
  await requireStateDir(stateDir);
  const problems: string[] = [];
  const unread: Array<'journal' | 'lock'> = [];
  // Why, in one clause, and the fix once: as non-root the fix is always sudo, and a journal and a
  // lock in the same root-only directory fail for the same reason, said once.
  const unreadable = (what: 'journal' | 'lock', error: unknown) => {
    unread.push(what);
    const why = unreadableWhy(error);
    if (what === 'lock' && unread.includes('journal') && why === 'permission denied') return;
    const fix =
      deps.uid !== 0
        ? `run it as root: sudo ${commandLine(deps.commands.status)}`
        : error instanceof OperatorError
          ? error.fix
          : null;
    problems.push(`the ${what} could not be read: ${why}${fix ? `; ${fix}` : ''}`);
  };

  const snapshot = await deps.probe();
  const mode = hostMode(snapshot);
  let journal: Journal | null = null;
  try {
    journal = await deps.journal.load(stateDir);
  } catch (error) {
    // A state directory that is not root's alone is refused outright (exit 1, one line): a report
    // built from it could show a deadline or guardian that someone else wrote.
    if (error instanceof UntrustedPath) throw error;
    unreadable('journal', error);
  }
  let lock: Awaited<ReturnType<typeof readLockHolder>> = null;
  try {
    lock = await readLockHolder(stateDir);
  } catch (error) {
    if (error instanceof UntrustedPath) throw error;
    unreadable('lock', error);
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
    // The lease's end is read off the bridge here; a migration made in another namespace has its
    // bridge there, so nothing here can say when its lease ends.
    bridgeAddresses: elsewhere ? [] : snapshot.addresses,
    replayFile: common.replay,
    stateDir,
    journal,
    guardianAlive,
    ...(runtime ? { runtime } : {}),
    lock,
    problems,
    unread,
    now: deps.clock.now(),
  });
  if (options.json) deps.out.stdout(`${JSON.stringify(report, null, 2)}\n`);
  else for (const line of statusText(report, commands)) deps.out.stdout(`${line}\n`);
  return problems.length > 0 ? EXIT.refused : EXIT.ok;
}

/** Why a read failed, as one clause: no errno prefix, no path (the report names the directory). */
function unreadableWhy(error: unknown): string {
  const code = (error as NodeJS.ErrnoException | null)?.code;
  if (code === 'EACCES' || code === 'EPERM') return 'permission denied';
  if (error instanceof JournalUnreadable) return error.why;
  if (error instanceof OperatorError) return error.problem;
  return error instanceof Error ? error.message : String(error);
}
