/**
 * `bridge-migrate confirm`: keep the pending change. Root only. Best run from a NEW SSH session,
 * which proves that a connection over the new path works. Exit 0 confirmed; 1 refused, nothing
 * changed (not root, no journal, nothing awaiting confirmation, the deadline has passed); 3 the
 * config could not be written, so the files were restored and the change reverted; 4 that revert
 * is incomplete.
 */

import { commandLine } from '../plan/operator-commands.js';
import { guardianAlert } from '../txn/guardian/guardian-alert.js';
import { confirmedContent } from '../ui/outcome-content.js';
import { applyCommand, type CommandDeps } from './command-deps.js';
import { confirmAndSettle } from './confirm-migration.js';
import { EXIT, Refused } from './errors.js';
import {
  describeMigration,
  loadJournalOrRefuse,
  requireJournalNamespace,
  requireRealRoot,
} from './journal-access.js';
import type { CommonOptions } from './options.js';
import { outcomeLines, progressLines, revertReport } from './report-text.js';

/** Why a journal in this phase cannot be confirmed, naming this run's `status` and `apply` commands. */
const PHASE_FIXES: Record<string, (commands: { status: string; apply: string }) => string> = {
  planned: () => 'it is still being applied; wait for `apply` to finish, then confirm',
  applying: () => 'it is still being applied; wait for `apply` to finish, then confirm',
  confirmed: ({ status }) => `nothing to do; \`${status}\` shows it`,
  persisting: ({ status }) => `nothing to do; \`${status}\` shows it`,
  persisted: ({ status }) => `nothing to do; \`${status}\` shows it`,
  reverting: ({ status }) => `it is being reverted; \`${status}\` shows the outcome`,
  reverted: ({ apply }) => `the host is back as it was; to make the change, run \`${apply}\``,
  'revert-incomplete': ({ status }) =>
    `its revert is incomplete; \`${status}\` shows what is left and how to finish it`,
};

export async function runConfirmCommand(deps: CommandDeps, common: CommonOptions): Promise<number> {
  const { out, glyphs } = deps;
  requireRealRoot(deps, common, 'confirm', deps.commands.confirm);
  const journal = await loadJournalOrRefuse(deps, common.stateDir, 'confirm');
  requireJournalNamespace(journal, common, 'confirm');
  if (journal.phase !== 'applied') {
    const status = commandLine(deps.commands.status);
    const apply = commandLine(applyCommand(common, journal));
    throw new Refused(
      `nothing to confirm: ${describeMigration(journal)} is ${journal.phase}`,
      PHASE_FIXES[journal.phase]?.({ status, apply }) ?? `see \`${status}\``,
    );
  }
  // A dead guardian is said first, even here: had this confirm not come, nothing would have
  // reverted the change at the deadline (and confirming is still the operator's call).
  const alive = journal.guardian ? await deps.processExists(journal.guardian.pid) : false;
  const alert = guardianAlert(journal, alive, deps.clock.now());
  if (alert) out.stderr(`bridge-migrate: ${alert.problem}; confirming keeps the change as it is\n`);
  // Each part of the persist is printed as it goes (stderr, like apply's steps).
  const engine = deps.engine((event) => {
    for (const line of progressLines(event, journal.plan, glyphs)) out.stderr(`${line}\n`);
  });
  const outcome = await confirmAndSettle(engine, journal.plan, journal.preState, deps.commands);
  const failed = outcome.persistFailed;
  if (failed) {
    for (const line of revertReport(failed.revert, `${failed.part}: ${failed.failure}`, glyphs))
      out.stdout(`${line}\n`);
    out.stderr(
      `bridge-migrate: writing the config failed (${failed.failure}); every file it touched was restored and the change ${failed.revert.kind === 'reverted' ? 'reverted' : 'partly reverted'}\n`,
    );
    return failed.revert.kind === 'reverted' ? EXIT.reverted : EXIT.revertIncomplete;
  }
  const content = confirmedContent(
    { plan: journal.plan, confirmation: outcome, elsewhere: false, rollback: deps.commands.rollback },
    glyphs,
  );
  out.stdout(`${outcomeLines(content).join('\n')}\n`);
  return EXIT.ok;
}
