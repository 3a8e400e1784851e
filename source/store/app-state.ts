/**
 * The shape of the interactive app's state and the dependencies its store is built from. The
 * store reaches the host only through these functions, so tests give each case a fresh store
 * with fakes (a fake engine among them) and the CLI wires the real probe (or a replay) and the
 * real engine, journal and guardian.
 */

import type { ProbeListener } from '../host/probe-api.js';
import type { HostSnapshot } from '../host/snapshot.js';
import type { OperatorCommands } from '../plan/operator-commands.js';
import type { Plan, PlanRequest } from '../plan/types.js';
import type { ApplyOutcome, CheckResult, EngineListener, RevertOutcome } from '../txn/engine/engine-api.js';
import type { GuardianStatus } from '../txn/guardian/guardian-api.js';
import type { GuardianInfo, Journal } from '../txn/journal/journal.js';
import type { KeyedText } from './key-command.js';
import type { ConfirmOutcome, MigrationProgress } from './migration-progress.js';

export type { ConfirmOutcome };

import type { PaneId, Phase } from './phase.js';
import type { FlowState, PhaseEvent } from './phase-flow.js';
import type { ProbeProgress } from './probe-progress.js';
import type { PaneLayout, ScrollOffsets } from './scroll.js';

export interface Clock {
  /** Milliseconds, monotonic enough for durations. */
  now(): number;
}

/** One reading of the journal, which any process of the tool (the guardian above all) may change. */
export interface JournalReading {
  /** null when there is no journal in the state directory. */
  journal: Journal | null;
  /** Whether the journal's guardian process is alive (strict: pid and command line), its heartbeat age. */
  guardian: GuardianStatus;
  /** Host clock, epoch ms, when it was read: the clock the journal's deadline is in. */
  now: number;
  /** Set when the journal says the change is kept: what to tell the operator about it. */
  confirmation: ConfirmOutcome | null;
}

/**
 * How the store carries a plan out: the engine (txn/engine/engine-api.ts) bound by the CLI to this host,
 * the state directory and the guardian. Each call reports progress to the listener it is given.
 */
export interface MigrationDeps {
  /**
   * Journal, baseline checks, guardian, steps, verification (Engine.start). Resolves with the
   * outcome, a revert included; rejects only when it refused or broke outside the engine's revert.
   */
  start(plan: Plan, preState: HostSnapshot, listener: EngineListener): Promise<ApplyOutcome>;
  /** The operator's "roll back now" (Engine.revert('operator')). */
  revert(listener: EngineListener): Promise<RevertOutcome>;
  /** Engine.confirm, then Engine.persist (each part reported to the listener). */
  confirm(listener: EngineListener): Promise<ConfirmOutcome>;
  /** Reads the journal and the guardian's liveness; the countdown and recovery call it about once a second. */
  read(): Promise<JournalReading>;
  /**
   * Starts a new guardian for the pending journal whose guardian is gone (same deadline) and
   * resolves with what the journal records.
   */
  rearm(): Promise<GuardianInfo>;
  /** journal.extendDeadline: resolves with the new deadline (epoch ms); the journal caps it. */
  extend(seconds: number): Promise<number>;
  /**
   * Engine.watch: the checks that passed at baseline, run by this process. Used only while no live
   * guardian watches (it died); otherwise the screen shows the guardian's.
   */
  watch(): Promise<CheckResult[]>;
  /** The exact commands for another session, with this run's --state-dir. */
  commands: OperatorCommands;
}

/** What the preview of a new migration needs: the probe, the planner and the operator's request. */
export interface PreviewDeps {
  /** probeHost bound to a runner (real or replay); reports each probe to the listener. */
  probe: (listener: ProbeListener) => Promise<HostSnapshot>;
  /** buildPlan: pure, never throws for bad input (that becomes blocker verdicts). */
  plan: (snapshot: HostSnapshot, request: PlanRequest) => Plan;
  request: PlanRequest;
  dryRun: boolean;
  /** The probes the prober will report, in display order (PROBE_NAMES). */
  probeNames: readonly string[];
}

