/**
 * The store's actions that change the host, through the injected MigrationDeps: apply (after
 * `y`), confirm (`c`) and roll back now (`r`). Each folds the engine's events into the progress
 * the screens draw, and ends in the phase the outcome names. A failure is told apart by what it
 * leaves behind: before any step started nothing was changed (exit 1); after, only `status` can
 * say what is left, so the operator is sent there with the rollback command (exit 4).
 */
import type { StoreApi } from 'zustand/vanilla';
import { commandLine, type OperatorCommands } from '../plan/operator-commands.js';
import type { EngineEvent, EngineListener } from '../txn/engine/engine-api.js';
import { differencesSummary, EngineError, HostChangedSincePlan } from '../txn/engine/engine-errors.js';
import { JournalError } from '../txn/journal/journal.js';
import type {
  AppActions,
  AppFailure,
  AppState,
  Dispatch,
  MigrationDeps,
  Notice,
  SetOther,
} from './app-state.js';
import { keyed, mentionKey } from './key-command.js';
import {
  anyStepStarted,
  engineTurn,
  initialProgress,
  withEngineEvent,
  withLogEntries,
} from './migration-progress.js';
import { DECIDING_PHASES } from './phase.js';

type Get = StoreApi<AppState>['getState'];

export interface MigrationActionContext {
  set: SetOther;
  get: Get;
  dispatch: Dispatch;
  migration: MigrationDeps | undefined;
  notify(tone: Notice['tone'], text: string): void;
  fail(failure: AppFailure): void;
}

