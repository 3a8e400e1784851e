/**
 * The persist transaction (DESIGN.md flow step 6), run when the operator confirms: the renderer's
 * config is written and the renderer takes the bridge over, under the guardian, with a short fresh
 * deadline. The journal moves confirmed → persisting (the guardian watches again and reverts at
 * that deadline, guardian.ts) → persisted. Parts, each reported as it runs (persist-parts.ts):
 *   1 validate   the renderer checks the new files in a scratch copy;
 *   2 back-up    every file is backed up (bytes, mode, owner) and recorded in the journal BEFORE
 *                anything is written, so a crash from here on can put every file back;
 *   3 write      each file is replaced atomically;
 *   4 hand-over  the renderer takes the bridge over (no systemd PID 1 needed);
 *   5 verify     the bridge has the same addresses and the default route, and the checks that
 *                passed at baseline pass again.
 * Any failure reverts through the engine with the reason 'persist-failed': the engine's revert
 * restores the recorded files exactly, lets the renderer take the uplink back, then undoes the
 * runtime steps (engine.ts, undoAndRecord).
 */
import { commandLine } from '../../plan/operator-commands.js';
import type { Expectation, Plan } from '../../plan/types.js';
import { checkKey, deriveChecks, passedAtBaseline, runVerifyChecks } from '../engine/connectivity.js';
import type { PersistOptions, PersistOutcome, RevertOutcome, RevertReason } from '../engine/engine-api.js';
import type { EngineContext } from '../engine/engine-context.js';
import { unmetExpectations } from '../engine/verify.js';
import { type Journal, JournalRefused, NoJournal, type TouchedFile } from '../journal/journal.js';
import { backUpConfig, writeConfig } from './config-files.js';
import { checkOwnFiles, ownChecksDetail } from './file-checks.js';
import type { PersistPart } from './persist-parts.js';
import type { PersistContext } from './persist-renderer.js';
import { persistRendererFor } from './persist-renderers.js';

/**
 * The fresh deadline for persisting: longer than the parts can take when each runs to its bound
 * (generate 30 s twice, reload 10 s, the bridge configured within 20 s, the checks 5 s), short
 * enough that a hung renderer is reverted well within the operator's attention.
 */
export const PERSIST_DEADLINE_SEC = 120;

/** Whether confirming has anything to write: --persist none, or no file the plan changes. */
export function nothingToPersist(plan: Pick<Plan, 'persistWith' | 'config'>): boolean {
  return plan.persistWith === 'none' || plan.config.length === 0;
}

