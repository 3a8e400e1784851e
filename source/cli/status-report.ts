/**
 * The `status` report as data (what `status --json` prints) and as text. Pure: the command
 * gathers the facts (a probe, the journal, the lock, whether the guardian's pid exists) and these
 * functions shape them. Times are ISO 8601 in JSON; "seconds left" is by this host's clock, the
 * one the journal's deadline and the guardian go by.
 */

import type { Address } from '../host/snapshot.js';
import { commandText } from '../plan/command-text.js';
import { displaySafe } from '../plan/display-text.js';
import { commandLine, type OperatorCommands } from '../plan/operator-commands.js';
import { type RecordedRevert, RUNTIME_DIR } from '../txn/engine/runtime-state.js';
import { guardianAlert, guardianAlertLine } from '../txn/guardian/guardian-alert.js';
import type { GuardianStatus } from '../txn/guardian/guardian-api.js';
import { COUNTDOWN_PHASES, isPending, type Journal, type JournalPhase } from '../txn/journal/journal.js';
import type { LockHolder } from '../txn/journal/lock.js';
import type { HostMode, HostModeName } from './host-mode.js';
import { namespaceName } from './journal-access.js';
import { type KeptStatus, keptStatus, keptStatusLines } from './kept-status.js';

export interface StatusReport {
  /** What the operator must act on, most urgent first: a pending change no guardian enforces. */
  alerts: string[];
  mode: HostModeName;
  modeDetail: string;
  stateDir: string;
  migration: MigrationStatus | null;
  lock: { pid: number; purpose: string; alive: boolean } | null;
  /** What could not be read, each with how to run status so that it can. */
  problems: string[];
  /**
   * What could not be read, so the text says "cannot tell" there instead of "none recorded" or
   * "free" (problems says why and the fix); absent when both were read.
   */
  unread?: Array<'journal' | 'lock'>;
  /** The recording the mode was read from (--replay), not this host; absent: this host. */
  replay?: { file: string };
  /**
   * Present when the migration was made in another network namespace than this process runs in
   * (null: the host's own): the commands named are then built for the migration's namespace.
   */
  namespace?: { migration: string | null; thisProcess: string | null };
}

export interface MigrationStatus {
  id: string;
  phase: JournalPhase;
  /** True while the migration still needs a decision or work (a new apply is refused). */
  pending: boolean;
  nic: string;
  bridge: string;
  createdAt: string;
  deadline: string;
  /** Seconds until the deadline while a countdown runs (planned, applying, applied); else null. */
  secondsLeft: number | null;
  steps: Array<{ stepId: string; state: 'running' | 'ok' | 'failed' }>;
  guardian:
    | (Omit<GuardianStatus, 'info' | 'blocker'> & {
        pid: number;
        mode: string;
        unit: string | null;
        /** What keeps the guardian from reverting (it writes this to /run even on a full disk). */
        blocker: string | null;
      })
    | null;
  /** For a confirmed migration: its config persisted or runtime only, and who renews the lease; else null. */
  kept: KeptStatus | null;
  outcome: {
    kind: string;
    reason: string;
    at: string;
    differences: string[];
    /** What the revert did not do that the comparison cannot see (a renderer not told to take the uplink back). */
    notDone: string[];
    /** As the operator copies them: one shell-quoted line each (commandText), the data rendered here. */
    manualCommands: string[];
    /** True when only /run knows it: the revert ran but the state directory could not record it. */
    onlyInRuntimeDir: boolean;
  } | null;
}

