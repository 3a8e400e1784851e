/**
 * The TUI's MigrationDeps: the store's start / revert / confirm bound to the engine, the journal,
 * the guardian and this run's state directory. The same engine and confirm path as the headless
 * commands, so a change applied in the TUI can be confirmed or rolled back from another session.
 */
import type { MigrationDeps } from '../store/app-state.js';
import { NoJournal } from '../txn/journal.js';
import { type CommandDeps, operatorCommands } from './command-deps.js';
import { confirmAndSettle } from './confirm-migration.js';

export function tuiMigration(deps: CommandDeps, stateDir: string, timeoutSec: number): MigrationDeps {
  const { armGuardian } = deps;
  const commands = operatorCommands(stateDir);
  return {
    start: (plan, preState, listener) =>
      deps.engine(listener).start({
        plan,
        preState,
        timeoutSec,
        ...(armGuardian
          ? {
              beforeFirstChange: async () => {
                await armGuardian({ stateDir, ...deps.guardianLaunch });
              },
            }
          : {}),
      }),
    revert: (listener) => deps.engine(listener).revert('operator'),
    async confirm() {
      const journal = await deps.journal.load(stateDir);
      if (!journal) throw new NoJournal(stateDir);
      return confirmAndSettle(deps.engine(), deps.journal, stateDir, journal.plan);
    },
    guardian: armGuardian !== null,
    commands: { confirm: commands.confirm, rollback: commands.rollback },
  };
}
