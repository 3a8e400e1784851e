/**
 * The Runner is the only way the program starts another process. Commands are argv arrays (never a
 * shell string), every call has a timeout, stdin is ignored unless `input` is given, and a failing
 * command is a result, not an exception: callers decide what a non-zero exit means.
 */
import { SystemError } from './operator-error.js';

export interface RunOptions {
  /** Milliseconds before the child is killed; the result then has `timedOut: true`. */
  timeoutMs?: number;
  /**
   * Text fed to the child's stdin (then closed). `ip -batch -` reads its lines this way, so a
   * revert needs no file on a disk that may be full or read-only.
   */
  input?: string;
}

export interface RunResult {
  argv: readonly string[];
  exitCode: number;
  stdout: string;
  stderr: string;
  durationMs: number;
  timedOut: boolean;
  /** The program itself could not be started (ENOENT, EACCES): a missing tool, not a failure. */
  notFound: boolean;
}

export interface Runner {
  run(argv: readonly string[], options?: RunOptions): Promise<RunResult>;
}

export const DEFAULT_TIMEOUT_MS = 5_000;

/** Thrown by callers that need success; carries what the operator needs to see. */
export class CommandFailed extends SystemError {
  constructor(readonly result: RunResult) {
    const reason = result.notFound
      ? 'is not installed'
      : result.timedOut
        ? `timed out after ${Math.round(result.durationMs)} ms`
        : `exited ${result.exitCode}: ${firstLine(result.stderr) || firstLine(result.stdout)}`;
    const problem = `${result.argv.join(' ')} ${reason}`;
    // The message is the problem alone: a step's failure quotes it, and the debug log has the rest.
    super(problem, 'see the debug log for the full output', { message: problem });
    this.name = 'CommandFailed';
  }
}

export function succeeded(result: RunResult): boolean {
  return result.exitCode === 0 && !result.timedOut && !result.notFound;
}

export function expectSuccess(result: RunResult): RunResult {
  if (!succeeded(result)) throw new CommandFailed(result);
  return result;
}

function firstLine(text: string): string {
  return text.trim().split('\n')[0] ?? '';
}

/** Key used by recordings and fake runners to answer by exact argv. */
export function argvKey(argv: readonly string[]): string {
  return JSON.stringify(argv);
}
