/**
 * The contract of the migration engine (txn/): what `apply`, `rollback`, `confirm`, the TUI's
 * store and the guardian call, and what they are told while it works. The executor implements
 * it in engine.ts; everything here is data and signatures, so callers can be built and tested
 * against it with fakes.
 */
import type { ProbeEnv } from '../../host/probe-api.js';
import type { HostSnapshot } from '../../host/snapshot.js';
import type { Command, Plan } from '../../plan/types.js';
import type { DebugLog } from '../../system/debug-log.js';
import type { QueryDns } from '../../system/dns-query.js';
import type { FileReader } from '../../system/files.js';
import type { Runner } from '../../system/runner.js';
import type { RuntimeFiles } from '../../system/runtime-files.js';
import type { SpawnDetached } from '../../system/spawn-detached.js';
import type { Journal, JournalPhase, JournalStore, RecordedCheck, TouchedFile } from '../journal/journal.js';
import type { PersistPart, PersistPartState } from '../persist/persist-parts.js';

export type StepState = 'pending' | 'running' | 'ok' | 'failed' | 'reverting' | 'reverted' | 'revert-failed';

/**
 * One connectivity check (gateway ARP, gateway ICMP, the operator's peer, DNS) and its result: the
 * journal's RecordedCheck, so what the engine reports is exactly what the baseline keeps.
 */
export type CheckResult = RecordedCheck;

/** When a check ran: before the change (baseline), right after it, during the window, after a revert. */
export type CheckPhase = 'baseline' | 'verify' | 'watch' | 'after-revert';

export type EngineEvent =
  | { kind: 'step'; stepId: string; state: StepState; message?: string }
  | { kind: 'check'; phase: CheckPhase; result: CheckResult }
  | { kind: 'phase'; phase: JournalPhase; message?: string }
  /** A part of the persist transaction (txn/persist/persist.ts) starts, ends or fails. */
  | { kind: 'persist'; part: PersistPart; state: PersistPartState; detail?: string };

export type EngineListener = (event: EngineEvent) => void;

export interface EngineDeps {
  runner: Runner;
  files: FileReader;
  env: ProbeEnv;
  stateDir: string;
  journal: JournalStore;
  clock: { now(): number };
  log: DebugLog;
  listener?: EngineListener;
  /**
   * The two things the engine does without the Runner, because they are not one command that
   * ends: starting a program that outlives us (a DHCP client restarted on revert) and a UDP DNS
   * question. Default: the real ones in source/system. The lab wraps them so they act inside a
   * network namespace, the way it wraps the Runner with `ip netns exec`.
   */
  spawnDetached?: SpawnDetached;
  queryDns?: QueryDns;
  /** Writes and removes the runtime-only files of the renderer hold under `env.rootDir`/run. */
  runtimeFiles?: RuntimeFiles;
  /**
   * Awaited after each step is recorded as finished, before the next begins. A seam for the lab
   * tests (kill the process between steps, make the gateway unreachable right after the cutover);
   * production callers leave it out.
   */
  afterStep?: (stepId: string) => Promise<void>;
  /**
   * Where the revert lock, an unrecorded revert's outcome and the guardian's status live: a tmpfs
   * that stays writable when the state directory is not (runtime-state.ts). Default
   * /run/bridge-migrate; tests give their own.
   */
  runtimeDir?: string;
}

export type RevertReason =
  | 'operator'
  | 'timeout'
  | 'probe-failed'
  | 'apply-failed'
  | 'persist-failed'
  | 'recovery';

export interface RevertOutcome {
  kind: 'reverted' | 'revert-incomplete';
  reason: RevertReason;
  /** Steps undone, last first, with their final state. */
  steps: Array<{ stepId: string; title: string; state: StepState; message?: string }>;
  /** Human-readable differences between the host now and the pre-state; empty when identical. */
  differences: string[];
  /**
   * What the revert did not do that the comparison cannot see: a renderer that was not told to take
   * the uplink back (revert.ts). Does not make the revert incomplete; shown with its commands.
   * Absent in outcomes recorded before it existed.
   */
  notDone?: string[];
  /** Exact commands an operator can run by hand to finish an incomplete revert. */
  /** Argv data for the operator to run by hand; rendered only where shown (commandText). */
  manualCommands: Command[];
  checks: CheckResult[];
  /**
   * Set when another process (the guardian at the deadline, or the operator's rollback) reverted
   * this migration first: this outcome is that revert's, and nothing was undone by this call.
   */
  elsewhere?: boolean;
}

export interface RevertOptions {
  /**
   * The journal as the caller last read it (the guardian's), used when it cannot be read now: a
   * revert must not depend on the disk it is recorded on.
   */
  known?: Journal;
}

export type ApplyOutcome =
  /** Applied and verified; the journal is `applied` and the deadline runs. */
  | { kind: 'pending'; deadline: number; checks: CheckResult[] }
  /** Something failed (a step, a verification, a check that passed before): reverted at once. */
  | { kind: 'reverted' | 'revert-incomplete'; failure: string; revert: RevertOutcome };

export interface StartOptions {
  plan: Plan;
  /** The snapshot the plan was built from; the journal keeps it as the pre-state. */
  preState: HostSnapshot;
  timeoutSec: number;
  /**
   * Called after the journal is written and the baseline is taken, before the first change:
   * this is where the guardian is armed (DESIGN.md flow step 3). If it throws, nothing has been changed.
   */
  beforeFirstChange?: () => Promise<void>;
}

export interface PersistOptions {
  /** The pause between looks at the renderer (waiting for it to configure the bridge); tests skip it. */
  sleep?: (ms: number) => Promise<void>;
}

export type PersistOutcome =
  /** The config is written and the renderer owns the bridge; `files` empty: nothing needed writing. */
  | { kind: 'persisted'; files: TouchedFile[] }
  /** This version has no writer for the renderer: the journal stays `confirmed`, nothing written. */
  | { kind: 'unsupported'; renderer: Plan['persistWith'] }
  /** A part failed: the files were restored and the runtime change reverted ('persist-failed'). */
  | { kind: 'failed'; part: PersistPart; failure: string; revert: RevertOutcome };

export interface Engine {
  /** Journal → baseline checks → beforeFirstChange → steps (each verified) → verify checks. */
  start(options: StartOptions): Promise<ApplyOutcome>;
  /** Undo every started step of the journal's migration, last first, then compare and re-check. */
  revert(reason: RevertReason, options?: RevertOptions): Promise<RevertOutcome>;
  /** Mark the pending change confirmed (root only; the caller checks). */
  confirm(): Promise<void>;
  /**
   * Write the confirmed change's config under the guardian (txn/persist/persist.ts): confirmed →
   * persisting → persisted, or reverted with the files restored when a part fails.
   */
  persist(options?: PersistOptions): Promise<PersistOutcome>;
  /** Re-run the checks that passed at baseline (the guardian's watch loop calls this). */
  watch(): Promise<CheckResult[]>;
}
