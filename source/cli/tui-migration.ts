/**
 * The TUI's MigrationDeps: the store's start / revert / confirm bound to the engine, the journal,
 * the guardian and this run's state directory. The same engine and confirm path as the headless
 * commands, so a change applied in the TUI can be confirmed or rolled back from another session,
 * and `read` is how the TUI sees what those sessions (and the guardian) did.
 */
import type { OperatorCommands } from '../plan/operator-commands.js';
import type { ConfirmOutcome, JournalReading, MigrationDeps } from '../store/app-state.js';
import type { FileReader } from '../system/files.js';
import { readGuardianStatus } from '../txn/guardian/guardian-status.js';
import { type Journal, NoJournal } from '../txn/journal/journal.js';
import type { CommandDeps } from './command-deps.js';
import { confirmAndSettle, confirmedOutcome, leaseLapses, writtenTexts } from './confirm-migration.js';
import { requireJournalNamespace } from './journal-access.js';
import type { CommonOptions } from './options.js';
import { isFinishedUndo, undoPersisted } from './undo-migration.js';

export function tuiMigration(
  deps: CommandDeps,
  common: CommonOptions,
  timeoutSec: number,
  files: FileReader,
): MigrationDeps {
  const { armGuardian, commands } = deps;
  const { stateDir } = common;
  // The recovery actions act on the journal's migration: refused, as the headless commands refuse,
  // from another network namespace than the one it was made in (journal-access.ts).
  const inJournalNamespace = async (command: 'rollback' | 'confirm' | 'guard --rearm') => {
    const journal = await deps.journal.load(stateDir);
    if (journal) requireJournalNamespace(journal, common, command);
    return journal;
  };
  return {
    start: (plan, preState, listener) =>
      deps.engine(listener).start({
        plan,
        preState,
        timeoutSec,
        beforeFirstChange: async () => {
          await armGuardian({ stateDir, ...deps.guardianLaunch });
        },
      }),
    async revert(listener) {
      const journal = await inJournalNamespace('rollback');
      // A finished migration is undone under a guardian of its own, as `rollback --yes` does.
      if (journal && isFinishedUndo(journal)) return undoPersisted(deps, common, listener);
      return deps.engine(listener).revert('operator');
    },
    // The same launcher as apply's, for the same journal: the new guardian records itself in it.
    async rearm() {
      await inJournalNamespace('guard --rearm');
      return armGuardian({ stateDir, ...deps.guardianLaunch });
    },
    async confirm(listener) {
      const journal = await inJournalNamespace('confirm');
      if (!journal) throw new NoJournal(stateDir, commands.status);
      return confirmAndSettle(deps.engine(listener), journal.plan, journal.preState, commands);
    },
    async read(): Promise<JournalReading> {
      const journal = await deps.journal.load(stateDir);
      const now = deps.clock.now();
      return {
        journal,
        guardian: await readGuardianStatus(journal, { files, now }),
        now,
        confirmation: journal ? keptNote(journal, commands) : null,
      };
    },
    async extend(seconds) {
      return (await deps.journal.extendDeadline(stateDir, seconds)).deadline;
    },
    watch: () => deps.engine().watch(),
    commands,
  };
}

/** What a change kept by another session means now, by the phase its journal reached. */
function keptNote(journal: Journal, commands: Pick<OperatorCommands, 'rollback'>): ConfirmOutcome | null {
  switch (journal.phase) {
    case 'persisted': {
      const written = writtenTexts(journal.files);
      return {
        ...confirmedOutcome(
          journal.plan,
          'persisted',
          commands,
          written,
          leaseLapses(journal.plan, journal.preState),
        ),
        written: journal.files.map((file) => file.path),
      };
    }
    case 'confirmed':
    case 'persisting':
      return confirmedOutcome(journal.plan, 'confirmed', commands);
    default:
      return null;
  }
}
