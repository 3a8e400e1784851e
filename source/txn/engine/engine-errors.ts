/**
 * The engine's errors. Its refusals each mean nothing on the host was changed by this call, so the
 * CLI reports them as "refused", exit 1.
 */

import { commandLine, type ExecCommand } from '../../plan/operator-commands.js';
import { OperatorError, type OperatorErrorOptions } from '../../system/operator-error.js';

/** Base of the engine's (and the guardian launcher's) errors. */
export class EngineError extends OperatorError {
  constructor(problem: string, fix: string, options?: OperatorErrorOptions) {
    super(problem, fix, options);
    this.name = 'EngineError';
  }
}

export class PlanNotApplicable extends EngineError {
  constructor(problem: string, fix: string) {
    super(problem, fix);
    this.name = 'PlanNotApplicable';
  }
}

/**
 * The host no longer looks like the snapshot the plan was built from (plan/stale-plan.ts).
 * `differences` are there for a caller that words it its own way (the TUI: "press p").
 */
export class HostChangedSincePlan extends EngineError {
  constructor(readonly differences: string[]) {
    super(
      `the host changed since the plan was made (${differencesSummary(differences)})`,
      'nothing was changed; run plan/apply again to plan for the host as it is now',
    );
    this.name = 'HostChangedSincePlan';
  }
}

/** The first three differences, and how many more: one line for the operator. */
export function differencesSummary(differences: readonly string[]): string {
  const more = differences.length > 3 ? `; and ${differences.length - 3} more` : '';
  return `${differences.slice(0, 3).join('; ')}${more}`;
}

/** `beforeFirstChange` (arming the guardian) failed: the migration was abandoned before any step. */
export class ArmingFailed extends EngineError {
  constructor(override readonly cause: unknown) {
    super(
      `the guardian could not be armed (${cause instanceof Error ? cause.message : String(cause)})`,
      'nothing was changed; see the debug log, fix the cause and apply again',
    );
    this.name = 'ArmingFailed';
  }
}

export class NothingToRevert extends EngineError {
  constructor(phase: string, status: ExecCommand) {
    super(`the migration is ${phase}; there is nothing to revert`, `see \`${commandLine(status)}\``);
    this.name = 'NothingToRevert';
  }
}

/**
 * Writing the renderer's persistent config after confirmation failed (DESIGN.md, "Persist"). No
 * step raises it yet; it exists so that the persist step, when it lands, reports its failure as
 * the operator's sentence with a fix, never as "unexpected error, please report it".
 */
export class PersistError extends EngineError {
  constructor(problem: string, fix: string, options?: OperatorErrorOptions) {
    super(problem, fix, options);
    this.name = 'PersistError';
  }
}
