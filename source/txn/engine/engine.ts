/**
 * The migration engine (contract: engine-api.ts). It keeps no state of its own between calls:
 * everything it needs is in the journal, so `start` in the TUI, `revert` in the guardian and
 * `confirm` from another SSH session can each be a different process, and a process killed at any
 * instant leaves a journal from which a new engine instance can revert.
 *
 * start() refuses with a JournalError subclass (nothing changed): PlanNotApplicable,
 * MigrationPending, HostChangedSincePlan, ArmingFailed. Any failure after the first change
 * reverts at once and is returned as an outcome, not thrown.
 */

import { commandLine } from '../../plan/operator-commands.js';
import {
  type Journal,
  JournalRefused,
  NoJournal,
  type RevertedStep,
  stepsToRevert,
} from '../journal/journal.js';
import { MigrationLocked } from '../journal/lock.js';
import { persistMigration } from '../persist/persist.js';
import { restorePersistedFiles } from '../persist/restore-persisted.js';
import { startMigration } from './apply.js';
import { deriveChecks, passedAtBaseline, runChecks } from './connectivity.js';
import type {
  CheckResult,
  Engine,
  EngineDeps,
  RevertOptions,
  RevertOutcome,
  RevertReason,
} from './engine-api.js';
import { type EngineContext, engineContext } from './engine-context.js';
import { NothingToRevert } from './engine-errors.js';
import { type UndoResult, undoSteps } from './revert.js';
import {
  clearRevertOutcome,
  readRevertOutcome,
  takeRevertLock,
  writeRevertOutcome,
} from './runtime-state.js';

export { ArmingFailed, HostChangedSincePlan, NothingToRevert, PlanNotApplicable } from './engine-errors.js';

export function createEngine(deps: EngineDeps): Engine {
  const context = engineContext(deps);
  const revert = (reason: RevertReason, options?: RevertOptions) => revertMigration(context, reason, options);
  return {
    start: (options) => startMigration(context, options, revert),
    revert,
    confirm: () => confirmMigration(context),
    persist: (options = {}) => persistMigration(context, options, (reason) => revert(reason)),
    watch: () => watchMigration(context),
  };
}

/** How long a revert waits for another process's revert of the same migration to finish: that one
 * is bounded by its commands' timeouts (a batch, a few netfilter commands, the checks). */
const REVERT_LOCK_WAIT_MS = 90_000;

/**
 * Undo the migration. The undo depends on nothing being written: the journal is only read (or, if
 * even that fails, the caller's last copy is used), the batch goes to ip on stdin, and every
 * journal write around it is best effort — a full or read-only state directory is noted and the
 * undo runs anyway (a full disk must never keep a remote host off its network). One revert at a time: the revert lock in the runtime directory is
 * held from before the journal is judged until the outcome is recorded, so the loser of a race
 * (guardian at the deadline vs. `rollback`) finds the winner's outcome and returns it instead of
 * undoing a second time.
 */
async function revertMigration(
  context: EngineContext,
  reason: RevertReason,
  options: RevertOptions = {},
): Promise<RevertOutcome> {
  const undoConfirmed = reason === 'operator';
  const first = await loadForRevert(context, options.known);
  refuseUnrevertable(context, first, undoConfirmed);
  if (first.phase === 'reverted' || first.phase === 'revert-incomplete')
    throw new NothingToRevert(first.phase, context.deps.journal.commands.status);
  const release = await takeRevertLock(
    context.runtimeDir,
    first.id,
    `${reason} revert (pid ${process.pid})`,
    { waitMs: REVERT_LOCK_WAIT_MS, pollMs: 100 },
  ).catch((error: Error) => {
    if (error instanceof MigrationLocked) throw error;
    // /run itself unusable (not root, no tmpfs): a revert that runs beats one that waits for a lock.
    context.note(`reverting without the revert lock: ${error.message}`);
    return async () => {};
  });
  try {
    // Judged again under the lock: another process may have finished a revert while we waited.
    const journal = await loadForRevert(context, first);
    const done = await finishedRevert(context, journal);
    if (done) {
      context.note(`not reverting (${reason}): the migration was already ${done.kind} by another process`);
      if (context.deps.journal.isPending(journal)) await recordNotedRevert(context, journal, done);
      context.emit({ kind: 'phase', phase: done.kind, message: 'reverted by another process' });
      return done;
    }
    refuseUnrevertable(context, journal, undoConfirmed);
    return await undoAndRecord(context, journal, reason, undoConfirmed);
  } finally {
    await release().catch((error: Error) =>
      context.note(`could not release the revert lock: ${error.message}`),
    );
  }
}

