/**
 * Reading a journal back: the parser refuses anything it does not recognise, naming the file and
 * the fix, because every later decision (revert which steps, restore which files) is taken from it.
 * Pure; also used before each write to catch an update that would produce a broken journal.
 */

import { commandListProblem } from '../../plan/command-shape.js';
import { shellQuote } from '../../plan/command-text.js';
import { commandLine, DEFAULT_OPERATOR_COMMANDS, type ExecCommand } from '../../plan/operator-commands.js';
import { isNetnsName } from '../../system/ifname.js';
import {
  JOURNAL_FORMAT,
  JOURNAL_PHASES,
  type Journal,
  JournalError,
  type JournalPhase,
  MAX_JOURNAL_TEXT,
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
  const preState = preStateProblem(data.preState);
  if (preState) return preState;
  if (!isRecord(data.plan) || !Array.isArray(data.plan.steps)) return '"plan" or its steps are missing';
  return (
    requestNetnsProblem(data.plan.request) ??
    listProblem(data.plan.steps, 'plan.steps', stepProblem) ??
    listProblem(data.applied, 'applied', appliedProblem) ??
    appliedStepsProblem(data.applied as unknown[], data.plan.steps) ??
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
 * A plan step as far as a revert and the screens use it: its id and title, and its commands and
 * inverse as Command lists of every kind (plan/command-shape.ts). A revert runs the inverses of a
 * file anyone with root may have edited: a missing list, a null or a string where a Command should
 * be must refuse the journal at load, not crash the revert after it marked the journal reverting.
 * The pid and signal of a signal command are shown (commandText) and handed to `kill`; the revert
 * allowlist judges the other command kinds before anything runs them.
 */
function stepProblem(step: Record<string, unknown>): string | null {
  if (typeof step.id !== 'string' || step.id === '') return 'lacks its id';
  if (typeof step.title !== 'string') return 'lacks its title';
  for (const list of ['commands', 'inverse'] as const) {
    const problem = commandListProblem(step[list]);
    if (problem) return `"${list}" ${problem}`;
  }
  return null;
}

/**
 * The pre-state as far as a revert reads it: the lists it compares the host with and restarts DHCP
 * clients from, and what the checks after it are derived from (connectivity.ts deriveChecks). A
 * missing list would crash the revert after it began undoing; the items' own fields are the host
 * comparison's to judge (it runs under a catch and reports what it could not read).
 */
const PRE_STATE_LISTS = ['links', 'addresses', 'routes', 'rules', 'defaultGateways', 'dhcpClients'] as const;

function preStateProblem(value: unknown): string | null {
  if (!isRecord(value)) return '"preState" is missing';
  for (const key of PRE_STATE_LISTS) {
    const problem = listProblem(value[key], `preState.${key}`, () => null);
    if (problem) return problem;
  }
  const dns = value.dns;
  if (!isRecord(dns) || !Array.isArray(dns.nameservers) || dns.nameservers.some((s) => typeof s !== 'string'))
    return '"preState.dns" lacks its list of nameservers';
  return value.ssh === null || isRecord(value.ssh) ? null : '"preState.ssh" is neither null nor an object';
}

/** Every step the journal says was started must be one of its plan's: the revert undoes it. */
function appliedStepsProblem(applied: unknown[], steps: unknown[]): string | null {
  const ids = new Set(steps.map((step) => (step as Record<string, unknown>).id));
  const index = applied.findIndex((item) => !ids.has((item as Record<string, unknown>).stepId));
  return index === -1 ? null : `"applied" entry #${index} names a step its plan does not have`;
}

function appliedProblem(item: Record<string, unknown>): string | null {
  if (typeof item.stepId !== 'string' || !Number.isFinite(item.startedAt)) return 'lacks stepId or startedAt';
  if (item.finishedAt !== null && !Number.isFinite(item.finishedAt)) return 'has a bad finishedAt';
  if (item.ok !== null && typeof item.ok !== 'boolean') return 'has a bad ok';
  return item.error === undefined || isText(item.error) ? null : `has an error that is not a text ${UP_TO}`;
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
  if (!Number.isFinite(item.at)) return 'lacks at';
  return isText(item.message) ? null : `has a message that is not a text ${UP_TO}`;
}

function outcomeProblem(value: unknown): string | null {
  if (!isRecord(value)) return '"outcome" is neither null nor an object';
  if (!OUTCOME_KINDS.includes(value.kind as Outcome['kind'])) return '"outcome.kind" is unknown';
  if (!OUTCOME_REASONS.includes(value.reason as Outcome['reason'])) return '"outcome.reason" is unknown';
  if (!Number.isFinite(value.at)) return '"outcome.at" is not a number';
  return (
    (value.differences === undefined ? null : textListProblem(value.differences, 'outcome.differences')) ??
    (value.notDone === undefined ? null : textListProblem(value.notDone, 'outcome.notDone')) ??
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
  if (!isText(value.detail)) return `"revertTrigger.detail" is not a text ${UP_TO}`;
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
  return item.message === undefined || isText(item.message)
    ? null
    : `has a message that is not a text ${UP_TO}`;
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

const UP_TO = `of at most ${MAX_JOURNAL_TEXT} characters`;

/** A text field a screen prints: bounded, since a planted one would flood every screen (journal-format.ts). */
function isText(value: unknown): value is string {
  return typeof value === 'string' && value.length <= MAX_JOURNAL_TEXT;
}

function textListProblem(value: unknown, name: string): string | null {
  if (!Array.isArray(value)) return `"${name}" is not a list`;
  const index = value.findIndex((item) => !isText(item));
  return index === -1 ? null : `"${name}" entry #${index} is not a text ${UP_TO}`;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