/** What every screen needs: the clock, the migration in the journal, the commands to name. */
export interface SessionDeps {
  clock: Clock;
  /** Absent in builds that cannot apply (the question then says so). */
  migration?: MigrationDeps;
  /**
   * What another session runs to confirm or roll back, with this run's --state-dir; shown in the
   * preview even in a dry run. Defaults to the migration's, then to the bare commands.
   */
  commands?: OperatorCommands;
}

/** The interactive run: the preview of a new migration, then the migration itself. */
export interface AppDeps extends PreviewDeps, SessionDeps {}

/**
 * The guided rollback screen (`rollback` on a terminal): no probe, no planner, no request. It
 * works from the journal's plan alone, so it is given only what it uses.
 */
export interface RollbackScreenDeps extends SessionDeps {
  migration: MigrationDeps;
}

/** Argv data built once by the CLI (plan/operator-commands.ts); the screens render them. */
export type { OperatorCommands };

/** The countdown's and the recovery screen's view of the journal, refreshed by `tick`. */
export interface Watched {
  /** The latest reading that had a journal. */
  reading: JournalReading & { journal: Journal };
  /** Host clock at the latest tick (the seconds left are counted from it). */
  now: number;
  /** The length the progress bar stands for, ms: the window at the start, longer after an extension. */
  windowMs: number;
  /** This session's own checks, run only while no live guardian watches; null otherwise. */
  localChecks: { at: number; results: CheckResult[] } | null;
}

/**
 * The countdown's and recovery's bookkeeping between ticks. It lives in the store, not in the
 * actions' closures, so a store's whole state is in one place and a test can see it.
 */
export interface JournalFollow {
  /** A read of the journal is under way: a tick meanwhile does not start a second one. */
  reading: boolean;
  /** The operator was told the journal vanished from the state directory (told once). */
  goneTold: boolean;
  /** This session's own checks are running (only while no live guardian watches). */
  watchingLocally: boolean;
  /** Host clock when this session last started its own checks (at most every LOCAL_WATCH_EVERY_MS). */
  lastLocalWatchAt: number | null;
  /** This session's own checks, finished since the last tick: shown with the next second. */
  unshownChecks: Watched['localChecks'];
}

export const initialJournalFollow: JournalFollow = {
  reading: false,
  goneTold: false,
  watchingLocally: false,
  lastLocalWatchAt: null,
  unshownChecks: null,
};

/**
 * Moves the flow by an event (phase-flow.ts transition) and, only if the event is taken, applies
 * `changes` in the same store update. Returns false, having changed nothing, when it is refused.
 */
export type Dispatch = (event: PhaseEvent, changes?: OtherState) => boolean;

/** The state actions may write directly: everything but the flow's own fields. */
export type OtherState = Partial<Omit<AppState, keyof FlowState>>;

/** The store's setState as actions get it: the phase moves only through Dispatch. */
export type SetOther = (changes: OtherState | ((state: AppState) => OtherState)) => void;

/** DESIGN.md exit codes: 0 done, 1 refused before any change, 3 reverted, 4 revert incomplete. */
export type ExitCode = 0 | 1 | 3 | 4;

export interface AppExit {
  code: ExitCode;
  reason: string;
}

export interface Notice {
  /** info: what happened; refusal: a key was refused and why; error: something failed. */
  tone: 'info' | 'refusal' | 'error';
  /** Keys in it are named by command (key-command.ts); the ui writes each as the table binds it. */
  text: KeyedText;
}

export interface AppFailure {
  title: string;
  message: string;
  /** What the operator should do next; it may name a key (`p` to plan again). */
  fix: KeyedText;
  exitCode: ExitCode;
  /**
   * Refused because the host changed since the preview (txn HostChangedSincePlan): nothing was
   * changed, and `p` probes and plans again from the host as it is now.
   */
  planAgain?: boolean;
}

