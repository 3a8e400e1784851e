/**
 * A fake engine behind the store's MigrationDeps: the test emits the engine's events one by one
 * and settles each call when it wants, so every intermediate screen can be looked at. The event
 * scripts follow the real engine's order (txn/engine/apply.ts, txn/engine/revert.ts).
 */
import { vi } from 'vitest';
import type { HostSnapshot } from '../../source/host/snapshot.js';
import { DEFAULT_OPERATOR_COMMANDS } from '../../source/plan/operator-commands.js';
import type { Plan } from '../../source/plan/types.js';
import type { ConfirmOutcome, MigrationDeps } from '../../source/store/app-state.js';
import type {
  ApplyOutcome,
  CheckPhase,
  CheckResult,
  EngineEvent,
  EngineListener,
  RevertOutcome,
  StepState,
} from '../../source/txn/engine/engine-api.js';
import { fakeJournal, JournalWorld } from './fake-journal.js';

interface Pending<T> {
  resolve(value: T): void;
  reject(error: Error): void;
}

export function check(id: string, via: string, ok = true): CheckResult {
  const titles: Record<string, string> = {
    'gateway-arp': 'Gateway 198.51.100.1 answers ARP',
    'gateway-icmp': 'Gateway 198.51.100.1 answers ping',
    'peer-icmp': 'Your SSH client 198.51.100.23 answers ping',
  };
  return {
    id,
    title: titles[id] ?? id,
    target: id === 'peer-icmp' ? '198.51.100.23' : '198.51.100.1',
    via,
    ok,
    detail: ok ? 'reply in 0.4 ms' : 'no reply to 3 requests in 1 s',
    durationMs: ok ? 12 : 1000,
  };
}

export const CHECK_IDS = ['gateway-arp', 'gateway-icmp', 'peer-icmp'];

export function fakeMigration(
  options: {
    confirm?: ConfirmOutcome;
    world?: JournalWorld;
    /** confirm stays in flight (persisting) until the test calls finishConfirm. */
    holdConfirm?: boolean;
  } = {},
) {
  let listener: EngineListener = () => {};
  let confirming: Pending<ConfirmOutcome> | null = null;
  let started: Pending<ApplyOutcome> | null = null;
  let reverting: Pending<RevertOutcome> | null = null;
  let startedPlan: Plan | null = null;
  const world = options.world ?? new JournalWorld();
  const deps: MigrationDeps = {
    start: vi.fn(
      (plan: Plan, _preState: HostSnapshot, onEvent: EngineListener) =>
        new Promise<ApplyOutcome>((resolve, reject) => {
          listener = onEvent;
          startedPlan = plan;
          started = { resolve, reject };
        }),
    ),
    revert: vi.fn(
      (onEvent: EngineListener) =>
        new Promise<RevertOutcome>((resolve, reject) => {
          listener = onEvent;
          reverting = { resolve, reject };
        }),
    ),
    confirm: vi.fn(async (onEvent: EngineListener) => {
      listener = onEvent;
      if (options.holdConfirm)
        return new Promise<ConfirmOutcome>((resolve, reject) => {
          confirming = { resolve, reject };
        });
      return (
        options.confirm ?? {
          journalPhase: 'persisted' as const,
          note: 'Nothing is written to disk for this plan, so the change lives at runtime only.',
        }
      );
    }),
    read: vi.fn(() => world.read()),
    extend: vi.fn(async (seconds: number) => {
      const journal = world.journal;
      if (!journal) throw new Error('there is no migration journal');
      const now = Date.now();
      if (now >= journal.deadline)
        throw new Error('the deadline has passed and the change is being reverted');
      journal.deadline = Math.min(journal.deadline + seconds * 1000, now + 3_600_000);
      return journal.deadline;
    }),
    watch: vi.fn(async () => CHECK_IDS.map((id) => check(id, 'fcbr0'))),
    // A test that presses g sets its own (guardian-alert.test.tsx).
    rearm: vi.fn(async () => {
      throw new Error('this test did not expect a re-arm');
    }),
    commands: DEFAULT_OPERATOR_COMMANDS,
  };
  const emit = (event: EngineEvent) => listener(event);
  const checks = (phase: CheckPhase, via: string, failing: string[] = []) => {
    for (const id of CHECK_IDS) emit({ kind: 'check', phase, result: check(id, via, !failing.includes(id)) });
  };
  return {
    deps,
    world,
    emit,
    checks,
    /** What the engine reports before the first change: journal, pending steps, baseline. */
    arm(plan: Plan) {
      emit({ kind: 'phase', phase: 'planned' });
      for (const step of plan.steps) emit({ kind: 'step', stepId: step.id, state: 'pending' });
      checks('baseline', plan.nic);
      emit({ kind: 'phase', phase: 'applying' });
    },
    step(stepId: string, state: StepState, message?: string) {
      emit({ kind: 'step', stepId, state, ...(message ? { message } : {}) });
    },
    /** Settles start; a pending outcome leaves the applied journal the real engine would have written. */
    finishStart(outcome: ApplyOutcome) {
      if (outcome.kind === 'pending' && startedPlan && !world.journal) {
        const plan = startedPlan;
        world.journal = fakeJournal(plan, {
          createdAt: outcome.deadline - plan.deadlineSec * 1000,
          deadline: outcome.deadline,
        });
      }
      started?.resolve(outcome);
    },
    failStart(error: Error) {
      started?.reject(error);
    },
    /** Settles a held confirm (holdConfirm), after the test emitted the persist's events. */
    finishConfirm(outcome: ConfirmOutcome) {
      confirming?.resolve(outcome);
    },
    finishRevert(outcome: RevertOutcome) {
      reverting?.resolve(outcome);
    },
    failRevert(error: Error) {
      reverting?.reject(error);
    },
  };
}

export type FakeMigration = ReturnType<typeof fakeMigration>;

/** A revert outcome for the plan's first `count` steps, last first. */
export function revertOutcome(
  plan: Plan,
  count: number,
  overrides: Partial<RevertOutcome> = {},
): RevertOutcome {
  const steps = plan.steps
    .slice(0, count)
    .reverse()
    .map((step) => ({ stepId: step.id, title: step.title, state: 'reverted' as const }));
  return {
    kind: 'reverted',
    reason: 'probe-failed',
    steps,
    differences: [],
    manualCommands: [],
    checks: CHECK_IDS.map((id) => check(id, plan.nic)),
    ...overrides,
  };
}