async function undoAndRecord(
  context: EngineContext,
  journal: Journal,
  reason: RevertReason,
  undoConfirmed: boolean,
): Promise<RevertOutcome> {
  const { journal: store } = context.deps;
  // An undo of a persisted migration keeps its own phase until the outcome (journal-format.ts).
  if (journal.phase !== 'reverting' && journal.phase !== 'undoing') {
    // Marks the revert for a confirm racing it (refused once the phase moved) and for a crash
    // half way (the next process finishes it). Best effort: it must never stop the undo.
    await bestEffort(context, 'mark the journal reverting', () =>
      store.setPhase(context.stateDir, 'reverting', reason, { undoConfirmed }),
    );
  }
  context.emit({ kind: 'phase', phase: 'reverting', message: reason });

  // Config files first (a failed or undone persist): the renderer must take the uplink back from
  // the old files before the runtime steps move the addresses back to it.
  const restored = await restorePersistedFiles(context, journal);
  const undone = await undoSteps(context, journal, stepsToRevert(journal));
  const undo = { ...undone, differences: [...restored, ...undone.differences] };
  const checks = await runChecks(context, baselinePassed(journal), 'after-revert').catch((error: Error) => {
    context.note(`the checks after the revert could not run: ${error.message}`);
    return [];
  });
  const kind = undo.differences.length === 0 ? 'reverted' : 'revert-incomplete';
  const outcome: RevertOutcome = {
    kind,
    reason,
    steps: undo.steps,
    differences: undo.differences,
    notDone: undo.notDone,
    manualCommands: undo.manualCommands,
    checks,
  };
  // /run first: it is what keeps a second revert from running when the journal cannot say so.
  await bestEffort(context, 'note the outcome in the runtime directory', () =>
    writeRevertOutcome(context.runtimeDir, journal.id, outcome, context.deps.clock.now()),
  );
  const recorded = await bestEffort(context, 'record the outcome in the journal', () =>
    store.recordOutcome(
      context.stateDir,
      {
        kind,
        reason,
        differences: undo.differences,
        notDone: undo.notDone,
        manualCommands: undo.manualCommands,
        // Recorded so a process that did not run this revert (the TUI watching the guardian's) can show it.
        steps: revertedSteps(undo.steps),
        checks,
      },
      { undoConfirmed },
    ),
  );
  if (recorded) await clearRevertOutcome(context.runtimeDir, journal.id);
  context.emit({ kind: 'phase', phase: kind, message: reason });
  return outcome;
}

/** A revert only /run knows about (its journal write failed): into the journal now, if it can take it. */
async function recordNotedRevert(
  context: EngineContext,
  journal: Journal,
  done: RevertOutcome,
): Promise<void> {
  const { journal: store } = context.deps;
  const undoConfirmed = done.reason === 'operator';
  const recorded = await bestEffort(context, 'record the earlier revert in the journal', async () => {
    if (journal.phase !== 'reverting')
      await store.setPhase(context.stateDir, 'reverting', done.reason, { undoConfirmed });
    await store.recordOutcome(
      context.stateDir,
      {
        kind: done.kind,
        reason: done.reason,
        differences: done.differences,
        ...(done.notDone ? { notDone: done.notDone } : {}),
        manualCommands: done.manualCommands,
        steps: revertedSteps(done.steps),
        checks: done.checks,
      },
      { undoConfirmed },
    );
  });
  if (recorded) await clearRevertOutcome(context.runtimeDir, journal.id);
}

/** A revert of this migration that another process already finished: in the journal, or only in /run. */
async function finishedRevert(context: EngineContext, journal: Journal): Promise<RevertOutcome | null> {
  const recorded = recordedRevert(journal);
  if (recorded) return recorded;
  const noted = await readRevertOutcome(context.runtimeDir, journal.id);
  if (!noted) return null;
  return { ...noted.outcome, elsewhere: true };
}

