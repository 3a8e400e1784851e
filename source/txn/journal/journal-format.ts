/**
 * The write-ahead journal as data: its document type, the phase transition table, and the parser
 * that refuses anything it does not recognise. Pure; journal.ts does the reading and writing.
 *
 * Every process of the tool (the TUI, `apply`, `confirm`, `rollback`, `status`, the guardian) and
 * every later start after a crash learns what is going on only from this document, so it records
 * intent BEFORE acting: a step is "started" before it runs and "finished" after, the guardian is
 * named before it is relied on, a backup is recorded before its file is overwritten.
 */
import type { HostSnapshot } from '../../host/snapshot.js';
import { commandLine, type ExecCommand } from '../../plan/operator-commands.js';
import type { Command, Plan } from '../../plan/types.js';
import type { BackupRecord } from '../../system/file-backup.js';
import { OperatorError } from '../../system/operator-error.js';

export const JOURNAL_FORMAT = 'bridge-migrate-journal/1';
/** The event log is for people reading `status`; it must not grow a journal rewritten every second. */
export const MAX_EVENTS = 200;
/**
 * The longest text field the screens print from the journal (an event, the revert trigger's detail,
 * a difference, a step's message or error): a tool's stderr fits many times over. The parser
 * refuses a longer one (a planted field would flood every screen that shows it); the journal's own
 * writers cut theirs to it (boundedText), so a long stderr can never make the journal unreadable.
 */
export const MAX_JOURNAL_TEXT = 8192;

/** `text` cut to MAX_JOURNAL_TEXT characters, saying so. */
export function boundedText(text: string): string {
  if (text.length <= MAX_JOURNAL_TEXT) return text;
  const mark = ' … (cut)';
  return `${text.slice(0, MAX_JOURNAL_TEXT - mark.length)}${mark}`;
}

/**
 * 'persisting' and 'persisted' extend the runtime phases because DESIGN.md's persist step runs
 * after confirmation "under the same guard": once config files are being written, a crash or a
 * failed `netplan generate` must be recovered by restoring the recorded backups as well as
 * reverting the runtime steps, and a later start must be able to tell "confirmed, files not yet
 * written" (finish persisting) from "confirmed and persisted" (done). 'confirmed' alone cannot say
 * which.
 * 'undoing' is the operator's undo of a persisted migration (`rollback`): it is entered before
 * anything changes, with a fresh deadline, and a guardian watches it (guardian.ts) so an undo cut
 * short (SSH lost, the process killed) is finished rather than left half done. It ends reverted or
 * revert-incomplete like any revert; back to persisted only when its guardian could not be started
 * (then nothing was changed).
 */
export const JOURNAL_PHASES = [
  'planned',
  'applying',
  'applied',
  'confirmed',
  'persisting',
  'persisted',
  'undoing',
  'reverting',
  'reverted',
  'revert-incomplete',
] as const;
export type JournalPhase = (typeof JOURNAL_PHASES)[number];

/**
 * The one transition table. Staying in the same phase is always allowed (heartbeats, events).
 * planned → reverting covers a migration abandoned before its first step (nothing to undo, but
 * the outcome is recorded the same way). revert-incomplete → reverting is a retry after the
 * operator fixed what blocked the revert; until then that journal keeps blocking new migrations.
 */
export const PHASE_TRANSITIONS: Readonly<Record<JournalPhase, readonly JournalPhase[]>> = {
  planned: ['applying', 'reverting'],
  applying: ['applied', 'reverting'],
  applied: ['confirmed', 'reverting'],
  // Straight to persisted when there is nothing to write (--persist none).
  confirmed: ['persisting', 'persisted'],
  persisting: ['persisted', 'reverting'],
  persisted: [],
  undoing: ['persisted', 'reverted', 'revert-incomplete'],
  reverting: ['reverted', 'revert-incomplete'],
  reverted: [],
  'revert-incomplete': ['reverting'],
};

/** Undoing a change the operator confirmed is never automatic: only `rollback` of a confirmed
 * change asks for these edges, by passing { undoConfirmed: true }. */