export interface AppActions {
  /** Runs the probes, then the planner; moves to `planned` or `failed`. Runs once. */
  startProbe(): Promise<void>;
  /** After a refusal because the host changed since the preview: probe and plan again. */
  planAgain(): Promise<void>;
  nextPane(): void;
  previousPane(): void;
  /** Scrolls the focused pane by rows (negative is up). */
  scroll(delta: number): void;
  page(direction: 1 | -1): void;
  scrollToEdge(edge: 'top' | 'bottom'): void;
  /** The view reports the measured panes so offsets stay within the content. */
  setLayout(layout: PaneLayout): void;
  acknowledgeWarnings(): void;
  /** Enter on the preview: refuses with reasons, explains a dry run, or asks "apply? y/N". */
  requestApply(): void;
  /** `y` on the question. */
  confirmApply(): Promise<void>;
  /** `n`, Enter or Esc on the question. */
  declineApply(): void;
  /** `c`/Enter while the change is pending: keep it. */
  confirmChange(): Promise<void>;
  /** `r` while the change is pending (or at recovery, or `y` on the rollback question): undo it now. */
  rollbackNow(): Promise<void>;
  /** `g` while a pending change has no live guardian: start a new one (or revert, past the deadline). */
  rearmGuardian(): Promise<void>;
  /** `e` while the change is pending: push the deadline out by EXTEND_STEP_SEC (the journal caps it). */
  extendDeadline(): Promise<void>;
  /**
   * About once a second while the journal decides the screen (countdown, recovery, a revert seen
   * in the journal): re-reads the journal, moves the clock, and follows what another process did
   * (an extension, a confirm, the guardian's revert). Resolves with the milliseconds until the
   * next tick is due: just after the shown seconds change.
   */
  tick(): Promise<number>;
  /** The first thing the interactive command does: recovery if a migration is pending, else probe. */
  open(): Promise<void>;
  /** What `bridge-migrate rollback` on a terminal does: ask y/N about the pending migration. */
  openRollback(): Promise<void>;
  /** `y`/`n` on the rollback question. */
  answerRollback(yes: boolean): Promise<void>;
  /** `s` at recovery: the journal's events and steps, or back. */
  toggleDetails(): void;
  toggleHelp(): void;
  /** Esc/q: closes help, answers no, or quits. */
  back(): void;
  /** Quits unless a change is in flight. */
  quit(): void;
}

export interface AppState {
  phase: Phase;
  dryRun: boolean;
  /** The operator's request for a new migration; null on the guided rollback screen, which makes none. */
  request: PlanRequest | null;
  probes: ProbeProgress[];
  probeStartedAt: number | null;
  probeFinishedAt: number | null;
  snapshot: HostSnapshot | null;
  plan: Plan | null;
  acknowledged: boolean;
  focus: PaneId;
  scroll: ScrollOffsets;
  layout: PaneLayout;
  helpOpen: boolean;
  notice: Notice | null;
  failure: AppFailure | null;
  /** Set when the app should end; the UI root turns it into Ink's exit. */
  exit: AppExit | null;
  /** Whether an apply function was wired in (the key hints say so before anyone presses y). */
  canApply: boolean;
  /** The migration in flight or finished in this session; null before `y`. */
  migration: MigrationProgress | null;
  /** What another session runs to confirm or roll back (with this run's --state-dir). */
  commands: OperatorCommands;
  /** The journal as last read, while it decides the screen; null before and outside those phases. */
  watched: Watched | null;
  /** True while the revert on screen is the guardian's or another session's, seen in the journal. */
  remoteRevert: boolean;
  /** Where a refused confirmation or rollback returns (phase-flow.ts); null outside those. */
  resumePhase: Phase | null;
  /** How this session follows the journal (journal-actions.ts). */
  journalFollow: JournalFollow;
  /** Recovery's `s`: the journal's events and steps instead of the summary. */
  detailsOpen: boolean;
  actions: AppActions;
}