export interface StatusFacts {
  mode: HostMode;
  /** --replay: the mode comes from this recording, and the report must say so. */
  replayFile?: string | null;
  stateDir: string;
  journal: Journal | null;
  /** Whether the process with the journal's guardian pid exists. */
  guardianAlive: boolean;
  /** Kept in /run when the state directory cannot take it (txn/engine/runtime-state.ts). */
  runtime?: { guardianBlocker: string | null; revert: RecordedRevert | null };
  lock: { holder: LockHolder | null; alive: boolean } | null;
  problems: string[];
  /** What could not be read (StatusReport.unread); absent or empty: both were. */
  unread?: Array<'journal' | 'lock'>;
  now: number;
  /** The addresses status's probe saw (the bridge's lease end is read off them); absent: none. */
  bridgeAddresses?: readonly Address[];
  /** The commands the alerts name (this state directory's, in the migration's namespace). */
  commands: Pick<OperatorCommands, 'rollback' | 'rearm'>;
  /** Where the journal's migration was made and where this process runs, when they differ. */
  namespace?: StatusReport['namespace'];
}

export function buildStatus(facts: StatusFacts): StatusReport {
  const { journal, now } = facts;
  const alert = journal ? guardianAlert(journal, facts.guardianAlive, now) : null;
  return {
    alerts: alert ? [guardianAlertLine(alert, facts.commands)] : [],
    mode: facts.mode.mode,
    modeDetail: facts.mode.detail,
    stateDir: facts.stateDir,
    migration: journal
      ? migrationStatus(journal, facts.guardianAlive, now, facts.runtime, facts.bridgeAddresses ?? [])
      : null,
    lock: facts.lock?.holder
      ? { pid: facts.lock.holder.pid, purpose: facts.lock.holder.purpose, alive: facts.lock.alive }
      : null,
    problems: facts.problems,
    ...(facts.unread && facts.unread.length > 0 ? { unread: facts.unread } : {}),
    ...(facts.replayFile ? { replay: { file: facts.replayFile } } : {}),
    ...(facts.namespace ? { namespace: facts.namespace } : {}),
  };
}

function migrationStatus(
  journal: Journal,
  guardianAlive: boolean,
  now: number,
  runtime: StatusFacts['runtime'],
  bridgeAddresses: readonly Address[],
): MigrationStatus {
  const guardian = journal.guardian;
  const unrecorded = runtime?.revert && !journal.outcome ? runtime.revert : null;
  const outcome = journal.outcome
    ? { ...journal.outcome, onlyInRuntimeDir: false }
    : unrecorded
      ? { ...unrecorded.outcome, at: unrecorded.at, onlyInRuntimeDir: true }
      : null;
  return {
    id: journal.id,
    phase: journal.phase,
    pending: isPending(journal),
    nic: journal.nic,
    bridge: journal.bridge,
    createdAt: new Date(journal.createdAt).toISOString(),
    deadline: new Date(journal.deadline).toISOString(),
    // An undo's deadline is when its guardian finishes the undo itself (cli/undo-migration.ts).
    secondsLeft: [...COUNTDOWN_PHASES, 'undoing'].includes(journal.phase)
      ? Math.max(0, Math.ceil((journal.deadline - now) / 1000))
      : null,
    steps: journal.applied.map((step) => ({
      stepId: step.stepId,
      state: step.finishedAt === null ? 'running' : step.ok ? 'ok' : 'failed',
    })),
    guardian: guardian
      ? {
          pid: guardian.pid,
          mode: guardian.mode,
          unit: guardian.unit ?? null,
          alive: guardianAlive,
          heartbeatAgeMs: Math.max(0, now - guardian.heartbeatAt),
          blocker: guardianAlive ? (runtime?.guardianBlocker ?? null) : null,
        }
      : null,
    kept: keptStatus(journal, bridgeAddresses, now),
    outcome: outcome
      ? {
          kind: outcome.kind,
          reason: outcome.reason,
          at: new Date(outcome.at).toISOString(),
          differences: outcome.differences ?? [],
          notDone: outcome.notDone ?? [],
          manualCommands: (outcome.manualCommands ?? []).flatMap(commandText),
          onlyInRuntimeDir: outcome.onlyInRuntimeDir,
        }
      : null,
  };
}

