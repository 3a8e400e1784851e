/**
 * The rows each entry of the migration log prints, once, in <Static>: the start line, each step
 * in a final state, each check, the start of a revert, and the blocks printed at the decision
 * points (outcome-text.ts). Pure functions of the entry, the plan, the glyph set and the width.
 */
import type { Plan } from '../plan/types.js';
import type { LogEntry } from '../store/migration-progress.js';
import type { Glyphs } from './glyphs.js';
import { checkRows, persistPartRows, REVERT_REASONS, stepRows } from './migration-text.js';
import { confirmedEntryRows, pendingEntryRows, revertReportRows } from './outcome-text.js';
import type { Row } from './rows.js';
import { clip } from './text-fit.js';

export function logEntryRows(entry: LogEntry, plan: Plan, glyphs: Glyphs, width: number): Row[] {
  const line = (text: string, tone: Row['tone']): Row[] => [{ text: clip(text, width, glyphs), tone }];
  switch (entry.kind) {
    case 'start':
      return line(
        `bridge-migrate  applying ${plan.nic} ${glyphs.arrow} ${plan.bridge}: ${plan.steps.length} steps, deadline ${plan.deadlineSec} s`,
        'title',
      );
    case 'step': {
      const step = plan.steps.find((candidate) => candidate.id === entry.stepId) ?? null;
      // The commands were on screen while the step was live; a failed step keeps them next to why.
      const summary = entry.state === 'failed';
      return stepRows({ ...entry, step }, plan, glyphs, width, { spin: glyphs.pending, summary });
    }
    case 'check':
      return checkRows(entry.phase, entry.result, glyphs, width);
    case 'reverting':
      // No reason: the revert was seen in the journal, started by the guardian or another session.
      return entry.reason
        ? line(
            `${glyphs.reverted} Reverting (${REVERT_REASONS[entry.reason] ?? entry.reason}): undoing the applied steps, last first`,
            'warning',
          )
        : line(`${glyphs.reverted} Reverting outside this session (the guardian or \`rollback\`)`, 'warning');
    case 'persist':
      return persistPartRows(entry, plan, glyphs, width);
    case 'rolling-back':
      // A persisted migration is undone (cli/undo-migration.ts): its files come back first.
      return entry.phase === 'persisted'
        ? line(
            `bridge-migrate  undoing ${plan.nic} ${glyphs.arrow} ${plan.bridge}: files from backups, then the runtime`,
            'title',
          )
        : line(
            `bridge-migrate  rolling back ${plan.nic} ${glyphs.arrow} ${plan.bridge}, found pending in phase ${entry.phase}`,
            'title',
          );
    case 'pending':
      return pendingEntryRows(plan, entry, glyphs, width);
    case 'revert-report':
      return revertReportRows(entry.revert, entry.failure, glyphs, width);
    case 'confirmed':
      return confirmedEntryRows(plan, entry, glyphs, width);
    default: {
      const unknown: never = entry;
      return unknown;
    }
  }
}
