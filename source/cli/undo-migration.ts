/**
 * Undo of a finished (persisted) migration, for `rollback` and the guided rollback screen (issue 9
 * item 3). The same guard as the forward direction, before anything changes:
 *   1. the journal moves persisted → undoing with a fresh deadline (UNDO_DEADLINE_SEC);
 *   2. a guardian is armed for it, launched as `apply` launches one (guardian-launch.ts); if it
 *      does not come up the journal goes back to persisted and nothing was changed (refused);
 *   3. the engine's revert undoes it: the backed-up files restored byte for byte, the renderer
 *      takes the uplink back from them (handBack), the runtime steps undone in one batch (the
 *      addresses back on the uplink; the bridge deleted only when the plan created it, its TAPs
 *      detached and kept), the host compared with the pre-state, and the checks that passed at
 *      baseline run again.
 * If this process dies in step 3 (SSH lost, killed), the guardian sees the undo's revert lock
 * without a live holder, or its deadline pass, and finishes the undo itself (guardian.ts).
 *
 * Decided here, documented in the README: the undo is final once it runs. It does NOT wait for a
 * confirmation and does NOT put the bridge back when a check fails afterwards: the host is then in
 * its pre-migration state (the one the operator asked for, and the one a reboot brings back), and
 * re-applying a migration the operator chose to undo would be a guess. A baseline check that fails
 * after the undo is reported with the commands that bring the bridge back (apply, then confirm),
 * and `rollback` exits 4, so a script does not take it for a clean undo.
 */
import { commandLine, type ExecCommand } from '../plan/operator-commands.js';
import type { EngineListener, RevertOutcome } from '../txn/engine/engine-api.js';
import { type Journal, JournalRefused, UNDO_DEADLINE_SEC } from '../txn/journal/journal.js';
import type { CommandDeps } from './command-deps.js';
import { Refused } from './errors.js';
import type { CommonOptions } from './options.js';

/** Whether `rollback` of this journal is the undo of a finished migration (its config written,
 * or kept at runtime only with --persist none: then there is no file to restore). */
export function isFinishedUndo(journal: Pick<Journal, 'phase'>): boolean {
  return journal.phase === 'persisted';
}

export async function undoPersisted(
  deps: Pick<CommandDeps, 'journal' | 'armGuardian' | 'guardianLaunch' | 'clock' | 'engine'>,
  common: Pick<CommonOptions, 'stateDir'>,
  listener?: EngineListener,
): Promise<RevertOutcome> {
  const { stateDir } = common;
  await deps.journal.update(
    stateDir,
    (draft) => {
      if (!isFinishedUndo(draft))
        throw new JournalRefused(
          `the migration is ${draft.phase}; only a persisted one is undone this way`,
          `see \`${commandLine(deps.journal.commands.status)}\``,
        );
      draft.phase = 'undoing';
      draft.deadline = deps.clock.now() + UNDO_DEADLINE_SEC * 1000;
    },
    { undoConfirmed: true },
  );
  try {
    await deps.armGuardian({ stateDir, ...deps.guardianLaunch });
  } catch (error) {
    const problem = (error as Error).message;
    await deps.journal.setPhase(stateDir, 'persisted', `undo not started: ${problem}`);
    throw new Refused(
      `the undo was not started, nothing was changed: ${problem}`,
      'the undo runs only under a guardian; see the debug log, then retry',
    );
  }
  return deps.engine(listener).revert('operator');
}

/**
 * The checks that passed at baseline and fail after an undo, and the commands that bring the
 * bridge back (apply, then confirm): null when every check passed.
 */
export function undoCheckFailure(
  outcome: Pick<RevertOutcome, 'checks'>,
  journal: Pick<Journal, 'nic' | 'bridge'>,
  commands: { apply: ExecCommand; confirm: ExecCommand },
): string | null {
  const failed = outcome.checks.filter((check) => !check.ok);
  if (failed.length === 0) return null;
  const what = failed.map((check) => `${check.title} (${check.detail})`).join('; ');
  return `the files and the runtime are back as before the migration, but checks that passed before it fail now: ${what}; to put ${journal.nic} back into ${journal.bridge}: \`${commandLine(commands.apply)}\` then \`${commandLine(commands.confirm)}\``;
}