export const UNDO_TRANSITIONS: Readonly<Partial<Record<JournalPhase, readonly JournalPhase[]>>> = {
  confirmed: ['reverting'],
  persisted: ['reverting', 'undoing'],
};

/** Phases after which nothing is left to do; every other phase blocks a new migration. */
export const FINISHED_PHASES: readonly JournalPhase[] = ['persisted', 'reverted'];
/** Phases in which the change is kept (confirmed, maybe with its config still to write). */
export const KEPT_PHASES: readonly JournalPhase[] = ['confirmed', 'persisting', 'persisted'];
/** Phases in which a revert has ended (by any process), completely or not. */
export const REVERTED_PHASES: readonly JournalPhase[] = ['reverted', 'revert-incomplete'];
/** Phases in which the deadline runs: nothing is confirmed, and a guardian must be there to revert. */
export const COUNTDOWN_PHASES: readonly JournalPhase[] = ['planned', 'applying', 'applied'];
/** How long the undo of a persisted migration may take before its guardian finishes it itself: the
 * parts are bounded (restore, the renderer's reload 10 s, one ip batch, the checks 5 s). */
export const UNDO_DEADLINE_SEC = 120;

export interface AppliedStep {
  stepId: string;
  startedAt: number;
  /** null while the step runs; still null after a crash in the middle of it. */
  finishedAt: number | null;
  ok: boolean | null;
  error?: string;
}

export interface GuardianInfo {
  pid: number;
  mode: 'systemd-run' | 'detached';
  /** The transient unit's name when started by systemd-run. */
  unit?: string;
  startedAt: number;
  heartbeatAt: number;
}

export interface JournalEvent {
  at: number;
  phase: JournalPhase;
  message: string;
}

export const OUTCOME_KINDS = ['confirmed', 'reverted', 'revert-incomplete'] as const;
/** 'persist-failed' is added for the persist step: a failed config write reverts under the guard. */
export const OUTCOME_REASONS = [
  'operator',
  'timeout',
  'probe-failed',
  'apply-failed',
  'persist-failed',
  'recovery',
] as const;

export interface Outcome {
  kind: (typeof OUTCOME_KINDS)[number];
  reason: (typeof OUTCOME_REASONS)[number];
  at: number;
  /** How the host still differs from the pre-state after a revert. */
  differences?: string[];
  /** What the revert did not do that the comparison cannot see (engine-api.ts RevertOutcome). */
  notDone?: string[];
  /** Commands the operator must run by hand to finish an incomplete revert. */
  /**
   * Argv data (validated on read, journal-parse.ts). A journal of an older version holds shell text
   * here instead: it is refused as unreadable, with the fix to check the host and move it aside.
   */
  manualCommands?: Command[];
  /** The steps the revert undid, last first, with their final state (absent in older journals). */
  steps?: RevertedStep[];
  /** The checks run after the revert (absent in older journals). */
  checks?: RecordedCheck[];
}

/** Who decided that the change is reverted. Only the guardian records it today (its deadline or its
 * watch); the operator's own revert is told by the outcome's reason. */
export const REVERT_DECIDERS = ['guardian'] as const;

/**
 * Why a revert was started, recorded by the process that decided it before it starts undoing, so
 * another process (the TUI watching the countdown) can say why without reading the event log.
 */
export interface RevertTrigger {
  by: (typeof REVERT_DECIDERS)[number];
  reason: Outcome['reason'];
  /** One sentence: what made it revert ("the deadline passed without a confirmation"). */
  detail: string;
  at: number;
}

/** One step as a revert left it, so a process that did not run the revert can show it. */
export interface RevertedStep {
  stepId: string;
  title: string;
  state: 'reverted' | 'revert-failed';
  message?: string;
}

/**
 * The guardian's latest watch, written with its heartbeat, so the TUI's countdown and `status` show
 * the checks the guardian judges by instead of running their own.
 */
export interface WatchRecord {
  /** When that watch ended, epoch ms. */
  at: number;
  results: RecordedCheck[];
}