export function migrationActions(
  context: MigrationActionContext,
): Pick<AppActions, 'confirmApply' | 'confirmChange' | 'rollbackNow'> {
  const { set, get, dispatch, migration, notify, fail } = context;

  /**
   * Folds engine events into the progress, and moves the flow where an event says so, in one
   * update; the flow refuses a late event of a finished run.
   */
  const listener: EngineListener = (event: EngineEvent) => {
    const progress = get().migration;
    if (!progress) return;
    const next = withEngineEvent(progress, event);
    const turn = engineTurn(next, event);
    if (!turn || !dispatch(turn, { migration: next })) set({ migration: next });
  };

  const brokeMidway = (title: string, error: unknown, commands: OperatorCommands): AppFailure => ({
    title,
    message: messageOf(error),
    fix: `Check the host with \`${commandLine(commands.status)}\`; undo what is left with \`${commandLine(commands.rollback)}\`.`,
    exitCode: 4,
  });

  return {
    async confirmApply() {
      const { plan, phase, snapshot } = get();
      if (!plan || !snapshot || phase !== 'confirm-apply') return;
      if (!migration) {
        dispatch({ type: 'decline-apply' });
        return notify('error', 'apply is not available in this build; nothing was changed.');
      }
      dispatch({ type: 'arm' }, { notice: null, migration: initialProgress(plan) });
      try {
        const outcome = await migration.start(plan, snapshot, listener);
        const progress = get().migration ?? initialProgress(plan);
        // The notice (a refused quit) was about the flight that just ended.
        if (outcome.kind === 'pending') {
          const { commands } = get();
          dispatch(
            { type: 'pending' },
            {
              notice: null,
              watched: null,
              migration: withLogEntries(
                { ...progress, deadline: outcome.deadline },
                { kind: 'pending', commands },
              ),
            },
          );
        } else {
          const { failure, revert } = outcome;
          dispatch(
            { type: 'revert-finished', kind: outcome.kind, elsewhere: false },
            {
              notice: null,
              migration: withLogEntries(
                { ...progress, failure, revert },
                { kind: 'revert-report', revert, failure },
              ),
            },
          );
        }
      } catch (error) {
        const progress = get().migration;
        if (progress && anyStepStarted(progress)) {
          return fail(brokeMidway('Apply stopped part way', error, migration.commands));
        }
        if (error instanceof HostChangedSincePlan) {
          // The preview is of a host that is no more (a guardian's revert restarted the DHCP
          // client, say): one line, and the way to a preview of the host as it is now.
          return fail({
            title: 'Not applied',
            message: `the host changed since the preview: ${differencesSummary(error.differences)}`,
            fix: keyed`Nothing was changed on this host. Press ${mentionKey('plan-again')} to plan again.`,
            exitCode: 1,
            planAgain: true,
          });
        }
        fail({
          title: 'Not applied',
          message: messageOf(error),
          fix: 'Nothing was changed on this host. Fix the cause above and run bridge-migrate again.',
          exitCode: 1,
        });
      }
    },

    async confirmChange() {
      const { phase, watched } = get();
      // At recovery only a change that is applied (not half applied, not reverting) can be kept.
      if (phase === 'recovery' && watched?.reading.journal.phase !== 'applied') return;
      if (!migration || !dispatch({ type: 'confirm' }, { notice: null })) return;
      try {
        const confirmation = await migration.confirm(listener);
        const { migration: progress, commands } = get();
        const failed = confirmation.persistFailed;
        if (failed) {
          // Writing the config failed: the engine restored the files and reverted, as after a failed step.
          const failure = `writing the config failed (${failed.part}): ${failed.failure}`;
          dispatch(
            { type: 'revert-finished', kind: failed.revert.kind, elsewhere: false },
            {
              notice: null,
              watched: null,
              migration: progress
                ? withLogEntries(
                    { ...progress, revert: failed.revert, failure },
                    { kind: 'revert-report', revert: failed.revert, failure },
                  )
                : progress,
            },
          );
          return;
        }
        dispatch(
          { type: 'confirmed' },
          {
            notice: null,
            watched: null,
            migration: progress
              ? withLogEntries(
                  { ...progress, confirmation },
                  { kind: 'confirmed', confirmation, elsewhere: false, rollback: commands.rollback },
                )
              : progress,
          },
        );
      } catch (error) {
        // Refused (the deadline passed, someone rolled it back meanwhile): the change is as it was.
        dispatch({ type: 'refused' });
        notify('error', `Not confirmed: ${messageOf(error)}`);
      }
    },

    async rollbackNow() {
      const { phase, watched } = get();
      if (!DECIDING_PHASES.includes(phase) || !migration) return;
      const journal = watched?.reading.journal;
      if (journal?.phase === 'reverting' && watched?.reading.guardian.alive) {
        // Two reverts side by side would each undo the other's half; the guardian's outcome is coming.
        return notify(
          'refusal',
          'The guardian is reverting this change right now; its outcome shows here when it is done.',
        );
      }
      const progress = get().migration;
      // A migration found pending has no log above yet: say what is being rolled back.
      const found = phase !== 'awaiting-confirmation' && journal && progress;
      dispatch(
        { type: 'rollback' },
        {
          notice: null,
          ...(found
            ? { migration: withLogEntries(progress, { kind: 'rolling-back', phase: journal.phase }) }
            : {}),
        },
      );
      try {
        const revert = await migration.revert(listener);
        const progress = get().migration;
        dispatch(
          { type: 'revert-finished', kind: revert.kind, elsewhere: false },
          {
            notice: null,
            watched: null,
            migration: progress
              ? withLogEntries(
                  { ...progress, revert },
                  { kind: 'revert-report', revert, failure: progress.failure },
                )
              : progress,
          },
        );
      } catch (error) {
        if (isRefusal(error)) {
          // Nothing was undone by this call (another session confirmed or reverted it meanwhile).
          dispatch({ type: 'refused' });
          return notify('error', `Not rolled back: ${messageOf(error)}`);
        }
        fail(brokeMidway('Rollback failed', error, migration.commands));
      }
    },
  };
}

/** The journal's (the lock's too) and the engine's refusals come before this call changed anything. */
function isRefusal(error: unknown): boolean {
  return error instanceof JournalError || error instanceof EngineError;
}

export function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
