/**
 * What the operator is told at a decision point, once, as data: the change applied and pending,
 * and a revert's outcome. Two renderers draw it: the TUI's migration log (outcome-text.ts, rows
 * wrapped to the terminal, commands on rows of their own) and the headless commands' report
 * (cli/report-text.ts, plain lines for a pipe or a log). The wording lives only here, so the two
 * cannot drift apart again; what differs between them is said as a fact of where it is shown
 * (the keys that work here, the log above that already listed the steps and checks).
 */
import { commandWords } from '../plan/command-text.js';
import { type ExecCommand, hereCommandWords, type OperatorCommands } from '../plan/operator-commands.js';
import type { Command, Plan } from '../plan/types.js';
import type { ConfirmOutcome } from '../store/app-state.js';
import type { CheckResult, RevertOutcome } from '../txn/engine/engine-api.js';
import type { GuardianInfo } from '../txn/journal/journal.js';
import { secondsLeft } from './countdown-text.js';
import type { Glyphs } from './glyphs.js';
import { checkRows, clockTime, REVERT_REASONS } from './migration-text.js';
import type { Tone } from './rows.js';

/**
 * One line under a block: text (`hang` more columns when it wraps), or a line of a command to copy
 * whole, as its shell-quoted words (command-text.ts commandWords): a renderer breaks it between
 * words only, never by splitting a shell string again.
 * `flush`: printed at the start of the line, not indented: a here-document's EOF only ends it there.
 */
export type OutcomeItem =
  | { kind: 'text'; text: string; tone: Tone; hang: number }
  | { kind: 'command'; words: string[]; flush?: boolean };

/** A line of its own (a statement, or the heading of the items under it) and its items. */
export interface OutcomeBlock {
  text: string;
  tone: Tone;
  /** Its wrapped rows hang under its text (a label like "What happened:" or a warning mark). */
  hang: boolean;
  items: OutcomeItem[];
}

export interface OutcomeContent {
  title: string;
  tone: Tone;
  blocks: OutcomeBlock[];
}

const block = (
  text: string,
  items: OutcomeItem[] = [],
  tone: Tone = 'plain',
  hang = false,
): OutcomeBlock => ({
  text,
  tone,
  hang,
  items,
});
const item = (text: string, tone: Tone = 'plain', hang = 0): OutcomeItem => ({
  kind: 'text',
  text,
  tone,
  hang,
});
const command = (words: string[]): OutcomeItem => ({ kind: 'command', words });

/** An exec command is always one line. */
const execWords = (exec: ExecCommand): string[] => commandWords(exec)[0] ?? [];

export interface PendingFacts {
  plan: Plan;
  /** The guardian armed for the deadline: its record when known, `true` when only its presence is. */
  guardian: GuardianInfo | true;
  /** The deadline, when no live countdown on the same screen shows it. */
  deadline: { at: number; now: number } | null;
  commands: Pick<OperatorCommands, 'confirm' | 'rollback'>;
  /** The keys that confirm and roll back where this is shown (the TUI); null for a report. */
  keys: { confirm: string; rollback: string } | null;
}

export function pendingContent(facts: PendingFacts, glyphs: Glyphs): OutcomeContent {
  const { plan, guardian, deadline, commands, keys } = facts;
  const blocks: OutcomeBlock[] = [];
  if (deadline) {
    blocks.push(
      block(
        `Deadline: ${clockTime(deadline.at)} by this host's clock, ${secondsLeft(deadline.at, deadline.now)} s from now.`,
      ),
    );
  }
  const which = guardian === true ? '' : ` (pid ${guardian.pid}, ${guardian.mode})`;
  blocks.push(
    block(
      `The guardian${which} reverts the change at the deadline unless it is confirmed, even if this session is lost.`,
    ),
  );
  blocks.push(
    block(
      `Keep it: ${keys ? `${keys.confirm} here, or ` : ''}from a NEW SSH session (proves the new path works):`,
      [command(execWords(commands.confirm))],
    ),
    block(`Undo it: ${keys ? `${keys.rollback} here, or ` : ''}from any session:`, [
      command(execWords(commands.rollback)),
    ]),
  );
  return {
    title: `${glyphs.ok} Applied and verified: ${plan.nic} ${glyphs.arrow} ${plan.bridge} is live and pending confirmation.`,
    tone: 'ok',
    blocks,
  };
}

export interface ConfirmedFacts {
  plan: Plan;
  confirmation: ConfirmOutcome;
  /** Confirmed by another session (`confirm` over a new SSH connection) while this one watched. */
  elsewhere: boolean;
  rollback: ExecCommand;
}

/**
 * A confirmed change: what changed, where it lives now, and how to undo it — `rollback` while the
 * journal is still open, the backups once config is on disk, else the steps' exact inverses.
 */
