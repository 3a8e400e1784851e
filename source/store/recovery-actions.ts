/**
 * The store's actions for a migration found pending at start (DESIGN.md "The guardian", last paragraph): the first
 * thing the interactive command does is read the journal, and a pending migration opens the
 * recovery screen instead of the probe; `bridge-migrate rollback` on a terminal opens the same
 * screen with its y/N question. From there the countdown's actions (journal-actions.ts) follow the
 * journal, and `c` / `r` are the migration actions.
 */
import type { StoreApi } from 'zustand/vanilla';
import type { Journal } from '../txn/journal/journal.js';
import type { AppActions, AppState, Dispatch, JournalReading, MigrationDeps, SetOther } from './app-state.js';
import { canRollBack, firstWatched, needsRecovery, progressFromJournal } from './journal-view.js';
import { messageOf } from './migration-actions.js';
import { RECOVERY_PHASES } from './phase.js';
import type { PhaseEvent } from './phase-flow.js';

type Reading = JournalReading & { journal: NonNullable<JournalReading['journal']> };

export interface RecoveryActionContext {
  set: SetOther;
  get: StoreApi<AppState>['getState'];
  dispatch: Dispatch;
  migration: MigrationDeps | undefined;
  /** The probe and the preview, for a start that finds nothing pending. */
  probe(): Promise<void>;
  rollbackNow(): Promise<void>;
}

export function recoveryActions(
  context: RecoveryActionContext,
): Pick<AppActions, 'open' | 'openRollback' | 'answerRollback' | 'toggleDetails'> {
  const { set, get, dispatch, migration } = context;

  /**
   * Reads the journal into `watched`, with the flow's `event` when one opens the screen; null
   * when there is no pending migration to show.
   */
  async function readInto(
    event: PhaseEvent | null,
    shown: (journal: Journal | null) => journal is Journal = needsRecovery,
  ): Promise<Reading | null> {
    if (!migration) return null;
    const seen = await migration.read();
    if (!shown(seen.journal)) return null;
    const current = { ...seen, journal: seen.journal };
    const changes = {
      plan: seen.journal.plan,
      migration: progressFromJournal(seen.journal),
      watched: firstWatched(current, seen.now),
      notice: null,
    };
    if (!event || !dispatch(event, changes)) set(changes);
    return current;
  }

  return {
    async open() {
      try {
        if (await readInto({ type: 'found-pending' })) return;
      } catch {
        // Unreadable here (not root, a damaged journal): the probe reports it as it always has,
        // and a pending migration still blocks the plan.
      }
      await context.probe();
    },

    async openRollback() {
      // The question's screen at once; the journal's summary fills it once read.
      dispatch({ type: 'ask-rollback' });
      try {
        if (await readInto(null, canRollBack)) return;
        set({ exit: { code: 1, reason: 'nothing is pending; nothing was changed' } });
      } catch (error) {
        set({ exit: { code: 1, reason: `the journal could not be read: ${messageOf(error)}` } });
      }
    },

    async answerRollback(yes) {
      const { phase, watched } = get();
      if (phase !== 'confirm-rollback' || !watched) return;
      if (!yes) {
        set({ exit: { code: 1, reason: 'not rolled back; nothing was changed' } });
        return;
      }
      await context.rollbackNow();
    },

    toggleDetails() {
      if (!RECOVERY_PHASES.includes(get().phase)) return;
      set((state) => ({ detailsOpen: !state.detailsOpen }));
    },
  };
}