/** The revert a journal records as finished, as the engine reports one it did not run itself. */
export function recordedRevert(journal: Journal): RevertOutcome | null {
  if ((journal.phase !== 'reverted' && journal.phase !== 'revert-incomplete') || !journal.outcome)
    return null;
  const outcome = journal.outcome;
  return {
    kind: journal.phase,
    reason: outcome.reason as RevertReason,
    steps: outcome.steps ?? [],
    differences: outcome.differences ?? [],
    notDone: outcome.notDone ?? [],
    manualCommands: outcome.manualCommands ?? [],
    checks: outcome.checks ?? [],
    elsewhere: true,
  };
}

function refuseUnrevertable(context: EngineContext, journal: Journal, undoConfirmed: boolean): void {
  if (journal.phase === 'confirmed' && !undoConfirmed) {
    throw new JournalRefused(
      'the change was confirmed',
      `only the operator undoes a confirmed change: \`${commandLine(context.deps.journal.commands.guidedRollback)}\``,
    );
  }
  const finished = journal.phase === 'reverted' || journal.phase === 'revert-incomplete';
  // A persisted change is undone only by the operator: its files come back from the backups first.
  const undoPersisted = journal.phase === 'persisted' && undoConfirmed;
  if (
    !finished &&
    !undoPersisted &&
    !context.deps.journal.isPending(journal) &&
    journal.phase !== 'reverting'
  )
    throw new NothingToRevert(journal.phase, context.deps.journal.commands.status);
}

/** The journal as it is now; when it cannot be read, the copy the caller read before. */
async function loadForRevert(context: EngineContext, known: Journal | undefined): Promise<Journal> {
  try {
    return await loadJournal(context);
  } catch (error) {
    if (!known || error instanceof NoJournal) throw error;
    context.note(
      `reverting from the journal read before: it cannot be read now (${(error as Error).message})`,
    );
    return known;
  }
}

/** Runs a write that must not stop a revert; returns whether it worked. */
async function bestEffort(
  context: EngineContext,
  what: string,
  write: () => Promise<unknown>,
): Promise<boolean> {
  try {
    await write();
    return true;
  } catch (error) {
    const message = `could not ${what} (the revert goes on): ${(error as Error).message}`;
    // The debug log may be in the unwritable state directory too: the guardian's log falls back
    // to stderr (guard-command.ts), and `rollback` reports the outcome itself.
    context.note(message);
    return false;
  }
}

function revertedSteps(steps: UndoResult['steps']): RevertedStep[] {
  return steps.map((step) => ({
    stepId: step.stepId,
    title: step.title,
    state: step.state === 'revert-failed' ? 'revert-failed' : 'reverted',
    ...(step.message ? { message: step.message } : {}),
  }));
}

async function confirmMigration(context: EngineContext): Promise<void> {
  const now = context.deps.clock.now();
  const see = `see \`${commandLine(context.deps.journal.commands.status)}\``;
  await context.deps.journal.update(context.stateDir, (draft) => {
    if (draft.phase !== 'applied') {
      throw new JournalRefused(
        `the migration is ${draft.phase}; only an applied change that awaits confirmation can be confirmed`,
        see,
      );
    }
    if (now >= draft.deadline) {
      throw new JournalRefused('the deadline has passed and the change is being reverted', see);
    }
    draft.phase = 'confirmed';
  });
  context.emit({ kind: 'phase', phase: 'confirmed' });
}

async function watchMigration(context: EngineContext): Promise<CheckResult[]> {
  return runChecks(context, baselinePassed(await loadJournal(context)), 'watch');
}

function baselinePassed(journal: Journal) {
  return passedAtBaseline(deriveChecks(journal.preState, journal.plan), journal.baseline ?? []);
}

async function loadJournal(context: EngineContext): Promise<Journal> {
  const journal = await context.deps.journal.load(context.stateDir);
  if (!journal) throw new NoJournal(context.stateDir, context.deps.journal.commands.status);
  return journal;
}
