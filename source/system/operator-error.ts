/**
 * The one shape of every failure the operator may read: what is wrong (`problem`), what to do about
 * it (`fix`), and the exit code of the command-line contract (DESIGN.md, README "Exit codes").
 * Each layer extends it with its own base (SystemError here, HostError, PlanError, JournalError,
 * EngineError, the CLI's UsageError and Refused), so cli/errors.ts maps by base class: an error
 * written tomorrow reaches the operator as its own sentence, never as "unexpected error".
 *
 * It lives in system/, the lowest layer, so that every layer can extend it without importing
 * upwards.
 */

/** The exit codes README documents: 1 is "refused before any change", 2 is "usage". */
export const EXIT = { ok: 0, refused: 1, usage: 2, reverted: 3, revertIncomplete: 4 } as const;
export type ExitCode = (typeof EXIT)[keyof typeof EXIT];

export interface OperatorErrorOptions {
  /** Default: refused (1), the code for "nothing was changed by this invocation". */
  exit?: ExitCode;
  /**
   * The Error's `message`; default "problem; fix". Errors whose message other text quotes on its
   * own (a step's failure, a planner verdict, the guardian's arming) keep the problem alone there.
   */
  message?: string;
}

export class OperatorError extends Error {
  readonly exit: ExitCode;

  constructor(
    readonly problem: string,
    readonly fix: string,
    options: OperatorErrorOptions = {},
  ) {
    super(options.message ?? `${problem}; ${fix}`);
    this.exit = options.exit ?? EXIT.refused;
    this.name = 'OperatorError';
  }
}

/** Base of the system layer's errors: a command, a file or path, a recording, a name the kernel refuses. */
export class SystemError extends OperatorError {
  constructor(problem: string, fix: string, options?: OperatorErrorOptions) {
    super(problem, fix, options);
    this.name = 'SystemError';
  }
}
