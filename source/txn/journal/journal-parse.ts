/**
 * Reading a journal back: the parser refuses anything it does not recognise, naming the file and
 * the fix, because every later decision (revert which steps, restore which files) is taken from it.
 * Pure; also used before each write to catch an update that would produce a broken journal.
 */

import { commandListProblem } from '../../plan/command-shape.js';
import { shellQuote } from '../../plan/command-text.js';
import { commandLine, DEFAULT_OPERATOR_COMMANDS, type ExecCommand } from '../../plan/operator-commands.js';
import { isNetnsName } from '../../system/ifname.js';
import { isProcessSignal, isSignallablePid, PROCESS_SIGNALS } from '../../system/process-signal.js';
import {
  JOURNAL_FORMAT,
  JOURNAL_PHASES,
  type Journal,
  JournalError,
  type JournalPhase,
  OUTCOME_KINDS,
  OUTCOME_REASONS,
  type Outcome,
  REVERT_DECIDERS,
  type RevertTrigger,
} from './journal-format.js';

/** What to do about a journal that cannot be parsed; `status` is this run's (operator-commands.ts). */
export function unreadableJournalFix(file: string, status: ExecCommand): string {
  return `if a migration was in progress, check the host with \`ip -br addr\` and \`ip route\`, then move the file aside (mv ${shellQuote(file)} ${shellQuote(`${file}.broken`)}) and run \`${commandLine(status)}\``;
}

export class JournalUnreadable extends JournalError {
  constructor(
    readonly file: string,
    /** Why, in one clause ("permission denied"), for a report that names the file itself. */
    readonly why: string,
    fix = unreadableJournalFix(file, DEFAULT_OPERATOR_COMMANDS.status),
  ) {
    super(`the migration journal ${file} cannot be used: ${why}`, fix);
    this.name = 'JournalUnreadable';
  }
}

/** Parses a journal file's text; anything unexpected is a JournalUnreadable naming the file. */
export function parseJournal(
  text: string,
  file: string,
  status: ExecCommand = DEFAULT_OPERATOR_COMMANDS.status,
): Journal {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (error) {
    throw new JournalUnreadable(
      file,
      `it is not valid JSON (${(error as Error).message}); it may be damaged`,
      unreadableJournalFix(file, status),
    );
  }
  const problem = journalProblem(data);
  if (problem) throw new JournalUnreadable(file, problem, unreadableJournalFix(file, status));
  return data as Journal;
}

/** The first thing wrong with a would-be journal, or null. Checks the journal's own fields in
 * depth; the embedded snapshot and plan only as far as revert needs (the plan's steps). */
export function journalProblem(data: unknown): string | null {
  if (!isRecord(data)) return 'it is not a JSON object';
  if (data.format !== JOURNAL_FORMAT) {
    return typeof data.format === 'string' && data.format.startsWith('bridge-migrate-journal/')
      ? `it was written in format "${data.format}" by another version of bridge-migrate`
      : `it is not a bridge-migrate journal (no "format": "${JOURNAL_FORMAT}")`;
  }
  for (const key of ['id', 'nic', 'bridge'] as const) {
    if (typeof data[key] !== 'string' || data[key] === '') return `"${key}" is missing`;
  }
  for (const key of ['createdAt', 'deadline', 'timeoutSec'] as const) {
    if (!Number.isFinite(data[key])) return `"${key}" is not a number`;
  }
  if (!JOURNAL_PHASES.includes(data.phase as JournalPhase))
    return `"phase" is not one of ${JOURNAL_PHASES.join(', ')}`;
  if (!isRecord(data.preState)) return '"preState" is missing';
  if (!isRecord(data.plan) || !Array.isArray(data.plan.steps)) return '"plan" or its steps are missing';
  return (
    requestNetnsProblem(data.plan.request) ??
    listProblem(data.plan.steps, 'plan.steps', stepSignalsProblem) ??
    listProblem(data.applied, 'applied', appliedProblem) ??
    (data.guardian === null ? null : guardianProblem(data.guardian)) ??
    listProblem(data.events, 'events', eventProblem) ??
    (data.outcome === null ? null : outcomeProblem(data.outcome)) ??
    (data.revertTrigger === undefined ? null : revertTriggerProblem(data.revertTrigger)) ??
    listProblem(data.files, 'files', fileProblem) ??
    (data.baseline === undefined ? null : listProblem(data.baseline, 'baseline', checkProblem)) ??
    (data.watch === undefined ? null : watchProblem(data.watch))
  );
}

/**
 * The network namespace the migration was made in: absent or null (the host's own), or a name
 * `ip netns` gives. It decides where rollback, confirm and the guardian may act on the journal and
 * is put into printed `ip netns exec NAME` commands, so anything else makes the journal unreadable.
 */
function requestNetnsProblem(request: unknown): string | null {
  if (request === undefined) return null;
  if (!isRecord(request)) return '"plan.request" is not an object';
  const { netns } = request;
  if (netns === undefined || netns === null || isNetnsName(netns)) return null;
  return '"plan.request.netns" is not a network namespace name (letters, digits, "_", ".", "-")';
}

/**
 * A step's signal commands, strictly: the pid a signal goes to and the signal itself are read from
 * a file anyone with root may have edited, and both are shown in the terminal (commandText) and
 * handed to `kill`. The revert allowlist judges the other command kinds before anything runs them.
 */
