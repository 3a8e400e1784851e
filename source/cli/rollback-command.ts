/**
 * `bridge-migrate rollback [--yes]`: undo the pending change now, from the journal alone, in any
 * process (the one that applied it may be long gone). Without --yes on a terminal it opens the
 * guided rollback screen (rollback-screen.tsx: the pending change, y/N, each step undone, the
 * comparison with the pre-state); with only stdin a terminal it asks y/N on the line; without a
 * terminal it refuses to guess and points at --yes.
 *
 * A persisted migration (phase persisted, files written) is undone under a guardian with a fresh
 * deadline (undo-migration.ts): the files from their backups, the renderer handed back, the
 * runtime steps undone, the checks that passed at baseline run again. Exit 3 when all that worked
 * and the checks pass; 4 when something differs or a check fails (with the commands to finish or
 * to bring the bridge back); 1 when its guardian could not be started (nothing changed).
 *
 * Exit codes (DESIGN.md): 3 reverted, the host matches its pre-state ("reverted ... or operator's
 * choice": a rollback that did its job is still a revert, so a script can tell it from a confirm);
 * 4 revert incomplete, with the differences and the commands to finish by hand; 1 refused, nothing
 * changed (not root, nothing pending, the answer was no); 2 usage.
 */

import { commandLine } from '../plan/operator-commands.js';
import { NothingToRevert, recordedRevert } from '../txn/engine/engine.js';
import type { EngineListener, RevertOutcome } from '../txn/engine/engine-api.js';
import { guardianAlert, guardianAlertLine } from '../txn/guardian/guardian-alert.js';
import { UNDO_DEADLINE_SEC } from '../txn/journal/journal.js';
import { unfinishedRevertAdvice } from '../ui/outcome-text.js';
import { applyCommand, type CommandDeps } from './command-deps.js';
import { EXIT, Refused, UsageError } from './errors.js';
import {
  describeMigration,
  loadJournalOrRefuse,
  requireJournalNamespace,
  requireRealRoot,
} from './journal-access.js';
import type { CommonOptions } from './options.js';
import { revertReport, secondsLeft } from './report-text.js';
import { openGuidedRollback } from './rollback-screen.js';
import { isFinishedUndo, undoCheckFailure, undoPersisted } from './undo-migration.js';

/** Opens the guided rollback screen and resolves with its exit code. */
export type GuidedRollback = (deps: CommandDeps, common: CommonOptions) => Promise<number>;

export async function runRollbackCommand(
  deps: CommandDeps,
  common: CommonOptions,
  options: { yes: boolean; guided?: GuidedRollback | null },
): Promise<number> {
  const { out, glyphs } = deps;
  requireRealRoot(
    deps,
    common,
    'rollback',
    options.yes ? deps.commands.rollback : deps.commands.guidedRollback,
  );
  const journal = await loadJournalOrRefuse(deps, common.stateDir, 'roll back');
  requireJournalNamespace(journal, common, 'rollback');
  // A persisted migration is undone from its journal: files from their backups, then the runtime.
  const persisted = isFinishedUndo(journal);
  if (!deps.journal.isPending(journal) && !persisted) {
    throw new Refused(
      `nothing to roll back: ${describeMigration(journal)} is already ${journal.phase}`,
      journal.phase === 'reverted'
        ? `the host was restored then; \`${commandLine(deps.commands.status)}\` shows it`
        : `\`${commandLine(deps.commands.status)}\` shows the host`,
    );
  }
  const what = `${describeMigration(journal)} (phase ${journal.phase}, ${journal.applied.length} of ${journal.plan.steps.length} steps started)`;
  const guided =
    options.guided !== undefined
      ? options.guided
      : deps.ask && process.stdout.isTTY
        ? openGuidedRollback
        : null;
  if (!options.yes && guided) return guided(deps, common);
  if (!options.yes) {
    // Said first: with its guardian gone, the change stays as it is until someone decides, so the
    // question offers the other way out too (a new guardian for the same deadline).
    const alive = journal.guardian ? await deps.processExists(journal.guardian.pid) : false;
    const alert = guardianAlert(journal, alive, deps.clock.now());
    if (alert) {
      out.stderr(`bridge-migrate: ${guardianAlertLine(alert, deps.commands)}\n`);
    }
    if (!deps.ask) {
      throw new UsageError(
        'rollback asks before it changes the network, and stdin is not a terminal',
        'pass --yes to roll back without asking',
      );
    }
    const left = ['planned', 'applying', 'applied'].includes(journal.phase)
      ? `, ${secondsLeft(journal.deadline, deps.clock.now())} s before the deadline`
      : '';
    const question = persisted
      ? `Undo the finished ${what.replace(/^the /, '')}: files from their backups, then the runtime, under a guardian? [y/N] `
      : `Roll back ${what}${left} now? [y/N] `;
    if (!(await deps.ask(question))) {
      out.stderr('not rolled back; nothing was changed\n');
      return EXIT.refused;
    }
  }
  out.stderr(
    persisted
      ? `undoing ${what} under a guardian (deadline ${UNDO_DEADLINE_SEC} s)\n`
      : `rolling back ${what}\n`,
  );
  // Only the phases as they pass: the steps and checks are in the report, each once.
  const listener: EngineListener = (event) => {
    if (event.kind === 'phase') out.stderr(`${event.phase}${event.message ? ` (${event.message})` : ''}\n`);
  };
  const engine = deps.engine(listener);
  const revert = await revertOrFindRevert(deps, common, () =>
    persisted ? undoPersisted(deps, common, listener) : engine.revert('operator'),
  );
  if (revert.elsewhere) {
    // The guardian's revert at the deadline (or another rollback) won the race; its result stands.
    out.stderr(
      'already reverted by another bridge-migrate process (the guardian or another rollback); its result:\n',
    );
  }
  for (const line of revertReport(revert, null, glyphs)) out.stdout(`${line}\n`);
  const checksFailed = persisted
    ? undoCheckFailure(revert, journal, {
        apply: applyCommand(common, journal),
        confirm: deps.commands.confirm,
      })
    : null;
  if (revert.kind === 'reverted' && checksFailed) {
    out.stderr(`bridge-migrate: ${checksFailed}\n`);
    return EXIT.revertIncomplete;
  }
  if (revert.kind === 'reverted') return EXIT.reverted;
  out.stderr(
    `bridge-migrate: the revert is incomplete; ${unfinishedRevertAdvice(revert, deps.commands.status)}\n`,
  );
  return EXIT.revertIncomplete;
}

/** The engine's revert; when another process finished one between our look and our revert, that one's outcome. */
async function revertOrFindRevert(
  deps: CommandDeps,
  common: CommonOptions,
  revert: () => Promise<RevertOutcome>,
): Promise<RevertOutcome> {
  try {
    return await revert();
  } catch (error) {
    if (!(error instanceof NothingToRevert)) throw error;
    const now = await deps.journal.load(common.stateDir);
    const recorded = now ? recordedRevert(now) : null;
    if (!recorded) throw error;
    return recorded;
  }
}
