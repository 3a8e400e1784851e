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
import { startMigration } from './apply.js';
import { deriveChecks, passedAtBaseline, runChecks } from './connectivity.js';
import type { CheckResult, Engine, EngineDeps, RevertOutcome, RevertReason } from './engine-api.js';
import { type EngineContext, engineContext } from './engine-context.js';
import { NothingToRevert } from './engine-errors.js';
import { type Journal, JournalRefused, NoJournal, type RevertedStep, stepsToRevert } from './journal.js';
import { type UndoResult, undoSteps } from './revert.js';

export { ArmingFailed, HostChangedSincePlan, NothingToRevert, PlanNotApplicable } from './engine-errors.js';

export function createEngine(deps: EngineDeps): Engine {
  const context = engineContext(deps);
  const revert = (reason: RevertReason) => revertMigration(context, reason);
  return {
    start: (options) => startMigration(context, options, revert),
    revert,
    confirm: () => confirmMigration(context),
    watch: () => watchMigration(context),
  };
}

async function revertMigration(context: EngineContext, reason: RevertReason): Promise<RevertOutcome> {
  const { journal: store } = context.deps;
  let journal = await loadJournal(context);
  const undoConfirmed = reason === 'operator';
  if (journal.phase === 'confirmed' && !undoConfirmed) {
    throw new JournalRefused(
      'the change was confirmed',
      'only the operator undoes a confirmed change: `bridge-migrate rollback`',
    );
  }
  if (!store.isPending(journal) && journal.phase !== 'reverting') throw new NothingToRevert(journal.phase);
  if (journal.phase !== 'reverting') {
    journal = await store.setPhase(context.stateDir, 'reverting', reason, { undoConfirmed });
  }
  context.emit({ kind: 'phase', phase: 'reverting', message: reason });

  const undo = await undoSteps(context, journal, stepsToRevert(journal));
  const checks = await runChecks(context, baselinePassed(journal), 'after-revert');
  const kind = undo.differences.length === 0 ? 'reverted' : 'revert-incomplete';
  await store.recordOutcome(context.stateDir, {
    kind,
    reason,
    differences: undo.differences,
    manualCommands: undo.manualCommands,
    // Recorded so a process that did not run this revert (the TUI watching the guardian's) can show it.
    steps: revertedSteps(undo.steps),
    checks,
  });
  context.emit({ kind: 'phase', phase: kind, message: reason });
  return {
    kind,
    reason,
    steps: undo.steps,
    differences: undo.differences,
    manualCommands: undo.manualCommands,
    checks,
  };
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
  await context.deps.journal.update(context.stateDir, (draft) => {
    if (draft.phase !== 'applied') {
      throw new JournalRefused(
        `the migration is ${draft.phase}; only an applied change that awaits confirmation can be confirmed`,
        'see `bridge-migrate status`',
      );
    }
    if (now >= draft.deadline) {
      throw new JournalRefused(
        'the deadline has passed and the change is being reverted',
        'see `bridge-migrate status`',
      );
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
  if (!journal) throw new NoJournal(context.stateDir);
  return journal;
}
