/**
 * Whether a value read back from disk (a journal, /run) is a Command at all, within bounds. The
 * commands an incomplete revert leaves for the operator are stored as data (argv arrays) and
 * rendered only when shown; a journal is a root-owned file that a bug, a disk error or a person can
 * change, so what is read back is checked for shape and size before any screen renders it.
 * Not a safety check of what the command does (that is revert-allowlist.ts): these commands are
 * only ever shown, never run.
 */

/** Bounds far above anything the planner or a revert produces. */
const MAX_COMMANDS = 1024;
const MAX_TOKENS = 256;
const MAX_TOKEN_LENGTH = 4096;
const MAX_BATCH_LINES = 4096;
const MAX_CONTENT_LENGTH = 1 << 20;

/** What is wrong with `value` as a list of Commands, or null. */
export function commandListProblem(value: unknown): string | null {
  if (!Array.isArray(value)) return 'is not a list';
  if (value.length > MAX_COMMANDS) return `holds more than ${MAX_COMMANDS} commands`;
  for (const [index, item] of value.entries()) {
    const problem = commandProblem(item);
    if (problem) return `entry #${index} ${problem}`;
  }
  return null;
}

/** What is wrong with `value` as one Command, or null. */
export function commandProblem(value: unknown): string | null {
  if (typeof value === 'string') return 'is text from an older version, not a command as data';
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return 'is not an object';
  const command = value as Record<string, unknown>;
  switch (command.kind) {
    case 'exec':
    case 'spawn-detached':
      return tokensProblem(command.argv, 'argv', 1);
    case 'ip-batch': {
      const lines = command.lines;
      if (!Array.isArray(lines) || lines.length === 0 || lines.length > MAX_BATCH_LINES)
        return `has no lines or more than ${MAX_BATCH_LINES}`;
      for (const line of lines) {
        const problem = tokensProblem(line, 'a line', 1);
        if (problem) return problem;
      }
      return null;
    }
    case 'write-file':
      if (typeof command.content !== 'string' || command.content.length > MAX_CONTENT_LENGTH)
        return 'has no content or too much';
      if (
        !Number.isInteger(command.mode) ||
        (command.mode as number) < 0 ||
        (command.mode as number) > 0o7777
      )
        return 'has a bad mode';
      return pathProblem(command.path);
    case 'remove-file':
      return pathProblem(command.path);
    default:
      return 'has an unknown kind';
  }
}

function tokensProblem(value: unknown, name: string, min: number): string | null {
  if (!Array.isArray(value) || value.length < min || value.length > MAX_TOKENS)
    return `has ${name} that is not a list of 1-${MAX_TOKENS} words`;
  for (const token of value) {
    if (typeof token !== 'string' || token.length > MAX_TOKEN_LENGTH)
      return `has ${name} with a word that is not text or is over ${MAX_TOKEN_LENGTH} characters`;
  }
  return null;
}

function pathProblem(value: unknown): string | null {
  return typeof value === 'string' && value.startsWith('/') && value.length <= MAX_TOKEN_LENGTH
    ? null
    : 'has no absolute path';
}
