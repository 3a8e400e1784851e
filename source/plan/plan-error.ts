/**
 * Base of the planner's errors. Its message is the problem alone, because the planner turns it
 * into a verdict's sentence ("The plan needs …") before anyone reads it.
 */
import { OperatorError } from '../system/operator-error.js';

/** A value the planner cannot write into a command safely is ours to handle, so report it. */
const REPORT = 'please report it with the debug log';

export class PlanError extends OperatorError {
  constructor(problem: string, fix = REPORT) {
    super(problem, fix, { message: problem });
    this.name = 'PlanError';
  }
}
