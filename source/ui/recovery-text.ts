/**
 * The recovery screen's rows (DESIGN.md "The guardian": a journal left pending is found on the next start): a start of the tool that finds a migration
 * left pending (the TUI or the guardian killed, the machine crashed) says what is pending, how far
 * it got, whether its deadline still runs and whether a guardian still enforces it, before anything
 * is probed or changed. `s` swaps the summary for the journal's events and each step's state.
 */

import { commandWords } from '../plan/command-text.js';
import type { Watched } from '../store/app-state.js';
import { clockTime } from '../store/clock-time.js';
import { COUNTDOWN_PHASES, type Journal } from '../txn/journal/journal.js';
import { commandRows } from './command-rows.js';
import { beatAge, guardianAlertRows, secondsLeft } from './countdown-text.js';
import type { Glyphs } from './glyphs.js';
import { keyLabel } from './keys.js';
import { type Row, type Tone, wrapped } from './rows.js';
import { clip, padEnd } from './text-fit.js';
import { undoSummaryRows } from './undo-text.js';

export function phaseStory(journal: Journal, guardianAlive: boolean): string {
  const unfinished = journal.applied.find((step) => step.finishedAt === null);
  switch (journal.phase) {
    case 'planned':
      return 'journal written, no step started yet';
    case 'applying':
      return unfinished
        ? `being applied, or stopped part way: step ${unfinished.stepId} started and never finished`
        : `being applied, or stopped part way: ${journal.applied.length} of ${journal.plan.steps.length} steps done`;
    case 'applied':
      return 'applied and verified, awaiting confirmation';
    case 'confirmed':
      return 'confirmed, but its config was never written: it lives at runtime only';
    case 'persisting':
      return 'confirmed; writing its config was interrupted';
    case 'persisted':
      return 'finished';
    case 'undoing':
      return guardianAlive
        ? 'being undone, under its guardian'
        : 'an undo started and did not finish, and its guardian is gone';
    case 'reverting':
      return guardianAlive ? 'being reverted by the guardian now' : 'a revert started and did not finish';
    case 'reverted':
      return 'reverted';
    case 'revert-incomplete':
      return 'reverted only in part: the host still differs from its pre-state';
    default: {
      const unknown: never = journal.phase;
      return unknown;
    }
  }
}

function deadlineRow(journal: Journal, now: number, glyphs: Glyphs, width: number): Row | null {
  if (!COUNTDOWN_PHASES.includes(journal.phase)) return null;
  const left = secondsLeft(journal.deadline, now);
  const text =
    left > 0
      ? `  Deadline ${clockTime(journal.deadline)} by this host's clock: ${left} s left.`
      : `  Deadline ${clockTime(journal.deadline)} by this host's clock passed ${Math.round((now - journal.deadline) / 1000)} s ago.`;
  return { text: clip(text, width, glyphs), tone: left > 0 ? 'accent' : 'warning' };
}

function guardianRows(watched: Watched, glyphs: Glyphs, width: number): Row[] {
  const { guardian, journal } = watched.reading;
  const countdown = COUNTDOWN_PHASES.includes(journal.phase) || journal.phase === 'reverting';
  if (!guardian.info) {
    return countdown
      ? wrapped(
          `  ${glyphs.warning} No guardian was recorded: nothing reverts it by itself.`,
          'warning',
          width,
          '    ',
        )
      : [];
  }
  if (guardian.alive && guardian.blocker) {
    return wrapped(
      `  ${glyphs.warning} Guardian (pid ${guardian.info.pid}) alive but blocked: ${guardian.blocker}.`,
      'warning',
      width,
      '    ',
    );
  }
  if (guardian.alive) {
    const beat = guardian.heartbeatAgeMs === null ? '' : `, heartbeat ${beatAge(guardian.heartbeatAgeMs)}`;
    return [
      {
        text: clip(`  ${glyphs.ok} Guardian (pid ${guardian.info.pid}) alive${beat}.`, width, glyphs),
        tone: 'plain',
      },
    ];
  }
  const what = countdown ? ': nothing reverts it by itself' : '';
  return wrapped(
    `  ${glyphs.failed} Guardian (pid ${guardian.info.pid}) is not running${what}.`,
    countdown ? 'blocker' : 'dim',
    width,
    '    ',
  );
}

