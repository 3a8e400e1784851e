/**
 * The one sentence an operator must not miss: the change is pending and no guardian enforces its
 * deadline (the guardian was killed, crashed, or never recorded itself). `status`, `confirm`,
 * `rollback`, the countdown and the recovery screen all put it FIRST, with what to do: re-arm a
 * guardian for the same deadline, or roll back. Pure.
 */
import { commandLine, type OperatorCommands } from '../../plan/operator-commands.js';
import { COUNTDOWN_PHASES, type Journal } from '../journal/journal.js';

export interface GuardianAlert {
  /** "the guardian (pid N) is not running: nothing will revert this change at the deadline" */
  problem: string;
  /** Whether the deadline has passed (re-arming then means reverting now). */
  overdue: boolean;
}

export function guardianAlert(journal: Journal, guardianAlive: boolean, now: number): GuardianAlert | null {
  if (!COUNTDOWN_PHASES.includes(journal.phase)) return null;
  if (journal.guardian && guardianAlive) return null;
  const who = journal.guardian
    ? `the guardian (pid ${journal.guardian.pid}) is not running`
    : 'no guardian was recorded';
  return {
    problem: `${who}: nothing will revert this change at the deadline`,
    overdue: now >= journal.deadline,
  };
}

/** The alert with its fix, as one line for the CLI: the exact commands for this state directory. */
export function guardianAlertLine(
  alert: GuardianAlert,
  commands: Pick<OperatorCommands, 'rollback' | 'rearm'>,
): string {
  const rollback = commandLine(commands.rollback);
  if (alert.overdue) return `${alert.problem}; the deadline has passed: roll it back now: ${rollback}`;
  return `${alert.problem}; re-arm it for the same deadline: ${commandLine(commands.rearm)}, or roll back now: ${rollback}`;
}
