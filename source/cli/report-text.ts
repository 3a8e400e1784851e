/**
 * What the headless commands print, as pure functions of data: a progress line per engine event
 * (stderr), the verdicts, and the reports of a pending change and of a revert (stdout). Step and
 * check lines come from the same functions the TUI draws them with. Each returned element is one
 * line: host text inside it (a verdict quoting a process, a journal message) is escaped
 * (plan/display-text.ts), so a newline in it cannot fake a line of the report.
 */

import { displaySafe } from '../plan/display-text.js';
import type { OperatorCommands } from '../plan/operator-commands.js';
import type { Plan } from '../plan/types.js';
import type { EngineEvent, RevertOutcome } from '../txn/engine/engine-api.js';
import type { GuardianInfo } from '../txn/journal/journal.js';
import type { Glyphs } from '../ui/glyphs.js';
import { checkRows, persistPartRows, stepRows } from '../ui/migration-text.js';
import { type OutcomeContent, pendingContent, revertContent } from '../ui/outcome-content.js';

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
    case 'persist':
      return persistPartRows(event, plan, glyphs, NO_LIMIT).map((row) => row.text);
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
  persisting: 'writing the config (under the guardian, fresh deadline)',
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

export { secondsLeft } from '../ui/countdown-text.js';

/**
 * An outcome (ui/outcome-content.ts) as plain lines: the title, each block's line, its items
 * indented by two. Nothing is wrapped; every line is made display-safe, commands included.
 */
export function outcomeLines(content: OutcomeContent): string[] {
  const lines = [content.title];
  for (const block of content.blocks) {
    lines.push(block.text);
    for (const item of block.items) {
      if (item.kind === 'text') lines.push(`  ${item.text}`);
      else {
        const line = item.words.join(' ');
        lines.push(item.flush ? line : `  ${line}`);
      }
    }
  }
  return lines.map((line) => displaySafe(line));
}

export interface PendingFacts {
  plan: Plan;
  deadline: number;
  now: number;
  guardian: GuardianInfo;
  commands: Pick<OperatorCommands, 'confirm' | 'rollback'>;
}

export function pendingReport(
  { plan, deadline, now, guardian, commands }: PendingFacts,
  glyphs: Glyphs,
): string[] {
  return outcomeLines(
    pendingContent({ plan, guardian, deadline: { at: deadline, now }, commands, keys: null }, glyphs),
  );
}

/** What was undone, how the host compares with its pre-state, the checks, and what is left. */
export function revertReport(revert: RevertOutcome, failure: string | null, glyphs: Glyphs): string[] {
  // Only the phases were printed as they passed: the report lists each step and check.
  return outcomeLines(revertContent(revert, failure, glyphs, { logAbove: false }));
}
