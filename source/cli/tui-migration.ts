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
import { confirmAndSettle, confirmedOutcome } from './confirm-migration.js';

export function tuiMigration(
  deps: CommandDeps,
  stateDir: string,
  timeoutSec: number,
  files: FileReader,
): MigrationDeps {
  const { armGuardian, commands } = deps;
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
    revert: (listener) => deps.engine(listener).revert('operator'),
    // The same launcher as apply's, for the same journal: the new guardian records itself in it.
    rearm: () => armGuardian({ stateDir, ...deps.guardianLaunch }),
    async confirm() {
      const journal = await deps.journal.load(stateDir);
      if (!journal) throw new NoJournal(stateDir, commands.status);
      return confirmAndSettle(deps.engine(), deps.journal, stateDir, journal.plan, commands);
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
      const written = journal.files.map((file) =>
        file.backup ? `${file.path} (backup ${file.backup.backup})` : `${file.path} (new)`,
      );
      return {
        ...confirmedOutcome(journal.plan, 'persisted', commands, written),
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
