/**
 * The store's actions that follow the journal: the clock and re-reads of the countdown and of the
 * recovery screen (recovery-actions.ts opens it), and `e` to extend the deadline.
 *
 * The guardian, not this process, decides at the deadline; this session only watches the journal
 * and shows what it says. Re-reading about once a second is what lets a confirmation from a new
 * SSH session, an extension from another TUI, or the guardian's revert reach this screen.
 *
 * The watch checks on the countdown are the guardian's (it records its latest watch with its
 * heartbeat). Only while no live guardian watches (it was killed) does
 * this session run them itself, at most every LOCAL_WATCH_EVERY_MS, so the screen never shows
 * stale results as if they were current and two processes do not ping the gateway side by side.
 */
import type { StoreApi } from 'zustand/vanilla';
import { commandLine } from '../plan/operator-commands.js';
import { MAX_DEADLINE_AHEAD_SEC } from '../txn/journal/journal.js';
import type {
  AppActions,
  AppState,
  Clock,
  Dispatch,
  JournalFollow,
  JournalReading,
  MigrationDeps,
  Notice,
  SetOther,
  Watched,
} from './app-state.js';
import { clockTime } from './clock-time.js';
import {
  guardianReason,
  guardianWatching,
  journalTurn,
  nextWatched,
  remoteRevertEntries,
  revertFromJournal,
  stepsBeingReverted,
} from './journal-view.js';
import { keyed, mentionKey } from './key-command.js';
import { messageOf } from './migration-actions.js';
import { withLogEntries } from './migration-progress.js';
import { followsJournal, RECOVERY_PHASES } from './phase.js';

/** Between two ticks when no deadline gives the beat (recovery of a finished countdown, reading). */
export const TICK_MS = 500;
/**
 * Ticks land just after the shown second changes, so the seconds, the journal's news and the ages
 * on screen all change in ONE redraw per second (two a second at most, when a tick comes early).
 */
const AFTER_SECOND_MS = 20;
const MIN_TICK_MS = 200;
/** Each `e` adds this much; the journal caps the deadline at MAX_DEADLINE_AHEAD_SEC from now. */
export const EXTEND_STEP_SEC = 60;
export const LOCAL_WATCH_EVERY_MS = 5_000;
const MIN_EXTENSION_MS = 5_000;

type Get = StoreApi<AppState>['getState'];
type Reading = JournalReading & { journal: NonNullable<JournalReading['journal']> };

export interface JournalActionContext {
  set: SetOther;
  get: Get;
  dispatch: Dispatch;
  migration: MigrationDeps | undefined;
  clock: Clock;
  notify(tone: Notice['tone'], text: Notice['text']): void;
}

/** Milliseconds until just after the shown seconds change next (bounded to two ticks a second). */
export function nextTickIn(watched: Watched | null, now: number): number {
  if (!watched) return TICK_MS;
  const left = watched.reading.journal.deadline - now;
  if (left <= 0) return TICK_MS;
  return Math.min(1000 + AFTER_SECOND_MS, Math.max(MIN_TICK_MS, (left % 1000 || 1000) + AFTER_SECOND_MS));
}

