/**
 * The headless commands under test: the real probe on a replayed host (the UI tests' Proxmox
 * capture), the real planner, the real journal in a temp state directory, and a fake engine that
 * records its calls, reports scripted events and moves the journal the way the real one does.
 * `run` turns a thrown refusal into the line and exit code the CLI would print (cli.tsx).
 */
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { CommandDeps } from '../../../source/cli/command-deps.js';
import { describeError } from '../../../source/cli/errors.js';
import type { CommonOptions, TargetOptions } from '../../../source/cli/options.js';
import { probeHost } from '../../../source/host/probe.js';
import type { HostSnapshot } from '../../../source/host/snapshot.js';
import { buildPlan } from '../../../source/plan/build.js';
import { buildOperatorCommands } from '../../../source/plan/operator-commands.js';
import type { Plan, PlanRequest } from '../../../source/plan/types.js';
import { createReplay } from '../../../source/system/capture.js';
import type {
  ApplyOutcome,
  CheckResult,
  Engine,
  EngineEvent,
  EngineListener,
  PersistOutcome,
  RevertOutcome,
  StartOptions,
} from '../../../source/txn/engine/engine-api.js';
import type { GuardianInfo } from '../../../source/txn/journal/journal.js';
import { createJournalStore, type JournalStore } from '../../../source/txn/journal/journal.js';
import { nothingToPersist } from '../../../source/txn/persist/persist.js';
import { asciiGlyphs } from '../../../source/ui/glyphs.js';
import { replayHostDocument } from '../../ui/replay-host.js';

export const NOW = Date.UTC(2025, 0, 15, 10, 0, 0);

export function probeReplay(uid: number): Promise<HostSnapshot> {
  const doc = replayHostDocument();
  const { runner, files } = createReplay(doc, 'replay-host');
  return probeHost({ runner, files, env: { ...doc.env, uid } });
}

export function check(id: string, via: string, ok = true): CheckResult {
  return {
    id,
    title: `${id} check`,
    target: '198.51.100.1',
    via,
    ok,
    detail: ok ? 'reply in 0.4 ms' : 'no reply',
    durationMs: 3,
  };
}

/** What the fake engine does when asked; each defaults to the happy path. */
export interface EngineScript {
  start?: (options: StartOptions, emit: EngineListener, journal: JournalStore) => Promise<ApplyOutcome>;
  revert?: (emit: EngineListener) => Promise<RevertOutcome>;
  /** Default: what the engine does for a plan with nothing to write, else "unsupported". */
  persist?: (emit: EngineListener, journal: JournalStore) => Promise<PersistOutcome>;
}

export interface Fixture {
  stateDir: string;
  deps: CommandDeps;
  journal: JournalStore;
  stdout: () => string;
  stderr: () => string;
  events: EngineEvent[];
  calls: { start: StartOptions[]; revert: string[]; confirm: number };
  common: CommonOptions;
  target: TargetOptions;
  /** Writes a journal as `apply` would leave it: applied (pending confirmation) by default. */
  pendingJournal(phase?: 'applied' | 'applying' | 'reverted', request?: Partial<PlanRequest>): Promise<Plan>;
  remove(): void;
}

