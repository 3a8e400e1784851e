/**
 * How `apply` (CLI or TUI) arms the dead-man guardian before the first change, and how anyone
 * asks whether it is alive. Implemented in guardian-launch.ts (DESIGN.md "The guardian"); `apply` passes
 * `armGuardian` to the engine as StartOptions.beforeFirstChange.
 */

import type { OperatorCommands } from '../../plan/operator-commands.js';
import type { RevertOutcome } from '../engine/engine-api.js';
import type { GuardianInfo, JournalPhase } from '../journal/journal.js';

export interface ArmGuardianOptions {
  stateDir: string;
  /** How to start this same program again: [process.execPath, path of dist/cli.js]. */
  selfArgv: string[];
  /** Debug log the guardian appends to. */
  logPath: string | null;
  /** --root-dir of the apply, passed on to the guardian (where persisted config lives); default /. */
  rootDir?: string;
  /** The commands the journal's refusals name, as the CLI built them for this run. */
  commands?: OperatorCommands;
}

/**
 * Starts `bridge-migrate guard --state-dir DIR` outside the operator's session (systemd-run when
 * PID 1 is systemd, else a detached child in its own session ignoring SIGHUP), waits until it
 * has written its first heartbeat into the journal, and returns what the journal records.
 * Throws (and leaves nothing running) if it does not come up within a bounded time.
 */
export type ArmGuardian = (options: ArmGuardianOptions) => Promise<GuardianInfo>;

export interface GuardianStatus {
  info: GuardianInfo | null;
  alive: boolean;
  /** Milliseconds since the last heartbeat, by the host clock. */
  heartbeatAgeMs: number | null;
  /** What keeps the guardian from its work (a failing revert, an unwritable journal), as it wrote
   * it to /run; null or absent: nothing known. */
  blocker?: string | null;
}

/** The guardian loop's clock (guardian.ts): real time in the guardian, a virtual one in tests. */
export interface GuardianClock {
  /** Wall clock, epoch ms: the journal's deadline is in it. */
  now(): number;
  /** Monotonic ms, immune to clock steps. */
  monotonic(): number;
  /** Resolves after `ms`, or as soon as `wake` is aborted. Never rejects. */
  sleep(ms: number, wake: AbortSignal): Promise<void>;
}

export interface GuardianTiming {
  heartbeatMs: number;
  /** Longest sleep between two looks at the journal; near the deadline it sleeps exactly until it. */
  maxSleepMs: number;
  /** Pause between the starts of two watches (a watch itself takes up to a few seconds). */
  watchEveryMs: number;
  /** How long a check that passed at baseline must keep failing before an early revert. */
  probeFailMs: number;
  stalledRevertMs: number;
  /**
   * Undo of a persisted migration (phase undoing): how long after it first sees the undo the
   * guardian gives the undoing process to take the revert lock; after that, a lock without a live
   * holder means that process died half way, and the guardian finishes the undo itself.
   */
  undoStartMs: number;
  /**
   * How long it stays after a confirmation whose config is still to be written, for the persist
   * transaction to start (confirmed → persisting); then the change is kept at runtime and it exits.
   */
  persistStartMs: number;
  /** First pause between two revert attempts; it doubles up to revertRetryMaxMs (never gives up). */
  revertRetryMs: number;
  revertRetryMaxMs: number;
}

/** How a guardian loop ended. */
export type GuardianEnd =
  | { kind: 'confirmed'; phase: JournalPhase }
  /** This guardian reverted; `afterDeadlineMs` is how long after the deadline the revert finished. */
  | { kind: 'reverted'; outcome: RevertOutcome; afterDeadlineMs: number }
  | { kind: 'finished-elsewhere'; phase: JournalPhase | null }
  | { kind: 'stopped'; signal: NodeJS.Signals }
  | { kind: 'replaced'; by: number | null }
  | { kind: 'failed'; error: string };
