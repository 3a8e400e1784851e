/**
 * `bridge-migrate apply --yes`: the non-interactive apply. Probe, plan, refuse on any blocker
 * (each printed with its fix; nothing changed, exit 1), accept the warnings because --yes says so,
 * then let the engine write the journal, take the baseline, arm the guardian, run and verify each
 * step. Progress goes to stderr as it happens; the result goes to stdout:
 *   pending            → the deadline and the exact confirm/rollback commands, exit 0
 *   reverted           → what failed and the revert's comparison, exit 3
 *   revert-incomplete  → the differences and the commands to finish by hand, exit 4
 */
import { commandLine } from '../plan/operator-commands.js';
import type { GuardianInfo } from '../txn/journal/journal.js';
import { unfinishedRevertAdvice } from '../ui/outcome-text.js';
import { type CommandDeps, planCommand, probeWithJournal, tuiCommand } from './command-deps.js';
import { EXIT, UsageError } from './errors.js';
import type { CommonOptions, TargetOptions } from './options.js';
import { pendingReport, progressLines, revertReport, verdictLines } from './report-text.js';
import { checkNicExists, planRequest } from './target.js';

export async function runApplyCommand(
  deps: CommandDeps,
  target: TargetOptions,
  common: CommonOptions,
  options: { yes: boolean },
): Promise<number> {
  const { out, glyphs } = deps;
  if (!options.yes) {
    throw new UsageError(
      "apply changes this host's network without asking",
      `pass --yes to apply non-interactively, or run \`${commandLine(tuiCommand(common, target))}\` to preview the plan and apply it with a key`,
    );
  }
  if (common.replay) {
    throw new UsageError(
      '--replay probes a recording, and a recording cannot be changed',
      'drop --replay to apply to this host',
    );
  }
  // The one probe that may take a while (the uplink's IPv6 DAD, up to 3 s) says so as it starts.
  const snapshot = await probeWithJournal(deps, common.stateDir, (event) => {
    if (event.name === 'ipv6-dad' && event.note) out.stderr(`probe ${event.name}: ${event.note}\n`);
  });
  checkNicExists(snapshot, target.nic);
  const plan = deps.plan(snapshot, planRequest(target, common));

  const blockers = verdictLines(plan, 'blocker');
  if (plan.blocked || blockers.length > 0) {
    for (const line of blockers) out.stderr(`${line}\n`);
    out.stderr(
      `bridge-migrate: apply refused; nothing was changed. \`${commandLine(planCommand(common, target))}\` shows the whole plan.\n`,
    );
    return EXIT.refused;
  }
  for (const line of verdictLines(plan, 'warning')) out.stderr(`${line}\n`);

  out.stderr(
    `applying ${plan.nic} ${glyphs.arrow} ${plan.bridge}: ${plan.steps.length} steps, deadline ${target.timeoutSec} s\n`,
  );
  const engine = deps.engine((event) => {
    for (const line of progressLines(event, plan, glyphs)) out.stderr(`${line}\n`);
  });
  let guardian = null as GuardianInfo | null;
  const outcome = await engine.start({
    plan,
    preState: snapshot,
    timeoutSec: target.timeoutSec,
    beforeFirstChange: async () => {
      guardian = await deps.armGuardian({ stateDir: common.stateDir, ...deps.guardianLaunch });
      out.stderr(
        `guardian armed: pid ${guardian.pid} (${guardian.mode}${guardian.unit ? `, unit ${guardian.unit}` : ''})\n`,
      );
    },
  });

  const { commands } = deps;
  if (outcome.kind === 'pending') {
    // The engine runs beforeFirstChange before any change, so a pending change has its guardian.
    if (!guardian) throw new Error('the engine left a change pending without arming the guardian');
    const facts = { plan, deadline: outcome.deadline, now: deps.clock.now(), guardian, commands };
    for (const line of pendingReport(facts, glyphs)) out.stdout(`${line}\n`);
    return EXIT.ok;
  }
  for (const line of revertReport(outcome.revert, outcome.failure, glyphs)) out.stdout(`${line}\n`);
  if (outcome.kind === 'reverted') {
    out.stderr(
      `bridge-migrate: the change failed and was reverted (${outcome.failure}); the host is back to its pre-state, fix the cause and apply again\n`,
    );
    return EXIT.reverted;
  }
  out.stderr(
    `bridge-migrate: the change failed and its revert is incomplete; ${unfinishedRevertAdvice(outcome.revert, commands.status)}\n`,
  );
  return EXIT.revertIncomplete;
}
