/**
 * Whether a value read back from disk (a journal, /run) is a Command at all, within bounds: every
 * kind of types.ts Command, with no field the kind does not have. A journal's plan steps (run
 * forward, undone by a revert) and the commands an incomplete revert leaves for the operator are
 * stored as data (argv arrays) and rendered only when shown; a journal is a root-owned file that a
 * bug, a disk error or a person can change, so what is read back is checked for shape and size
 * before a revert iterates it or a screen renders it.
 * Not a safety check of what the command does (that is revert-allowlist.ts, which judges every
 * command before a revert runs it). It does refuse what no command of ours holds and what would
 * break the line it is shown on: an `ip -batch` token that is not batch-safe (tokens.ts; the
 * planner refuses such values, and the batch parser would split or cut them), and an argv word
 * with a NUL, newline or carriage return (the revert refuses those too, and pasted into a shell a
 * newline ends the command or a here-document early).
 */
import { isProcessSignal, isSignallablePid, PROCESS_SIGNALS } from '../system/process-signal.js';
import { isBatchSafe } from './tokens.js';
import type { Command } from './types.js';

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
  if (typeof command.kind !== 'string' || !Object.hasOwn(FIELDS, command.kind)) return 'has an unknown kind';
  const kind = command.kind as Command['kind'];
  const fields = FIELDS[kind];
  if (Object.keys(command).some((key) => key !== 'kind' && !fields.includes(key)))
    return `is a ${kind} command with unknown fields`;
  switch (kind) {
    case 'exec':
    case 'spawn-detached':
      return tokensProblem(command.argv, 'argv', argvWordProblem);
    case 'ip-batch': {
      const lines = command.lines;
      if (!Array.isArray(lines) || lines.length === 0 || lines.length > MAX_BATCH_LINES)
        return `has no lines or more than ${MAX_BATCH_LINES}`;
      for (const line of lines) {
        const problem = tokensProblem(line, 'a line', batchTokenProblem);
        if (problem) return problem;
      }
      return null;
    }
    case 'stop-started':
      if (!isProcessSignal(command.signal))
        return `is a stop-started command whose signal is not one of ${PROCESS_SIGNALS.join(', ')}`;
      return tokensProblem(command.argv, 'argv', argvWordProblem);
    case 'signal':
      if (!isSignallablePid(command.pid)) return 'is a signal command whose pid is not a positive integer';
      if (!isProcessSignal(command.signal))
        return `is a signal command whose signal is not one of ${PROCESS_SIGNALS.join(', ')}`;
      // Absent in journals written before the target's identity was recorded (never signalled then).
      if (
        command.startTime !== undefined &&
        command.startTime !== null &&
        !(typeof command.startTime === 'string' && /^\d{1,20}$/.test(command.startTime))
      )
        return 'is a signal command whose start time is not a number of clock ticks';
      return command.argv === undefined ? null : tokensProblem(command.argv, 'argv', argvWordProblem);
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

/** The fields each kind has besides `kind` (types.ts Command); a kind the map lacks is unknown. */
const FIELDS: Readonly<Record<Command['kind'], readonly string[]>> = {
  exec: ['argv'],
  'ip-batch': ['lines'],
  signal: ['pid', 'signal', 'startTime', 'argv'],
  'spawn-detached': ['argv'],
  'stop-started': ['argv', 'signal'],
  'write-file': ['path', 'content', 'mode'],
  'remove-file': ['path'],
};

function tokensProblem(
  value: unknown,
  name: string,
  wordProblem: (word: string) => string | null,
): string | null {
  if (!Array.isArray(value) || value.length < 1 || value.length > MAX_TOKENS)
    return `has ${name} that is not a list of 1-${MAX_TOKENS} words`;
  for (const token of value) {
    if (typeof token !== 'string' || token.length > MAX_TOKEN_LENGTH)
      return `has ${name} with a word that is not text or is over ${MAX_TOKEN_LENGTH} characters`;
    const problem = wordProblem(token);
    if (problem) return `has ${name} with ${problem}`;
  }
  return null;
}

function argvWordProblem(word: string): string | null {
  return /[\0\n\r]/.test(word) ? 'a word holding a NUL, newline or carriage return' : null;
}

function batchTokenProblem(token: string): string | null {
  return isBatchSafe(token) ? null : `the token ${JSON.stringify(token)}, which is not safe in an ip batch`;
}

function pathProblem(value: unknown): string | null {
  return typeof value === 'string' && value.startsWith('/') && value.length <= MAX_TOKEN_LENGTH
    ? null
    : 'has no absolute path';
}
