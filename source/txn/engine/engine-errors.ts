/**
 * The engine's refusals: each means nothing on the host was changed by this call, and carries the
 * problem and the fix separately (JournalError's shape, so the CLI reports it as "refused", exit 1).
 */

import { commandLine, type ExecCommand } from '../../plan/operator-commands.js';
import { JournalError } from '../journal/journal.js';

export class PlanNotApplicable extends JournalError {
  constructor(problem: string, fix: string) {
    super(problem, fix);
    this.name = 'PlanNotApplicable';
  }
}

/** The host no longer looks like the snapshot the plan was built from. */
export class HostChangedSincePlan extends JournalError {
  constructor(readonly differences: string[]) {
    super(
      `the host changed since the plan was made (${differences.slice(0, 3).join('; ')}${differences.length > 3 ? `; and ${differences.length - 3} more` : ''})`,
      'nothing was changed; probe and plan again, then apply the new plan',
    );
    this.name = 'HostChangedSincePlan';
  }
}

/** `beforeFirstChange` (arming the guardian) failed: the migration was abandoned before any step. */
export class ArmingFailed extends JournalError {
  constructor(override readonly cause: unknown) {
    super(
      `the guardian could not be armed (${cause instanceof Error ? cause.message : String(cause)})`,
      'nothing was changed; see the debug log, fix the cause and apply again',
    );
    this.name = 'ArmingFailed';
  }
}

export class NothingToRevert extends JournalError {
  constructor(phase: string, status: ExecCommand) {
    super(`the migration is ${phase}; there is nothing to revert`, `see \`${commandLine(status)}\``);
    this.name = 'NothingToRevert';
  }
}
