/**
 * Applying a plan, in the order that keeps every failure recoverable:
 * 1. refuse, changing nothing, when another migration is pending, the plan is blocked, or the host
 *    no longer looks like the plan's snapshot where the steps act (the uplink's and the bridge's
 *    links, addresses, routes, rules, their DHCP clients, the NAT rules the plan removes;
 *    plan/stale-plan.ts): a plan for yesterday's host must be made again;
 * 2. write the journal (pre-state, plan, deadline) before anything changes;
 * 3. take the baseline checks and record them in the journal;
 * 4. `beforeFirstChange` arms the guardian; if that fails the migration is abandoned, unchanged;
 * 5. each step: recorded as started, run, verified against a fresh look at the host, recorded as
 *    finished; a failure reverts at once;
 * 6. the checks that passed at baseline must pass again through the bridge, or it reverts at once.
 */
import { changesSincePlan } from '../../plan/stale-plan.js';
import type { Plan, Step } from '../../plan/types.js';
import { MigrationPending } from '../journal/journal.js';
import {
  type CheckSpec,
  checkKey,
  deriveChecks,
  passedAtBaseline,
  runChecks,
  runVerifyChecks,
} from './connectivity.js';
import type { ApplyOutcome, CheckResult, RevertOutcome, RevertReason, StartOptions } from './engine-api.js';
import type { EngineContext } from './engine-context.js';
import { ArmingFailed, HostChangedSincePlan, PlanNotApplicable } from './engine-errors.js';
import { readPlanInputs } from './host-state.js';
import { runStepCommands } from './step-runner.js';
import { unmetExpectations } from './verify.js';

export type RevertNow = (reason: RevertReason) => Promise<RevertOutcome>;

export async function startMigration(
  context: EngineContext,
  options: StartOptions,
  revertNow: RevertNow,
): Promise<ApplyOutcome> {
  const { plan, preState, timeoutSec } = options;
  const { journal: store } = context.deps;
  const { stateDir } = context;
  // A pending migration first: it also explains why a plan made meanwhile is blocked.
  const existing = await store.load(stateDir);
  if (existing && store.isPending(existing)) throw new MigrationPending(existing, store.commands);
  refuseUnapplicable(plan);
  // Whatever path led here (the TUI's preview read minutes ago, `apply --yes` a second ago), the
  // plan is applied only to the host it was made for (plan/stale-plan.ts says what counts).
  const drift = changesSincePlan(plan, preState, await readPlanInputs(context));
  if (drift.length > 0) throw new HostChangedSincePlan(drift);

  await store.create(stateDir, { plan, preState, timeoutSec });
  context.emit({ kind: 'phase', phase: 'planned' });
  for (const step of plan.steps) context.emit({ kind: 'step', stepId: step.id, state: 'pending' });
  const specs = deriveChecks(preState, plan);
  let baseline: CheckResult[];
  try {
    baseline = await runChecks(context, specs, 'baseline');
    await store.update(stateDir, (draft) => {
      draft.baseline = baseline;
    });
  } catch (error) {
    // Nothing changed yet; a journal left "planned" would block every later migration.
    await abandon(context, error);
    throw error;
  }

  if (options.beforeFirstChange) {
    try {
      await options.beforeFirstChange();
    } catch (error) {
      await abandon(context, error);
      throw new ArmingFailed(error);
    }
  }

  let verdict: { failure: string; reason: RevertReason } | { checks: CheckResult[] };
  try {
    verdict = await applySteps(context, plan, preState, specs, baseline);
  } catch (error) {
    // A journal write or a host read failed mid-way: whatever ran is undone from the journal.
    verdict = { failure: `applying stopped: ${(error as Error).message}`, reason: 'apply-failed' };
  }
  if (!('failure' in verdict)) {
    try {
      const applied = await store.setPhase(stateDir, 'applied');
      context.emit({ kind: 'phase', phase: 'applied' });
      return { kind: 'pending', deadline: applied.deadline, checks: verdict.checks };
    } catch (error) {
      // A change the journal cannot say is applied is one `confirm` could never keep (and the
      // state directory is failing): undo it now rather than leave the host changed.
      verdict = {
        failure: `the journal could not record the change as applied: ${(error as Error).message}`,
        reason: 'apply-failed',
      };
    }
  }
  context.note(`reverting (${verdict.reason}): ${verdict.failure}`);
  const revert = await revertNow(verdict.reason);
  return { kind: revert.kind, failure: verdict.failure, revert };
}