export function confirmedContent(facts: ConfirmedFacts, glyphs: Glyphs): OutcomeContent {
  const { plan, confirmation, elsewhere, rollback } = facts;
  const steps = plan.steps.map((step, index) => item(`${index + 1}. ${glyphs.text(step.title)}`, 'plain', 3));
  const blocks = [block('What changed:', steps), block(glyphs.text(confirmation.note))];
  if (confirmation.journalPhase === 'confirmed') {
    // The journal stays open until the config is written, so `rollback` can still undo it.
    blocks.push(block('Undo it with:', [command(execWords(rollback))]));
  } else if ((confirmation.written ?? []).length > 0) {
    blocks.push(block('Its config is on disk now; the backups named above restore the old one.'));
  } else {
    // A finished runtime-only change: a reboot undoes it; so do the steps' exact inverses, last first.
    const inverses = [...plan.steps]
      .reverse()
      .flatMap((step) => step.inverse.flatMap((inverse) => hereCommandWords(plan.request, inverse)))
      .map(
        (words): OutcomeItem => ({
          kind: 'command',
          words: words.map((word) => glyphs.text(word)),
          flush: true,
        }),
      );
    blocks.push(block('To undo it without a reboot, run as root, last step first:', inverses));
  }
  return {
    title: `${glyphs.ok} Confirmed${elsewhere ? ' from another session' : ''}: ${plan.nic} ${glyphs.arrow} ${plan.bridge} is kept.`,
    tone: 'ok',
    blocks,
  };
}

/**
 * A revert's outcome: how it ended and why, what happened, the steps undone, the comparison with
 * the pre-state, the checks after it, and the commands left to run by hand. `logAbove`: the steps
 * and checks were each shown as they happened just above (the TUI's log), so they are counted
 * instead of listed again.
 */
export function revertContent(
  revert: RevertOutcome,
  failure: string | null,
  glyphs: Glyphs,
  options: { logAbove: boolean },
): OutcomeContent {
  const why = REVERT_REASONS[revert.reason] ?? revert.reason;
  const reverted = revert.kind === 'reverted';
  const blocks: OutcomeBlock[] = [];
  if (failure) blocks.push(block(`What happened: ${glyphs.text(failure)}`, [], 'plain', true));
  const compared =
    revert.differences.length === 0
      ? 'Compared with the pre-state: links, addresses, routes and rules are as before.'
      : 'Compared with the pre-state, still different:';
  const differences = revert.differences.map((difference) =>
    item(`${glyphs.bullet} ${glyphs.text(difference)}`, 'warning', 2),
  );
  if (options.logAbove) {
    const undone = revert.steps.filter((step) => step.state === 'reverted').length;
    blocks.push(block(`Undid ${undone} of ${revert.steps.length} steps. ${compared}`, differences));
  } else {
    blocks.push(block('Steps undone, last first:', stepItems(revert, glyphs)), block(compared, differences));
  }
  if (revert.checks.length === 0 && revert.steps.length > 0) {
    blocks.push(block('No checks ran after the revert.', [], 'dim'));
  } else if (revert.checks.length > 0 && !options.logAbove) {
    blocks.push(block('Checks after the revert:', checkItems(revert.checks, glyphs)));
  }
  const notDone = revert.notDone ?? [];
  if (notDone.length > 0) {
    blocks.push(
      block(
        'Not done by the revert:',
        notDone.map((left) => item(`${glyphs.bullet} ${glyphs.text(left)}`, 'warning', 2)),
      ),
    );
  }
  if (revert.manualCommands.length > 0) {
    blocks.push(
      block(
        'Run these as root to finish the revert by hand:',
        revert.manualCommands.flatMap(hereDocumentItems),
      ),
    );
  }
  return {
    title: reverted
      ? `${glyphs.reverted} Reverted (${why}): the host matches its pre-state.`
      : `${glyphs.failed} Revert incomplete (${why}): the host still differs from its pre-state.`,
    tone: reverted ? 'info' : 'blocker',
    blocks,
  };
}

/**
 * A command's lines as items: a here-document's body and EOF at the first column, where the
 * shell ends it (indented, the EOF would not end it and the paste would hang).
 */
function hereDocumentItems(line: Command): OutcomeItem[] {
  return commandWords(line).map((words, at) => ({ kind: 'command', words, flush: at > 0 }));
}

function stepItems(revert: RevertOutcome, glyphs: Glyphs): OutcomeItem[] {
  if (revert.steps.length === 0) return [item('(none had started)')];
  return revert.steps.map((step) => {
    const mark = step.state === 'reverted' ? glyphs.reverted : glyphs.failed;
    const state =
      step.state === 'reverted' ? 'reverted' : step.state === 'revert-failed' ? 'not undone' : step.state;
    const message = step.message ? ` (${glyphs.text(step.message)})` : '';
    return item(`${mark} ${state}: ${glyphs.text(step.title)}${message}`, 'plain', 2);
  });
}

/** Lines are not cut here: each renderer fits them to where they go. */
const NO_LIMIT = Number.MAX_SAFE_INTEGER;

function checkItems(checks: CheckResult[], glyphs: Glyphs): OutcomeItem[] {
  return checks.flatMap((check) =>
    checkRows('after-revert', check, glyphs, NO_LIMIT).map((row) => item(row.text, row.tone)),
  );
}