function stepLine(journal: Journal, stepId: string, glyphs: Glyphs, width: number): Row {
  const index = journal.plan.steps.findIndex((step) => step.id === stepId);
  const title = journal.plan.steps[index]?.title ?? stepId;
  const applied = journal.applied.find((step) => step.stepId === stepId);
  const [mark, word, tone]: [string, string, Tone] = !applied
    ? [glyphs.pending, 'not run', 'dim']
    : applied.finishedAt === null
      ? [glyphs.warning, 'cut short', 'warning']
      : applied.ok
        ? [glyphs.ok, 'done', 'plain']
        : [glyphs.failed, 'failed', 'blocker'];
  const position = `${index + 1}/${journal.plan.steps.length}`;
  return {
    text: clip(`  ${mark} ${padEnd(word, 9)} ${position} ${glyphs.text(title)}`, width, glyphs),
    tone,
  };
}

export function recoverySummaryRows(watched: Watched, glyphs: Glyphs, width: number): Row[] {
  const { journal, guardian } = watched.reading;
  // Only `rollback` opens a finished migration: the undo it is about to run, part by part.
  if (journal.phase === 'persisted') return undoSummaryRows(watched, glyphs, width);
  const rows: Row[] = [
    // The one thing not to miss comes before everything else: with its guardian gone, nothing reverts the change.
    ...guardianAlertRows(watched, glyphs, width),
    { text: clip('bridge-migrate  a migration was left pending', width, glyphs), tone: 'title' },
    ...wrapped(
      `  ${journal.nic} ${glyphs.arrow} ${journal.bridge}, phase ${journal.phase}: ${phaseStory(journal, guardian.alive)}.`,
      'plain',
      width,
      '    ',
    ),
    {
      text: clip(
        `  Started ${clockTime(journal.createdAt)}; ${journal.applied.length} of ${journal.plan.steps.length} steps started:`,
        width,
        glyphs,
      ),
      tone: 'plain',
    },
    ...journal.plan.steps.map((step) => stepLine(journal, step.id, glyphs, width)),
  ];
  const deadline = deadlineRow(journal, watched.now, glyphs, width);
  if (deadline) rows.push(deadline);
  rows.push(...guardianRows(watched, glyphs, width));
  const outcome = journal.outcome;
  if (journal.phase === 'revert-incomplete' && outcome) {
    for (const difference of outcome.differences ?? []) {
      rows.push(...wrapped(`    ${glyphs.bullet} ${glyphs.text(difference)}`, 'warning', width, '      '));
    }
    if ((outcome.manualCommands ?? []).length > 0) {
      rows.push(
        ...wrapped(
          `  Finish it by hand, as root (or retry with ${keyLabel('rollback')}):`,
          'plain',
          width,
          '  ',
        ),
      );
      // Broken between words only, each continued row ending in " \\", so the rows paste as one command.
      // A here-document's body and EOF at the first column, where the shell ends it.
      for (const command of outcome.manualCommands ?? []) {
        for (const [at, words] of commandWords(command).entries()) {
          const first = at === 0 ? '    ' : '';
          rows.push(...commandRows(words, width, { first, rest: `${first}  `, tone: 'accent' }));
        }
      }
    }
  }
  return rows;
}

/** The journal's own story: every event it recorded, oldest first, the latest kept when cut. */
export function recoveryDetailRows(watched: Watched, glyphs: Glyphs, width: number, height: number): Row[] {
  const { journal } = watched.reading;
  const failures = journal.applied.flatMap((step) =>
    step.error ? wrapped(`    ${step.stepId}: ${glyphs.text(step.error)}`, 'blocker', width, '      ') : [],
  );
  const head: Row[] = [
    { text: clip(`Steps (s: back to the summary)`, width, glyphs), tone: 'title' },
    ...journal.plan.steps.map((step) => stepLine(journal, step.id, glyphs, width)),
    ...failures,
    {
      text: clip(
        `Journal ${journal.id.slice(0, 8)}: ${journal.events.length} events, latest last`,
        width,
        glyphs,
      ),
      tone: 'title',
    },
  ];
  const events = journal.events.map(
    (event): Row => ({
      text: clip(`  ${clockTime(event.at)}  ${glyphs.text(event.message)}`, width, glyphs),
      tone: 'plain',
    }),
  );
  const room = Math.max(1, height - head.length);
  return [...head, ...events.slice(-room)];
}
