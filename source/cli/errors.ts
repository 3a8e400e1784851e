/**
 * How failures reach the operator: one line naming the problem and the fix, and an exit code
 * from the command-line contract (DESIGN.md): 1 refused before any change, 2 usage.
 */

import { displaySafe } from '../plan/display-text.js';
import { InvalidInterfaceName } from '../plan/names.js';
import { UnsafePath } from '../system/atomic-file.js';
import { CaptureInvalid, ReplayMiss } from '../system/capture.js';
import { CommandFailed } from '../system/runner.js';
import { JournalError } from '../txn/journal/journal.js';
import { MigrationLocked } from '../txn/journal/lock.js';

export const EXIT = { ok: 0, refused: 1, usage: 2, reverted: 3, revertIncomplete: 4 } as const;

/** The operator asked for something that cannot be: wrong flag value, unknown interface. */
export class UsageError extends Error {
  constructor(
    problem: string,
    readonly fix: string,
  ) {
    super(problem);
    this.name = 'UsageError';
  }
}

/** The tool refused before changing anything. */
export class Refused extends Error {
  constructor(
    problem: string,
    readonly fix: string,
  ) {
    super(problem);
    this.name = 'Refused';
  }
}

/** One line, whatever host text (an interface name, a command's stderr) the error quotes. */
export function describeError(error: unknown): { line: string; exitCode: number } {
  const { line, exitCode } = describeErrorText(error);
  return { line: displaySafe(line), exitCode };
}

function describeErrorText(error: unknown): { line: string; exitCode: number } {
  if (error instanceof UsageError) return { line: `${error.message}; ${error.fix}`, exitCode: EXIT.usage };
  if (error instanceof Refused) return { line: `${error.message}; ${error.fix}`, exitCode: EXIT.refused };
  if (error instanceof InvalidInterfaceName) {
    return {
      line: `${error.message}; choose a name of 1-15 bytes without "/", ":" or spaces`,
      exitCode: EXIT.usage,
    };
  }
  if (error instanceof CaptureInvalid || error instanceof ReplayMiss)
    return { line: error.message, exitCode: EXIT.usage };
  // These carry their own fix in the message (the journal, lock and state directory name the file
  // and the command to run); each means nothing was changed by this invocation.
  if (error instanceof JournalError || error instanceof MigrationLocked || error instanceof UnsafePath) {
    return { line: error.message, exitCode: EXIT.refused };
  }
  if (error instanceof CommandFailed) {
    return { line: `${error.message}; see the debug log for the full output`, exitCode: EXIT.refused };
  }
  const message = error instanceof Error ? error.message : String(error);
  return {
    line: `unexpected error: ${message}; please report it with the debug log`,
    exitCode: EXIT.refused,
  };
}