export function statusText(
  report: StatusReport,
  commands: Pick<OperatorCommands, 'confirm' | 'rollback'>,
): string[] {
  const confirm = commandLine(commands.confirm);
  const rollback = commandLine(commands.rollback);
  const lines = [
    ...report.alerts.map((alert) => `WARNING: ${alert}`),
    ...(report.replay
      ? [`REPLAY: the mode below is the recording ${report.replay.file}'s, not this host's`]
      : []),
    ...(report.namespace
      ? [
          `NAMESPACE: the migration was made in ${namespaceName(report.namespace.migration)}, and this status runs in ${namespaceName(report.namespace.thisProcess)}; the commands below act there`,
        ]
      : []),
    `mode: ${report.mode} (${report.modeDetail})`,
  ];
  const migration = report.migration;
  const unread = new Set(report.unread ?? []);
  if (!migration && unread.has('journal')) {
    lines.push(`migration: cannot tell, the journal in ${report.stateDir} could not be read (below)`);
  } else if (!migration) {
    lines.push(`migration: none recorded in ${report.stateDir}`);
  } else {
    const state = migration.pending ? 'pending' : 'finished';
    lines.push(`migration: ${migration.nic} -> ${migration.bridge}, phase ${migration.phase} (${state})`);
    lines.push(
      `  started ${migration.createdAt}, deadline ${migration.deadline}` +
        (migration.secondsLeft === null ? '' : ` (${migration.secondsLeft} s left by this host's clock)`),
    );
    const done = migration.steps.map((step) => `${step.stepId} ${step.state}`).join(', ');
    lines.push(`  steps started: ${done || 'none'}`);
    const guardian = migration.guardian;
    lines.push(
      guardian
        ? `  guardian: pid ${guardian.pid} (${guardian.mode}${guardian.unit ? `, unit ${guardian.unit}` : ''}), ${guardianState(guardian.alive, migration.pending)}, last heartbeat ${formatAge(guardian.heartbeatAgeMs)} ago`
        : '  guardian: none recorded (nothing enforces the deadline)',
    );
    if (guardian?.blocker) lines.push(`  guardian BLOCKED: ${guardian.blocker}`);
    if (migration.kept) lines.push(...keptStatusLines(migration.kept, migration.bridge));
    const outcome = migration.outcome;
    if (outcome) {
      lines.push(`  last outcome: ${outcome.kind} (${outcome.reason}) at ${outcome.at}`);
      if (outcome.onlyInRuntimeDir)
        lines.push(
          `    recorded only in ${RUNTIME_DIR}: the state directory could not be written; free space or remount it, then \`${rollback}\` records it without undoing again`,
        );
      for (const difference of outcome.differences) lines.push(`    still different: ${difference}`);
      for (const left of outcome.notDone) lines.push(`    not done: ${left}`);
      if (outcome.manualCommands.length > 0) lines.push('    finish by hand, as root:');
      for (const command of outcome.manualCommands) lines.push(`      ${command}`);
    }
    if (migration.phase === 'undoing')
      lines.push(
        '  being undone (files from their backups, then the runtime); its guardian finishes the undo if it stops, at the latest at the deadline',
      );
    if (migration.phase === 'applied') lines.push(`  keep it: ${confirm}`, `  undo it: ${rollback}`);
    else if (migration.pending) lines.push(`  undo it: ${rollback}`);
  }
  const lock = report.lock;
  lines.push(
    lock
      ? `lock: held by pid ${lock.pid} (${lock.purpose}), ${lock.alive ? 'alive' : 'stale'}`
      : unread.has('lock')
        ? 'lock: cannot tell'
        : 'lock: free',
  );
  for (const problem of report.problems) lines.push(`cannot tell: ${problem}`);
  // One line each: journal text (differences, commands, reasons) cannot break a line of its own.
  return lines.map((line) => displaySafe(line));
}

/** A guardian gone while the change is pending is a problem; gone after the end is expected. */
function guardianState(alive: boolean, pending: boolean): string {
  if (alive) return 'alive';
  return pending ? 'NOT running' : 'exited';
}

function formatAge(ms: number | null): string {
  if (ms === null) return 'never';
  return ms < 10_000 ? `${(ms / 1000).toFixed(1)} s` : `${Math.round(ms / 1000)} s`;
}