export function journalActions(context: JournalActionContext): Pick<AppActions, 'tick' | 'extendDeadline'> {
  const { set, get, dispatch, migration, clock, notify } = context;
  /**
   * Serializes `e` presses so each is checked against the cap after the one before it. It holds
   * no state of its own (what the screen shows is in the store), only the order of the calls.
   */
  let extending: Promise<void> = Promise.resolve();

  const follow = (changes: Partial<JournalFollow>) =>
    set((state) => ({ journalFollow: { ...state.journalFollow, ...changes } }));

  /** The change was kept by another process (`confirm` from a new SSH session, another TUI). */
  function keptElsewhere(seen: Reading): void {
    const { migration: progress, commands } = get();
    if (!progress) return;
    const confirmation = seen.confirmation ?? {
      journalPhase: 'confirmed' as const,
      note: 'Confirmed from another session.',
    };
    dispatch(
      { type: 'kept-elsewhere' },
      {
        notice: null,
        watched: null,
        migration: withLogEntries(
          { ...progress, confirmation },
          { kind: 'confirmed', confirmation, elsewhere: true, rollback: commands.rollback },
        ),
      },
    );
  }

  /** The journal says reverting: the guardian (or `rollback` elsewhere) is undoing the change. */
  function revertingElsewhere(seen: Reading): void {
    const { migration: progress } = get();
    if (!progress) return;
    dispatch(
      { type: 'reverting-elsewhere' },
      {
        notice: null,
        migration: withLogEntries(stepsBeingReverted(progress, seen.journal), {
          kind: 'reverting',
          reason: null,
        }),
      },
    );
  }

  /** A revert another process finished: the same screen as this session's own. */
  function revertedElsewhere(seen: Reading): void {
    const { migration: progress, remoteRevert } = get();
    const revert = revertFromJournal(seen.journal);
    if (!progress || !revert) return;
    const failure = guardianReason(seen.journal);
    dispatch(
      { type: 'revert-finished', kind: revert.kind, elsewhere: true },
      {
        notice: null,
        watched: null,
        migration: withLogEntries(
          { ...progress, revert, failure },
          ...remoteRevertEntries(revert, remoteRevert),
          { kind: 'revert-report', revert, failure },
        ),
      },
    );
  }

  function followReading(seen: JournalReading, now: number): void {
    const state = get();
    if (!followsJournal(state)) return; // c, r or q was pressed while the journal was being read
    const journal = seen.journal;
    if (!journal) {
      if (!state.journalFollow.goneTold) {
        notify(
          'error',
          `The journal is gone from the state directory; see \`${commandLine(state.commands.status)}\`.`,
        );
        follow({ goneTold: true });
      }
      return;
    }
    const current = { ...seen, journal };
    const before = state.watched?.reading.journal.phase ?? null;
    const turn = journalTurn(journal.phase);
    const changed = before !== null && before !== journal.phase;
    // At recovery the journal's own phase (revert-incomplete, confirmed) is what is on screen; only
    // a move away from it is news.
    const recovering = RECOVERY_PHASES.includes(state.phase);
    if (turn === 'reverted' && (!recovering || changed)) {
      revertedElsewhere(current);
      return;
    }
    if (turn === 'kept' && (!recovering || (changed && before === 'applied'))) {
      keptElsewhere(current);
      return;
    }
    if (turn === 'reverting') revertingElsewhere(current);
    set((latest) => {
      const watched = nextWatched(latest.watched, current, now);
      const localChecks = latest.journalFollow.unshownChecks;
      return {
        watched: localChecks ? { ...watched, localChecks } : watched,
        journalFollow: { ...latest.journalFollow, unshownChecks: null },
      };
    });
  }

  function watchLocally(now: number): void {
    const { phase, watched, journalFollow } = get();
    if (!migration || phase !== 'awaiting-confirmation' || !watched) return;
    if (guardianWatching(watched.reading.guardian)) {
      if (watched.localChecks) set({ watched: { ...watched, localChecks: null } });
      return;
    }
    const { watchingLocally, lastLocalWatchAt } = journalFollow;
    if (watchingLocally || (lastLocalWatchAt !== null && now - lastLocalWatchAt < LOCAL_WATCH_EVERY_MS))
      return;
    follow({ watchingLocally: true, lastLocalWatchAt: now });
    migration
      .watch()
      .then((results) => follow({ unshownChecks: { at: clock.now(), results } }))
      .catch((error: unknown) => notify('error', `The checks could not run: ${messageOf(error)}`))
      .finally(() => follow({ watchingLocally: false }));
  }

  return {
    async tick() {
      const state = get();
      if (!migration || !followsJournal(state) || state.journalFollow.reading) return TICK_MS;
      follow({ reading: true });
      let seen: JournalReading | null = null;
      try {
        seen = await migration.read();
      } catch (error) {
        // A busy lock or a moment of unreadability: the next read will tell.
        notify('error', `The journal could not be read: ${messageOf(error)}`);
      } finally {
        follow({ reading: false });
      }
      // The clock is read after the journal, and both reach the screen in one change.
      const now = clock.now();
      if (seen) followReading(seen, now);
      else {
        const { watched } = get();
        if (watched) set({ watched: { ...watched, now } });
      }
      watchLocally(now);
      return nextTickIn(get().watched, now);
    },

    extendDeadline() {
      if (get().phase !== 'awaiting-confirmation' || !migration) return Promise.resolve();
      // Presses queue up: three quick `e` add three minutes, each checked against the cap.
      extending = extending.then(async () => {
        const state = get();
        if (state.phase !== 'awaiting-confirmation' || !state.watched) return;
        const now = clock.now();
        const before = state.watched.reading.journal.deadline;
        const cap = now + MAX_DEADLINE_AHEAD_SEC * 1000;
        // At the cap already (a few seconds of room are not an extension): say so instead.
        if (cap - before < MIN_EXTENSION_MS) {
          return notify(
            'refusal',
            keyed`Not extended: the deadline is already ${MAX_DEADLINE_AHEAD_SEC / 60} minutes away, the longest allowed. Confirm with ${mentionKey('confirm')} or roll back with ${mentionKey('rollback')}.`,
          );
        }
        try {
          const deadline = await migration.extend(EXTEND_STEP_SEC);
          const latest = get();
          if (latest.phase !== 'awaiting-confirmation' || !latest.watched) return;
          const journal = { ...latest.watched.reading.journal, deadline };
          set({
            watched: nextWatched(latest.watched, { ...latest.watched.reading, journal }, clock.now()),
          });
          notify(
            'info',
            deadline - before < EXTEND_STEP_SEC * 1000
              ? `Extended to the ${MAX_DEADLINE_AHEAD_SEC / 60}-minute limit: the deadline is now ${clockTime(deadline)}.`
              : `Extended by ${EXTEND_STEP_SEC} s: the deadline is now ${clockTime(deadline)}.`,
          );
        } catch (error) {
          notify('error', `Not extended: ${messageOf(error)}`);
        }
      });
      return extending;
    },
  };
}
