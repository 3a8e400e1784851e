/**
 * How failures reach the operator: one line naming the problem and the fix, and an exit code
 * from the command-line contract (DESIGN.md): 1 refused before any change, 2 usage.
 *
 * Every layer's errors extend OperatorError (system/operator-error.ts), which carries the problem,
 * the fix and the exit code, so this maps by that one base; anything else is a bug of ours.
 */

import { displaySafe } from '../plan/display-text.js';
import { EXIT, OperatorError } from '../system/operator-error.js';

export { EXIT } from '../system/operator-error.js';

/** The operator asked for something that cannot be: wrong flag value, unknown interface. */
export class UsageError extends OperatorError {
  constructor(problem: string, fix: string) {
    super(problem, fix, { exit: EXIT.usage });
    this.name = 'UsageError';
  }
}

/** The tool refused before changing anything. */
export class Refused extends OperatorError {
  constructor(problem: string, fix: string) {
    super(problem, fix, { exit: EXIT.refused });
    this.name = 'Refused';
  }
}

/** One line, whatever host text (an interface name, a command's stderr) the error quotes. */
export function describeError(error: unknown): { line: string; exitCode: number } {
  const { line, exitCode } = describeErrorText(error);
  return { line: displaySafe(line), exitCode };
}

function describeErrorText(error: unknown): { line: string; exitCode: number } {
  if (error instanceof OperatorError) return { line: `${error.problem}; ${error.fix}`, exitCode: error.exit };
  const message = error instanceof Error ? error.message : String(error);
  return {
    line: `unexpected error: ${message}; please report it with the debug log`,
    exitCode: EXIT.refused,
  };
}
