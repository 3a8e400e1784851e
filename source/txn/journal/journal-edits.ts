/**
 * The journal's named edits, as pure functions of (copy of the journal, now). Each checks that it
 * fits the migration's state and throws JournalRefused when not, so a misuse is caught before
 * anything is written. journal.ts applies them under the lock.
 */

import { commandLine, type ExecCommand } from '../../plan/operator-commands.js';
import {
  appendEvent,
  boundedText,
  type GuardianInfo,
  isPending,
  type Journal,
  JournalError,
  type JournalPhase,
  type Outcome,
  type RevertTrigger,
  type TouchedFile,
  type WatchRecord,
} from './journal-format.js';

/** A journal operation that does not fit the migration's current state. */
export class JournalRefused extends JournalError {
  constructor(problem: string, fix: string) {
    super(problem, fix);
    this.name = 'JournalRefused';
  }
}

export type JournalEdit = (draft: Journal, now: number) => void;

/** Extending can never push the deadline further than this from now (the --timeout maximum). */
export const MAX_DEADLINE_AHEAD_SEC = 3600;
/** Phases in which a countdown runs and may be extended. */
const EXTENDABLE: readonly JournalPhase[] = ['planned', 'applying', 'applied', 'persisting'];
const BUG = 'this is a bug in bridge-migrate; please report it with the debug log';

export function noteEvent(message: string): JournalEdit {
  return (draft, now) => appendEvent(draft, { at: now, phase: draft.phase, message });
}

export function moveToPhase(phase: JournalPhase): JournalEdit {
  return (draft) => {
    draft.phase = phase;
  };
}

/** Written BEFORE the step runs: after a crash, a start without an end marks a half-run step. */
export function startStep(stepId: string): JournalEdit {
  return (draft, now) => {
    if (draft.phase !== 'applying')
      throw new JournalRefused(`step ${stepId} cannot start in phase "${draft.phase}"`, BUG);
    if (!draft.plan.steps.some((step) => step.id === stepId)) {
      throw new JournalRefused(`step ${stepId} is not in the journal's plan`, BUG);
    }
    const running = draft.applied.find((step) => step.finishedAt === null);
    if (running) throw new JournalRefused(`step ${running.stepId} is still running`, BUG);
    if (draft.applied.some((step) => step.stepId === stepId)) {
      throw new JournalRefused(`step ${stepId} was already started once`, BUG);
    }
    draft.applied.push({ stepId, startedAt: now, finishedAt: null, ok: null });
    noteEvent(`step ${stepId} started`)(draft, now);
  };
}

export function endStep(stepId: string, result: { ok: boolean; error?: string }): JournalEdit {
  return (draft, now) => {
    const entry = draft.applied.at(-1);
    if (!entry || entry.stepId !== stepId || entry.finishedAt !== null) {
      throw new JournalRefused(`step ${stepId} is not the step in progress`, BUG);
    }
    entry.finishedAt = now;
    entry.ok = result.ok;
    if (result.error !== undefined) entry.error = boundedText(result.error);
    noteEvent(`step ${stepId} ${result.ok ? 'done' : `failed: ${result.error ?? 'no detail'}`}`)(draft, now);
  };
}

/**
 * Adds time to a running countdown. Refused once the deadline has passed: by then the guardian
 * may already be reverting, and an extension that lands after its decision would lie to the
 * operator.
 */
export function extendDeadlineBy(seconds: number, status: ExecCommand): JournalEdit {
  if (!Number.isSafeInteger(seconds) || seconds <= 0) {
    throw new RangeError(`an extension must be a positive whole number of seconds, not ${seconds}`);
  }
  return (draft, now) => {
    if (!EXTENDABLE.includes(draft.phase)) {
      throw new JournalRefused(
        `the migration is ${draft.phase}; there is no countdown to extend`,
        `see \`${commandLine(status)}\``,
      );
    }
    if (now >= draft.deadline) {
      throw new JournalRefused(
        'the deadline has passed and the change is being reverted',
        `see \`${commandLine(status)}\``,
      );
    }
    draft.deadline = Math.min(draft.deadline + seconds * 1000, now + MAX_DEADLINE_AHEAD_SEC * 1000);
    noteEvent(`deadline extended by ${seconds} s`)(draft, now);
  };
}

export function recordGuardian(guardian: Pick<GuardianInfo, 'pid' | 'mode' | 'unit'>): JournalEdit {
  return (draft, now) => {
    if (!isPending(draft))
      throw new JournalRefused(`the migration is already ${draft.phase}`, 'no guardian is needed');
    draft.guardian = { ...guardian, startedAt: now, heartbeatAt: now };
    const unit = guardian.unit ? ` unit ${guardian.unit}` : '';
    noteEvent(`guardian started (${guardian.mode}, pid ${guardian.pid}${unit})`)(draft, now);
  };
}

/**
 * Only the guardian the journal names may beat; any other one was replaced and must stop. The
 * guardian's latest watch rides along with a beat, so watching adds no journal writes of its own.
 */
export function guardianBeat(pid: number, watch?: WatchRecord): JournalEdit {
  return (draft, now) => {
    if (draft.guardian?.pid !== pid) {
      throw new JournalRefused(
        `the journal names guardian pid ${draft.guardian?.pid ?? 'none'}, not ${pid}`,
        'this guardian was replaced and should exit',
      );
    }
    draft.guardian.heartbeatAt = now;
    if (watch) draft.watch = watch;
  };
}

/** Records how the migration ended and moves to the phase of the same name. */
export function settleOutcome(outcome: Omit<Outcome, 'at'>): JournalEdit {
  return (draft, now) => {
    draft.phase = outcome.kind;
    draft.outcome = {
      ...outcome,
      at: now,
      ...(outcome.differences ? { differences: outcome.differences.map(boundedText) } : {}),
      ...(outcome.notDone ? { notDone: outcome.notDone.map(boundedText) } : {}),
      ...(outcome.steps
        ? {
            steps: outcome.steps.map((step) =>
              step.message === undefined ? step : { ...step, message: boundedText(step.message) },
            ),
          }
        : {}),
    };
  };
}

/**
 * Who decided to revert and why, as a field the TUI reads; the same sentence goes to the event log
 * for people reading `status` (nothing parses it back).
 */
export function decideRevert(trigger: Omit<RevertTrigger, 'at'>): JournalEdit {
  return (draft, now) => {
    draft.revertTrigger = { ...trigger, detail: boundedText(trigger.detail), at: now };
    noteEvent(`${trigger.by}: reverting (${trigger.reason}): ${trigger.detail}`)(draft, now);
  };
}

/** Written BEFORE the file is replaced, so a crash mid-persist still knows what to restore. */
export function touchFile(file: TouchedFile): JournalEdit {
  return (draft, now) => {
    if (draft.phase !== 'persisting') {
      throw new JournalRefused(`files are written only while persisting, not in phase "${draft.phase}"`, BUG);
    }
    draft.files.push(file);
    noteEvent(`writing ${file.path}${file.backup ? ` (backup ${file.backup.backup})` : ' (new file)'}`)(
      draft,
      now,
    );
  };
}
