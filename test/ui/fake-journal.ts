/**
 * A journal world for the TUI's tests: what `MigrationDeps.read` answers, changed by the test the
 * way another process would change the real journal (the guardian's heartbeat and watch, an
 * extension, `confirm` from a new SSH session, the guardian's revert). The journals are valid by
 * the real parser, so the screens are tested against the shape the engine writes.
 */
import type { Plan } from '../../source/plan/types.js';
import type { ConfirmOutcome, JournalReading } from '../../source/store/app-state.js';
import type { CheckResult, RevertOutcome } from '../../source/txn/engine/engine-api.js';
import type { GuardianStatus } from '../../source/txn/guardian/guardian-api.js';
import {
  JOURNAL_FORMAT,
  type Journal,
  type JournalPhase,
  parseJournal,
} from '../../source/txn/journal/journal.js';
import { fakeSnapshot } from './fixtures.js';

export const GUARDIAN_PID = 4242;

export function fakeJournal(plan: Plan, overrides: Partial<Journal> = {}): Journal {
  const createdAt = overrides.createdAt ?? Date.now();
  const journal: Journal = {
    format: JOURNAL_FORMAT,
    id: '0f1e2d3c-aaaa-bbbb-cccc-000000000001',
    createdAt,
    phase: 'applied',
    deadline: createdAt + plan.deadlineSec * 1000,
    timeoutSec: plan.deadlineSec,
    nic: plan.nic,
    bridge: plan.bridge,
    preState: fakeSnapshot(),
    plan,
    applied: plan.steps.map((step, index) => ({
      stepId: step.id,
      startedAt: createdAt + index * 100,
      finishedAt: createdAt + index * 100 + 50,
      ok: true,
    })),
    guardian: {
      pid: GUARDIAN_PID,
      mode: 'detached',
      startedAt: createdAt,
      heartbeatAt: createdAt,
    },
    events: [
      { at: createdAt, phase: 'planned', message: `planned: move ${plan.nic} into ${plan.bridge}` },
      { at: createdAt + 10, phase: 'planned', message: `guardian started (detached, pid ${GUARDIAN_PID})` },
    ],
    outcome: null,
    files: [],
    ...overrides,
  };
  // What the real journal store would refuse to write, the tests must not feed the screens either.
  return parseJournal(JSON.stringify(journal), 'fake journal.json');
}

/** The state another process leaves when it moves the journal on; the test edits it directly. */
export class JournalWorld {
  journal: Journal | null = null;
  guardianAlive = true;
  /** What the guardian wrote to /run as blocking it (a full state directory). */
  guardianBlocker: string | null = null;
  confirmation: ConfirmOutcome | null = null;
  /** Reads the TUI made, to tell that it keeps following the journal. */
  reads = 0;

  read = async (): Promise<JournalReading> => {
    this.reads += 1;
    const now = Date.now();
    const journal = this.journal ? structuredClone(this.journal) : null;
    return { journal, guardian: this.guardianStatus(now), now, confirmation: this.confirmation };
  };

  guardianStatus(now: number): GuardianStatus {
    const info = this.journal?.guardian ?? null;
    if (!info) return { info: null, alive: false, heartbeatAgeMs: null };
    return {
      info,
      alive: this.guardianAlive,
      heartbeatAgeMs: Math.max(0, now - info.heartbeatAt),
      blocker: this.guardianBlocker,
    };
  }

  private edit(change: (journal: Journal) => void): void {
    if (!this.journal) throw new Error('no journal in the world');
    change(this.journal);
  }

  /** The guardian's beat, with its latest watch. */
  beat(results?: CheckResult[]): void {
    const now = Date.now();
    this.edit((journal) => {
      if (journal.guardian) journal.guardian.heartbeatAt = now;
      if (results) journal.watch = { at: now, results };
    });
  }

  setPhase(phase: JournalPhase, message = 'by another process'): void {
    this.edit((journal) => {
      journal.events.push({ at: Date.now(), phase, message: `${journal.phase} → ${phase}: ${message}` });
      journal.phase = phase;
    });
  }

  /** `bridge-migrate confirm` from another session, with nothing to persist. */
  confirmElsewhere(): void {
    this.setPhase('confirmed');
    this.setPhase('persisted', 'nothing to write to disk');
    this.confirmation = {
      journalPhase: 'persisted',
      note: 'The migration is finished. Nothing was written to disk for it, so a reboot brings back the old network.',
    };
  }

  /**
   * The guardian's revert, recorded the way guardian-revert.ts records it: the decision as the
   * journal's revertTrigger field. Its sentence in the event log is left out here, so a screen that
   * searched the log instead of reading the field fails.
   */
  revertByGuardian(revert: RevertOutcome, why: string): void {
    this.edit((journal) => {
      journal.revertTrigger = { by: 'guardian', reason: revert.reason, detail: why, at: Date.now() };
    });
    this.setPhase('reverting', revert.reason);
    this.edit((journal) => {
      journal.phase = revert.kind;
      journal.outcome = {
        kind: revert.kind,
        reason: revert.reason,
        at: Date.now(),
        differences: revert.differences,
        manualCommands: revert.manualCommands,
        steps: revert.steps.map((step) => ({
          stepId: step.stepId,
          title: step.title,
          state: step.state === 'revert-failed' ? 'revert-failed' : 'reverted',
          ...(step.message ? { message: step.message } : {}),
        })),
        checks: revert.checks,
      };
    });
  }
}
