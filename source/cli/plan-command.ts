import { probeHost } from '../host/probe.js';
import { buildPlan } from '../plan/build.js';
import { commandLine, planCommands } from '../plan/operator-commands.js';
import type { Plan } from '../plan/types.js';
import { createJournalStore } from '../txn/journal/journal.js';
import { renderPlanText } from '../ui/plan-text.js';
import { operatorCommands, withPendingMigration } from './command-deps.js';
import { EXIT } from './errors.js';
import { type HostAccess, replaySource } from './host-access.js';
import type { CommonOptions, TargetOptions } from './options.js';
import { checkNicExists, planRequest } from './target.js';
import type { Output } from './terminal-output.js';

/** Probe and plan; read-only on every path. */
export async function probeAndPlan(
  access: HostAccess,
  target: TargetOptions,
  common: CommonOptions,
): Promise<Plan> {
  const probed = await probeHost(access);
  // The journal's pending migration blocks the plan here as in the TUI, which reads it the same
  // way; a recording is another host, whose journal is not in this state directory.
  const snapshot = access.replay
    ? probed
    : await withPendingMigration(
        probed,
        {
          journal: createJournalStore({ purpose: 'plan', commands: operatorCommands(common) }),
          uid: access.env.uid,
        },
        common.stateDir,
      );
  checkNicExists(snapshot, target.nic, access.replay !== null);
  return buildPlan(snapshot, planRequest(target, common, replaySource(access, common)));
}

/**
 * The plan as `plan --json` prints it: the plan's data, and the two commands for another session
 * as the lines to copy (rendered here, at the edge, from the request's argv data).
 */
function planJson(plan: Plan): Plan & { confirmCommand: string; rollbackCommand: string } {
  const commands = planCommands(plan.request);
  return {
    ...plan,
    confirmCommand: commandLine(commands.confirm),
    rollbackCommand: commandLine(commands.rollback),
  };
}

/** `bridge-migrate plan`: print the plan as text or JSON and change nothing. */
export async function runPlanCommand(
  access: HostAccess,
  target: TargetOptions,
  common: CommonOptions,
  options: { json: boolean; ascii: boolean },
  out: Output,
): Promise<number> {
  const plan = await probeAndPlan(access, target, common);
  out.stdout(
    options.json
      ? `${JSON.stringify(planJson(plan), null, 2)}\n`
      : renderPlanText(plan, { ascii: options.ascii }),
  );
  return EXIT.ok;
}
