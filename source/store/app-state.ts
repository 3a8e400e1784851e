/**
 * The shape of the interactive app's state and the dependencies its store is built from. The
 * store reaches the host only through these functions, so tests give each case a fresh store
 * with fakes and the CLI wires the real probe (or a replay) and, later, the real apply.
 */

import type { ProbeListener } from '../host/probe-api.js';
import type { HostSnapshot } from '../host/snapshot.js';
import type { Plan, PlanRequest } from '../plan/types.js';
import type { PaneId, Phase } from './phase.js';
import type { ProbeProgress } from './probe-progress.js';
import type { PaneLayout, ScrollOffsets } from './scroll.js';

export interface Clock {
  /** Milliseconds, monotonic enough for durations. */
  now(): number;
}

/**
 * Carries a plan out (txn/, issue 3): resolves once the change is applied, verified and pending
 * confirmation; rejects when it is not. Absent in builds that cannot apply.
 */
export type ApplyPlan = (plan: Plan) => Promise<void>;

export interface AppDeps {
  /** probeHost bound to a runner (real or replay); reports each probe to the listener. */
  probe: (listener: ProbeListener) => Promise<HostSnapshot>;
  /** buildPlan: pure, never throws for bad input (that becomes blocker verdicts). */
  plan: (snapshot: HostSnapshot, request: PlanRequest) => Plan;
  request: PlanRequest;
  dryRun: boolean;
  /** The probes the prober will report, in display order (PROBE_NAMES). */
  probeNames: readonly string[];
  clock: Clock;
  apply?: ApplyPlan;
}

/** DESIGN.md exit codes: 0 done, 1 refused before any change, 3 reverted, 4 revert incomplete. */
export type ExitCode = 0 | 1 | 3 | 4;

export interface AppExit {
  code: ExitCode;
  reason: string;
}

export interface Notice {
  /** info: what happened; refusal: a key was refused and why; error: something failed. */
  tone: 'info' | 'refusal' | 'error';
  text: string;
}

export interface AppFailure {
  title: string;
  message: string;
  /** What the operator should do next. */
  fix: string;
  exitCode: ExitCode;
}

export interface AppActions {
  /** Runs the probes, then the planner; moves to `planned` or `failed`. Runs once. */
  startProbe(): Promise<void>;
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
  toggleHelp(): void;
  /** Esc/q: closes help, answers no, or quits. */
  back(): void;
  /** Quits unless a change is in flight. */
  quit(): void;
}

export interface AppState {
  phase: Phase;
  dryRun: boolean;
  request: PlanRequest;
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
  actions: AppActions;
}