function stepSignalsProblem(step: Record<string, unknown>): string | null {
  for (const list of ['commands', 'inverse'] as const) {
    const commands = step[list];
    if (commands === undefined) continue;
    if (!Array.isArray(commands)) return `has "${list}" that is not a list`;
    for (const command of commands) {
      if (!isRecord(command) || command.kind !== 'signal') continue;
      if (Object.keys(command).some((key) => !['kind', 'pid', 'signal'].includes(key)))
        return 'has a signal command with unknown fields';
      if (!isSignallablePid(command.pid)) return 'has a signal command whose pid is not a positive integer';
      if (!isProcessSignal(command.signal))
        return `has a signal command whose signal is not one of ${PROCESS_SIGNALS.join(', ')}`;
    }
  }
  return null;
}

function appliedProblem(item: Record<string, unknown>): string | null {
  if (typeof item.stepId !== 'string' || !Number.isFinite(item.startedAt)) return 'lacks stepId or startedAt';
  if (item.finishedAt !== null && !Number.isFinite(item.finishedAt)) return 'has a bad finishedAt';
  if (item.ok !== null && typeof item.ok !== 'boolean') return 'has a bad ok';
  return null;
}

function guardianProblem(value: unknown): string | null {
  if (!isRecord(value)) return '"guardian" is neither null nor an object';
  if (!Number.isSafeInteger(value.pid) || (value.mode !== 'systemd-run' && value.mode !== 'detached')) {
    return '"guardian" lacks pid or mode';
  }
  if (!Number.isFinite(value.startedAt) || !Number.isFinite(value.heartbeatAt))
    return '"guardian" lacks its times';
  return null;
}

function eventProblem(item: Record<string, unknown>): string | null {
  if (!JOURNAL_PHASES.includes(item.phase as JournalPhase)) return 'has an unknown phase';
  return Number.isFinite(item.at) && typeof item.message === 'string' ? null : 'lacks at or message';
}

function outcomeProblem(value: unknown): string | null {
  if (!isRecord(value)) return '"outcome" is neither null nor an object';
  if (!OUTCOME_KINDS.includes(value.kind as Outcome['kind'])) return '"outcome.kind" is unknown';
  if (!OUTCOME_REASONS.includes(value.reason as Outcome['reason'])) return '"outcome.reason" is unknown';
  if (!Number.isFinite(value.at)) return '"outcome.at" is not a number';
  return (
    (value.steps === undefined ? null : listProblem(value.steps, 'outcome.steps', revertedStepProblem)) ??
    (value.checks === undefined ? null : listProblem(value.checks, 'outcome.checks', checkProblem)) ??
    manualCommandsProblem(value.manualCommands)
  );
}

const TRIGGER_KEYS: readonly string[] = ['by', 'reason', 'detail', 'at'] satisfies (keyof RevertTrigger)[];

/** Strict: the TUI shows the detail and acts on who decided, so nothing else may ride along. */
function revertTriggerProblem(value: unknown): string | null {
  if (!isRecord(value)) return '"revertTrigger" is not an object';
  const extra = Object.keys(value).find((key) => !TRIGGER_KEYS.includes(key));
  if (extra !== undefined) return '"revertTrigger" has an unknown field';
  if (!REVERT_DECIDERS.includes(value.by as RevertTrigger['by'])) return '"revertTrigger.by" is unknown';
  if (!OUTCOME_REASONS.includes(value.reason as Outcome['reason']))
    return '"revertTrigger.reason" is unknown';
  if (typeof value.detail !== 'string') return '"revertTrigger.detail" is not a text';
  return Number.isFinite(value.at) ? null : '"revertTrigger.at" is not a number';
}

/**
 * The commands a revert left for the operator: argv data, shown on every screen that reads this
 * journal, so checked for shape and size here (command-shape.ts). An older version stored shell
 * text instead; such a journal is refused rather than guessed at (re-splitting shell text is what
 * storing data avoids), and the refusal's fix says to check the host and move the file aside.
 */
function manualCommandsProblem(value: unknown): string | null {
  if (value === undefined) return null;
  const problem = commandListProblem(value);
  return problem ? `"outcome.manualCommands" ${problem}` : null;
}

function revertedStepProblem(item: Record<string, unknown>): string | null {
  if (typeof item.stepId !== 'string' || typeof item.title !== 'string') return 'lacks stepId or title';
  if (item.state !== 'reverted' && item.state !== 'revert-failed') return 'has an unknown state';
  return item.message === undefined || typeof item.message === 'string' ? null : 'has a bad message';
}

function watchProblem(value: unknown): string | null {
  if (!isRecord(value) || !Number.isFinite(value.at)) return '"watch" lacks its time';
  return listProblem(value.results, 'watch.results', checkProblem);
}

function fileProblem(item: Record<string, unknown>): string | null {
  if (typeof item.path !== 'string') return 'lacks path';
  if (item.backup !== null && !(isRecord(item.backup) && typeof item.backup.backup === 'string'))
    return 'has a bad backup';
  return null;
}

function checkProblem(item: Record<string, unknown>): string | null {
  for (const key of ['id', 'title', 'target', 'via', 'detail'] as const) {
    if (typeof item[key] !== 'string') return `lacks ${key}`;
  }
  if (typeof item.ok !== 'boolean') return 'has a bad ok';
  return Number.isFinite(item.durationMs) ? null : 'lacks durationMs';
}

function listProblem(
  value: unknown,
  name: string,
  itemProblem: (item: Record<string, unknown>) => string | null,
): string | null {
  if (!Array.isArray(value)) return `"${name}" is not a list`;
  for (const [index, item] of value.entries()) {
    const problem = isRecord(item) ? itemProblem(item) : 'is not an object';
    if (problem) return `"${name}" entry #${index} ${problem}`;
  }
  return null;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