export async function persistMigration(
  context: EngineContext,
  options: PersistOptions,
  revert: (reason: RevertReason) => Promise<RevertOutcome>,
): Promise<PersistOutcome> {
  const { journal: store, clock } = context.deps;
  const loaded = await store.load(context.stateDir);
  if (!loaded) throw new NoJournal(context.stateDir, store.commands.status);
  if (loaded.phase !== 'confirmed') {
    throw new JournalRefused(
      `the migration is ${loaded.phase}; only a confirmed change is persisted`,
      `see \`${commandLine(store.commands.status)}\``,
    );
  }
  const { plan } = loaded;
  if (nothingToPersist(plan)) {
    await store.setPhase(context.stateDir, 'persisted', 'nothing to write to disk');
    context.emit({ kind: 'phase', phase: 'persisted', message: 'nothing to write to disk' });
    return { kind: 'persisted', files: [] };
  }
  const renderer = persistRendererFor(plan.persistWith);
  if (!renderer) return { kind: 'unsupported', renderer: plan.persistWith };

  const journal = await store.update(context.stateDir, (draft) => {
    draft.phase = 'persisting';
    draft.deadline = clock.now() + PERSIST_DEADLINE_SEC * 1000;
  });
  context.emit({ kind: 'phase', phase: 'persisting' });
  const persistContext: PersistContext = {
    runner: context.deps.runner,
    rootDir: context.rootDir,
    stateDir: context.stateDir,
    note: (text) => context.note(text),
    ...(options.sleep ? { sleep: options.sleep } : {}),
  };
  let part: PersistPart = 'validate';
  const run = async <T>(next: PersistPart, work: () => Promise<T>, done?: (value: T) => string) => {
    part = next;
    await stillPersisting(context, journal);
    context.emit({ kind: 'persist', part, state: 'running' });
    const value = await work();
    context.emit({ kind: 'persist', part, state: 'ok', ...(done ? { detail: done(value) } : {}) });
    return value;
  };
  try {
    await run(
      'validate',
      async () => {
        // The renderer checks its own files; a file it does not read (the firewall's) has its own tool.
        const problem =
          (await renderer.validate(
            persistContext,
            plan.config.filter((file) => !file.check),
          )) ?? (await checkOwnFiles(persistContext, plan.config));
        if (problem) throw new Error(problem);
      },
      ownChecksDetail(plan.config),
    );
    const touched = await run(
      'back-up',
      async () => {
        const files: TouchedFile[] = [];
        for (const file of plan.config)
          files.push(await backUpConfig(store, context.stateDir, context.rootDir, journal, file));
        return files;
      },
      (files) =>
        files
          .map((file) => (file.backup ? `${file.path} → ${file.backup.backup}` : `${file.path} (new)`))
          .join(', '),
    );
    await run(
      'write',
      async () => {
        for (const [index, file] of plan.config.entries())
          await writeConfig(context.rootDir, file, touched[index] as TouchedFile);
      },
      () => plan.config.map((file) => file.path).join(', '),
    );
    // Only the renderer takes anything over: a firewall file written here says what the runtime
    // already is (the NAT step removed those rules at apply), so nothing is loaded from it now.
    await run('hand-over', async () => {
      const problem = await renderer.handOver(persistContext, plan);
      if (problem) throw new Error(problem);
    });
    await run('verify', async () => {
      const problems = await verifyPersisted(context, journal);
      if (problems.length > 0) throw new Error(problems.join('; '));
    });
    await store.setPhase(
      context.stateDir,
      'persisted',
      `written: ${plan.config.map((file) => file.path).join(', ')}`,
    );
    context.emit({ kind: 'phase', phase: 'persisted' });
    return { kind: 'persisted', files: touched };
  } catch (error) {
    const failure = (error as Error).message;
    context.emit({ kind: 'persist', part, state: 'failed', detail: failure });
    context.note(`persist failed at ${part}: ${failure}`);
    return { kind: 'failed', part, failure, revert: await revert('persist-failed') };
  }
}

/** Stops between parts once another process (the guardian at the deadline) took the decision. */
async function stillPersisting(context: EngineContext, journal: Journal): Promise<void> {
  const now = await context.deps.journal.load(context.stateDir);
  if (now?.id !== journal.id || now.phase !== 'persisting')
    throw new Error(`the migration is ${now?.phase ?? 'gone'}: another process took over`);
}

/** The bridge as the cutover left it (its addresses and routes), and the baseline checks again. */
async function verifyPersisted(context: EngineContext, journal: Journal): Promise<string[]> {
  const { plan } = journal;
  const onBridge: Expectation[] = plan.steps
    .flatMap((step) => step.expect)
    .filter(
      (expectation) =>
        (expectation.kind === 'address-on' && expectation.ifname === plan.bridge) ||
        (expectation.kind === 'route-via' && expectation.dev === plan.bridge),
    );
  const problems = await unmetExpectations(context, onBridge, journal.preState);
  const specs = deriveChecks(journal.preState, plan);
  const required = passedAtBaseline(specs, journal.baseline ?? []);
  const keys = new Set(required.map(checkKey));
  const checks = await runVerifyChecks(context, required, []);
  for (const check of checks)
    if (keys.has(checkKey(check)) && !check.ok) problems.push(`${check.title}: ${check.detail}`);
  return problems;
}
