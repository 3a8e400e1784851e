/**
 * `bridge-migrate guard --rearm`: a pending change whose guardian is gone (killed, crashed, never
 * recorded) gets a new one for the SAME journal and deadline, started the way `apply` starts it
 * (txn/guardian/guardian-launch.ts: systemd-run or a detached child). The deadline is the journal's: if it
 * has passed already, re-arming means what the guardian would do at once, so this reverts now, in
 * the foreground, and reports like `rollback` (exit 3 or 4).
 * Exit 0: re-armed. 1: refused, nothing changed (not root, nothing pending in a countdown phase,
 * the guardian still alive). 2: usage (--replay).
 */

import { commandLine } from '../plan/operator-commands.js';
import { guardianAlert } from '../txn/guardian/guardian-alert.js';
import { clockTime } from '../ui/migration-text.js';
import type { CommandDeps } from './command-deps.js';
import { EXIT, Refused } from './errors.js';
import {
  describeMigration,
  loadJournalOrRefuse,
  requireJournalNamespace,
  requireRealRoot,
} from './journal-access.js';
import type { CommonOptions } from './options.js';
import { revertReport, secondsLeft } from './report-text.js';

export async function runRearmCommand(deps: CommandDeps, common: CommonOptions): Promise<number> {
  const { out, glyphs } = deps;
  const [confirm, rollback, status] = [
    deps.commands.confirm,
    deps.commands.rollback,
    deps.commands.status,
  ].map(commandLine);
  requireRealRoot(deps, common, 'guard --rearm', deps.commands.rearm);
  const journal = await loadJournalOrRefuse(deps, common.stateDir, 'guard');
  requireJournalNamespace(journal, common, 'guard --rearm');
  const alive = journal.guardian ? await deps.processExists(journal.guardian.pid) : false;
  const alert = guardianAlert(journal, alive, deps.clock.now());
  if (!alert) {
    throw new Refused(
      alive && journal.guardian
        ? `the guardian (pid ${journal.guardian.pid}) of ${describeMigration(journal)} is running; there is nothing to re-arm`
        : `nothing to re-arm: ${describeMigration(journal)} is ${journal.phase}, and no deadline runs in that phase`,
      `see \`${status}\``,
    );
  }
  out.stderr(`bridge-migrate: ${alert.problem}\n`);
  if (alert.overdue) {
    // What the guardian would have done at the deadline, done now and watched by the operator.
    out.stderr('the deadline has passed: re-arming means reverting now, as the guardian would have\n');
    const revert = await deps.engine().revert('timeout');
    for (const line of revertReport(revert, null, glyphs)) out.stdout(`${line}\n`);
    return revert.kind === 'reverted' ? EXIT.reverted : EXIT.revertIncomplete;
  }
  const info = await deps.armGuardian({ stateDir: common.stateDir, ...deps.guardianLaunch });
  const left = secondsLeft(journal.deadline, deps.clock.now());
  out.stdout(
    `${glyphs.ok} Guardian re-armed (pid ${info.pid}, ${info.mode}${info.unit ? `, unit ${info.unit}` : ''}): it reverts the change at ${clockTime(journal.deadline)}, ${left} s from now, unless it is confirmed.\n`,
  );
  out.stdout(`Keep it:     ${confirm}\nUndo it now: ${rollback}\n`);
  return EXIT.ok;
}
