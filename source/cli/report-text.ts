/**
 * What the headless commands print, as pure functions of data: a progress line per engine event
 * (stderr), the verdicts, and the reports of a pending change and of a revert (stdout). Step and
 * check lines come from the same functions the TUI draws them with. Each returned element is one
 * line: host text inside it (a verdict quoting a process, a journal message) is escaped
 * (plan/display-text.ts), so a newline in it cannot fake a line of the report.
 */

import { commandText } from '../plan/command-text.js';
import { displaySafe } from '../plan/display-text.js';
import { commandLine, type OperatorCommands } from '../plan/operator-commands.js';
import type { Plan } from '../plan/types.js';
import type { EngineEvent, RevertOutcome } from '../txn/engine/engine-api.js';
import type { GuardianInfo } from '../txn/journal/journal.js';
import type { Glyphs } from '../ui/glyphs.js';
import { checkRows, clockTime, REVERT_REASONS, stepRows } from '../ui/migration-text.js';

/** Lines are not cut for a terminal here: they go to a log, a pipe or a wide terminal alike. */
const NO_LIMIT = Number.MAX_SAFE_INTEGER;

export function progressLines(event: EngineEvent, plan: Plan, glyphs: Glyphs): string[] {
  switch (event.kind) {
    case 'step': {
      const step = plan.steps.find((candidate) => candidate.id === event.stepId) ?? null;
      const view = { step, stepId: event.stepId, state: event.state, message: event.message ?? null };
      // The command is shown as it starts; the other states name the step only.
      const rows = stepRows(view, plan, glyphs, NO_LIMIT, { spin: '>', summary: event.state === 'running' });
      return rows.map((row) => row.text);
    }
    case 'check':
      return checkRows(event.phase, event.result, glyphs, NO_LIMIT).map((row) => row.text);
    case 'phase':
      return [
        displaySafe(
          `${PHASE_WORDS[event.phase] ?? event.phase}${event.message ? ` (${event.message})` : ''}`,
        ),
      ];
    default: {
      const unknown: never = event;
      return unknown;
    }
  }
}

const PHASE_WORDS: Record<string, string> = {
  planned: 'journal written; taking the baseline checks',
  applying: 'applying the steps',
  applied: 'applied and verified',
  confirmed: 'confirmed',
  persisted: 'finished',
  reverting: 'reverting: undoing the applied steps, last first',
  reverted: 'reverted',
  'revert-incomplete': 'revert incomplete',
};

export function verdictLines(plan: Plan, level: 'blocker' | 'warning'): string[] {
  const label = level === 'blocker' ? 'blocked' : 'warning (accepted by --yes)';
  return plan.verdicts
    .filter((verdict) => verdict.level === level)
    .flatMap((verdict) => [`${label}: ${verdict.reason}`, `  fix: ${verdict.fix}`])
    .map((line) => displaySafe(line));
}

export function secondsLeft(deadline: number, now: number): number {
  return Math.max(0, Math.ceil((deadline - now) / 1000));
}

export interface PendingFacts {
  plan: Plan;
  deadline: number;
  now: number;
  guardian: GuardianInfo | null;
  commands: Pick<OperatorCommands, 'confirm' | 'rollback'>;
}

export function pendingReport(
  { plan, deadline, now, guardian, commands }: PendingFacts,
  glyphs: Glyphs,
): string[] {
  const guard = guardian
    ? `The guardian (pid ${guardian.pid}, ${guardian.mode}) reverts the change at the deadline unless it is confirmed.`
    : `${glyphs.warning} No guardian runs in this build: nothing reverts by itself at the deadline; roll back with the command below if the new path does not work.`;
  return [
    `${glyphs.ok} Applied and verified: ${plan.nic} ${glyphs.arrow} ${plan.bridge} is live and pending confirmation.`,
    `Deadline: ${clockTime(deadline)} by this host's clock, ${secondsLeft(deadline, now)} s from now.`,
    guard,
    'Keep it (run it from a NEW SSH session: that proves the new path works):',
    `  ${commandLine(commands.confirm)}`,
    'Undo it now:',
    `  ${commandLine(commands.rollback)}`,
  ];
}

/** What was undone, how the host compares with its pre-state, the checks, and what is left. */
export function revertReport(revert: RevertOutcome, failure: string | null, glyphs: Glyphs): string[] {
  const why = REVERT_REASONS[revert.reason] ?? revert.reason;
  const lines =
    revert.kind === 'reverted'
      ? [`${glyphs.reverted} Reverted (${why}): the host matches its pre-state.`]
      : [`${glyphs.failed} Revert incomplete (${why}): the host still differs from its pre-state.`];
  if (failure) lines.push(`What failed: ${glyphs.text(failure)}`);
  lines.push('Steps undone, last first:');
  for (const step of revert.steps) {
    const mark = step.state === 'reverted' ? glyphs.reverted : glyphs.failed;
    const state =
      step.state === 'reverted' ? 'reverted' : step.state === 'revert-failed' ? 'not undone' : step.state;
    lines.push(
      `  ${mark} ${state}: ${glyphs.text(step.title)}${step.message ? ` (${glyphs.text(step.message)})` : ''}`,
    );
  }
  if (revert.steps.length === 0) lines.push('  (none had started)');
  if (revert.differences.length === 0) {
    lines.push('Compared with the pre-state: links, addresses, routes and rules are as before.');
  } else {
    lines.push('Compared with the pre-state, still different:');
    for (const difference of revert.differences) lines.push(`  ${glyphs.bullet} ${glyphs.text(difference)}`);
  }
  if (revert.checks.length > 0) {
    lines.push('Checks after the revert:');
    for (const check of revert.checks) {
      lines.push(...checkRows('after-revert', check, glyphs, NO_LIMIT).map((row) => `  ${row.text}`));
    }
  }
  if (revert.manualCommands.length > 0) {
    lines.push('Run these as root to finish the revert by hand:');
    for (const line of revert.manualCommands.flatMap(commandText)) lines.push(`  ${displaySafe(line)}`);
  }
  return lines;
}
