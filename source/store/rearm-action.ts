/**
 * `g` on the countdown, the recovery screen or the rollback question: the pending change's
 * guardian is gone, so start a new one for the same journal and deadline (MigrationDeps.rearm,
 * the launcher `apply` uses). Once the deadline has passed, re-arming means what the guardian
 * would do at once: revert now. Refused, with the reason, while the guardian is alive.
 */
import type { StoreApi } from 'zustand/vanilla';
import { guardianAlert } from '../txn/guardian/guardian-alert.js';
import type { AppActions, AppState, MigrationDeps, Notice } from './app-state.js';
import { keyed, mentionKey } from './key-command.js';
import { messageOf } from './migration-actions.js';
import { DECIDING_PHASES } from './phase.js';

export interface RearmContext {
  get: StoreApi<AppState>['getState'];
  migration: MigrationDeps | undefined;
  notify(tone: Notice['tone'], text: Notice['text']): void;
  rollbackNow(): Promise<void>;
  /** Re-reads the journal so the screen shows the new guardian at once. */
  tick(): Promise<unknown>;
}

export function rearmAction(context: RearmContext): Pick<AppActions, 'rearmGuardian'> {
  const { get, migration, notify } = context;
  return {
    async rearmGuardian() {
      const { phase, watched } = get();
      if (!DECIDING_PHASES.includes(phase) || !watched || !migration) return;
      const { journal, guardian } = watched.reading;
      const alert = guardianAlert(journal, guardian.alive, watched.now);
      if (!alert) {
        notify('refusal', 'The guardian is running (or no deadline runs): there is nothing to re-arm.');
        return;
      }
      if (alert.overdue) {
        notify('info', 'The deadline has passed: re-arming means reverting now, as the guardian would have.');
        await context.rollbackNow();
        return;
      }
      try {
        const info = await migration.rearm();
        notify(
          'info',
          `Guardian re-armed (pid ${info.pid}, ${info.mode}): it reverts at the same deadline unless confirmed.`,
        );
        await context.tick();
      } catch (error) {
        notify(
          'error',
          keyed`The guardian could not be started: ${messageOf(error)}; ${mentionKey('rollback')} rolls back now.`,
        );
      }
    },
  };
}