export function fixture(
  options: {
    uid?: number;
    script?: EngineScript;
    ask?: ((question: string) => Promise<boolean>) | null;
    /** What arming the guardian returns; default a detached guardian, pid 4242. */
    guardian?: GuardianInfo;
    alive?: (pid: number) => boolean;
    /** --root-dir of the run (default /): the commands every text names carry it. */
    rootDir?: string;
  } = {},
): Fixture {
  const stateDir = join(mkdtempSync(join(tmpdir(), 'bm-cli-')), 'state');
  // As `apply` leaves it (root-only); `status` refuses a --state-dir that does not exist.
  mkdirSync(stateDir, { mode: 0o700 });
  // The commands every text names, for this fixture's (non-default) state directory.
  const rootDir = options.rootDir ?? '/';
  const commands = buildOperatorCommands({ stateDir, rootDir });
  const journal = createJournalStore({ clock: () => NOW, purpose: 'cli test', commands });
  let out = '';
  let err = '';
  const events: EngineEvent[] = [];
  const calls: Fixture['calls'] = { start: [], revert: [], confirm: 0 };
  const uid = options.uid ?? 0;
  const engine = (listener?: EngineListener): Engine => {
    const emit: EngineListener = (event) => {
      events.push(event);
      listener?.(event);
    };
    return {
      async start(startOptions) {
        calls.start.push(startOptions);
        return (options.script?.start ?? happyStart)(startOptions, emit, journal);
      },
      async revert(reason) {
        calls.revert.push(reason);
        return (options.script?.revert ?? happyRevert(journal, stateDir))(emit);
      },
      async confirm() {
        calls.confirm += 1;
        await journal.setPhase(stateDir, 'confirmed');
      },
      async persist() {
        if (options.script?.persist) return options.script.persist(emit, journal);
        const current = await journal.load(stateDir);
        if (current && nothingToPersist(current.plan)) {
          await journal.setPhase(stateDir, 'persisted', 'nothing to write to disk');
          return { kind: 'persisted', files: [] };
        }
        return { kind: 'unsupported', renderer: current?.plan.persistWith ?? 'none' };
      },
      async watch() {
        return [];
      },
    };
  };

  async function happyStart(
    startOptions: StartOptions,
    emit: EngineListener,
    store: JournalStore,
  ): Promise<ApplyOutcome> {
    await store.create(stateDir, startOptions);
    emit({ kind: 'phase', phase: 'planned' });
    emit({ kind: 'check', phase: 'baseline', result: check('gateway-arp', 'ens18') });
    await startOptions.beforeFirstChange?.();
    await store.setPhase(stateDir, 'applying');
    emit({ kind: 'phase', phase: 'applying' });
    for (const step of startOptions.plan.steps) {
      emit({ kind: 'step', stepId: step.id, state: 'running' });
      await store.recordStepStart(stateDir, step.id);
      await store.recordStepEnd(stateDir, step.id, { ok: true });
      emit({ kind: 'step', stepId: step.id, state: 'ok' });
    }
    emit({ kind: 'check', phase: 'verify', result: check('gateway-arp', 'fcbr0') });
    const applied = await store.setPhase(stateDir, 'applied');
    emit({ kind: 'phase', phase: 'applied' });
    return { kind: 'pending', deadline: applied.deadline, checks: [] };
  }

  const deps: CommandDeps = {
    probe: () => probeReplay(uid),
    plan: buildPlan,
    journal,
    engine,
    armGuardian: async () =>
      options.guardian ?? { pid: 4242, mode: 'detached', startedAt: NOW, heartbeatAt: NOW },
    guardianLaunch: { selfArgv: ['node', 'dist/cli.js'], logPath: null, rootDir, commands },
    uid,
    clock: { now: () => NOW + 5_000 },
    processExists: async (pid) => options.alive?.(pid) ?? false,
    ask: options.ask ?? null,
    glyphs: asciiGlyphs,
    out: { stdout: (text) => (out += text), stderr: (text) => (err += text) },
    commands,
  };

  return {
    stateDir,
    deps,
    journal,
    stdout: () => out,
    stderr: () => err,
    events,
    calls,
    common: { stateDir, rootDir, persist: 'auto', replay: null, log: null },
    target: { nic: null, bridge: 'fcbr0', timeoutSec: 120 },
    async pendingJournal(phase = 'applied', request = {}) {
      const preState = await probeReplay(0);
      const plan = buildPlan(preState, {
        nic: null,
        bridge: 'fcbr0',
        timeoutSec: 120,
        persist: 'auto',
        ...request,
      });
      await journal.create(stateDir, { plan, preState, timeoutSec: 120 });
      await journal.setPhase(stateDir, 'applying');
      const first = plan.steps[0];
      if (first) {
        await journal.recordStepStart(stateDir, first.id);
        await journal.recordStepEnd(stateDir, first.id, { ok: true });
      }
      if (phase === 'applied') await journal.setPhase(stateDir, 'applied');
      if (phase === 'reverted') {
        await journal.setPhase(stateDir, 'reverting');
        await journal.recordOutcome(stateDir, {
          kind: 'reverted',
          reason: 'operator',
          differences: [],
          manualCommands: [],
        });
      }
      return plan;
    },
    remove: () => rmSync(join(stateDir, '..'), { recursive: true, force: true }),
  };
}

/** The revert the real engine would do from the journal: every started step, last first. */
function happyRevert(journal: JournalStore, stateDir: string) {
  return async (emit: EngineListener): Promise<RevertOutcome> => {
    const current = await journal.load(stateDir);
    if (!current) throw new Error('no journal');
    // An undo of a persisted migration keeps its phase undoing until the outcome, as the engine does.
    if (current.phase !== 'undoing')
      await journal.setPhase(stateDir, 'reverting', 'operator', { undoConfirmed: true });
    emit({ kind: 'phase', phase: 'reverting', message: 'operator' });
    const steps = [...current.applied].reverse().map((entry) => {
      const title = current.plan.steps.find((step) => step.id === entry.stepId)?.title ?? entry.stepId;
      emit({ kind: 'step', stepId: entry.stepId, state: 'reverted' });
      return { stepId: entry.stepId, title, state: 'reverted' as const };
    });
    await journal.recordOutcome(stateDir, {
      kind: 'reverted',
      reason: 'operator',
      differences: [],
      manualCommands: [],
    });
    return {
      kind: 'reverted',
      reason: 'operator',
      steps,
      differences: [],
      manualCommands: [],
      checks: [check('gateway-arp', 'ens18')],
    };
  };
}

/** Runs a command the way cli.tsx does: a thrown refusal becomes one line and its exit code. */
export async function run(f: Fixture, command: () => Promise<number>): Promise<number> {
  try {
    return await command();
  } catch (error) {
    const { line, exitCode } = describeError(error);
    f.deps.out.stderr(`bridge-migrate: ${line}\n`);
    return exitCode;
  }
}