/**
 * One connectivity check as the engine recorded it (engine-api.ts CheckResult has the same shape).
 * The baseline says which checks passed before the first change: only those must pass after it.
 */
export interface RecordedCheck {
  id: string;
  title: string;
  target: string;
  via: string;
  ok: boolean;
  detail: string;
  durationMs: number;
}

/** A file the persist step wrote: backup null means it did not exist before (undo removes it). */
export interface TouchedFile {
  path: string;
  backup: BackupRecord | null;
}

export interface Journal {
  format: typeof JOURNAL_FORMAT;
  id: string;
  /** All times are epoch milliseconds by the host clock, comparable across processes. */
  createdAt: number;
  phase: JournalPhase;
  deadline: number;
  timeoutSec: number;
  nic: string;
  bridge: string;
  preState: HostSnapshot;
  plan: Plan;
  applied: AppliedStep[];
  guardian: GuardianInfo | null;
  events: JournalEvent[];
  outcome: Outcome | null;
  /** Set when a process other than the operator's decided to revert (the latest decision wins). */
  revertTrigger?: RevertTrigger;
  files: TouchedFile[];
  /** The checks taken before the first change; absent until taken (and in older journals). */
  baseline?: RecordedCheck[];
  /** The guardian's latest watch while the change is applied; absent until it has watched once. */
  watch?: WatchRecord;
}

/** Base of the journal's and the lock's errors: each is raised before this call changed anything. */
export class JournalError extends OperatorError {
  constructor(problem: string, fix: string) {
    super(problem, fix);
    this.name = 'JournalError';
  }
}

export class IllegalPhaseTransition extends JournalError {
  constructor(
    readonly from: JournalPhase,
    readonly to: JournalPhase,
    /** The operator's rollback command, named when the refused move is an undo. */
    rollback: ExecCommand,
  ) {
    const undo = UNDO_TRANSITIONS[from]?.includes(to);
    super(
      `a migration in phase "${from}" cannot move to "${to}"`,
      undo
        ? `undoing a confirmed change must be asked for explicitly (\`${commandLine(rollback)}\`)`
        : 'this is a bug; please report it with the debug log',
    );
    this.name = 'IllegalPhaseTransition';
  }
}

export interface TransitionOptions {
  /** Allow the UNDO_TRANSITIONS edges (rollback of a confirmed change). */
  undoConfirmed?: boolean;
}

export function canTransition(
  from: JournalPhase,
  to: JournalPhase,
  options: TransitionOptions = {},
): boolean {
  if (from === to) return true;
  if (PHASE_TRANSITIONS[from].includes(to)) return true;
  return options.undoConfirmed === true && (UNDO_TRANSITIONS[from]?.includes(to) ?? false);
}

export function assertTransition(
  from: JournalPhase,
  to: JournalPhase,
  options: TransitionOptions,
  rollback: ExecCommand,
): void {
  if (!canTransition(from, to, options)) throw new IllegalPhaseTransition(from, to, rollback);
}

/** True while the journal still needs a decision or work (which includes a confirmed change whose
 * config is not yet persisted, and an incomplete revert): a new migration is refused meanwhile. */
export function isPending(journal: Journal): boolean {
  return !FINISHED_PHASES.includes(journal.phase);
}

/** The step that was started but never finished: after a crash, the one that may be half done. */
export function unfinishedStep(journal: Journal): AppliedStep | null {
  return journal.applied.find((step) => step.finishedAt === null) ?? null;
}

/** Ids of every step that started (finished or not, since a half-run step may have changed the
 * host), last first: the order their inverses must run in. */
export function stepsToRevert(journal: Journal): string[] {
  return journal.applied.map((step) => step.stepId).reverse();
}

export function appendEvent(journal: Journal, event: JournalEvent): void {
  journal.events.push({ ...event, message: boundedText(event.message) });
  if (journal.events.length > MAX_EVENTS) journal.events.splice(0, journal.events.length - MAX_EVENTS);
}