async function applySteps(
  context: EngineContext,
  plan: Plan,
  preState: StartOptions['preState'],
  specs: CheckSpec[],
  baseline: CheckResult[],
): Promise<{ failure: string; reason: RevertReason } | { checks: CheckResult[] }> {
  await context.deps.journal.setPhase(context.stateDir, 'applying');
  context.emit({ kind: 'phase', phase: 'applying' });
  for (const step of plan.steps) {
    const failure = await applyStep(context, step, preState);
    if (failure) return { failure, reason: 'apply-failed' };
    await context.deps.afterStep?.(step.id);
  }
  const required = passedAtBaseline(specs, baseline);
  const requiredKeys = new Set(required.map(checkKey));
  const informational = specs.filter((spec) => !requiredKeys.has(checkKey(spec)));
  const checks = await runVerifyChecks(context, required, informational);
  const broken = checks.filter((result) => requiredKeys.has(checkKey(result)) && !result.ok);
  if (broken.length === 0) return { checks };
  const list = broken.map((result) => `${result.title}: ${result.detail}`).join('; ');
  return {
    failure: `checks that passed before the change fail through ${plan.bridge}: ${list}`,
    reason: 'probe-failed',
  };
}

/** Runs and verifies one step between its journal records; returns why it failed, or null. */
async function applyStep(
  context: EngineContext,
  step: Step,
  preState: StartOptions['preState'],
): Promise<string | null> {
  const { journal: store } = context.deps;
  context.emit({ kind: 'step', stepId: step.id, state: 'running' });
  await store.recordStepStart(context.stateDir, step.id);
  let failure: string | null = null;
  try {
    const run = await runStepCommands(context, step, preState);
    if (!run.ok) failure = run.error;
    else {
      const unmet = await unmetExpectations(context, step.expect, preState);
      if (unmet.length > 0) failure = `after "${step.title}": ${unmet.join('; ')}`;
    }
  } catch (error) {
    failure = (error as Error).message;
  }
  await store.recordStepEnd(
    context.stateDir,
    step.id,
    failure === null ? { ok: true } : { ok: false, error: failure },
  );
  context.emit({
    kind: 'step',
    stepId: step.id,
    state: failure === null ? 'ok' : 'failed',
    ...(failure ? { message: failure } : {}),
  });
  return failure;
}

function refuseUnapplicable(plan: Plan): void {
  if (plan.blocked) {
    const reasons = plan.verdicts
      .filter((verdict) => verdict.level === 'blocker')
      .map((verdict) => verdict.reason);
    throw new PlanNotApplicable(
      `the plan is blocked: ${reasons.join(' ')}`,
      'resolve the blockers the plan lists, then plan again',
    );
  }
  if (plan.steps.length === 0)
    throw new PlanNotApplicable('the plan has no steps', 'nothing needs to change');
}

/** Stopped before any change (arming failed, or the baseline could not be recorded): the journal
 * ends reverted with nothing undone. */
async function abandon(context: EngineContext, error: unknown): Promise<void> {
  const { journal: store } = context.deps;
  const message = error instanceof Error ? error.message : String(error);
  context.note(`abandoning before the first change: ${message}`);
  await store.setPhase(context.stateDir, 'reverting', `stopped before the first change: ${message}`);
  await store.recordOutcome(context.stateDir, {
    kind: 'reverted',
    reason: 'apply-failed',
    differences: [],
    manualCommands: [],
  });
  context.emit({ kind: 'phase', phase: 'reverted', message: `nothing was changed: ${message}` });
}
