/**
 * The text blocks printed once, through <Static>, when the migration reaches a decision point:
 * applied and pending (who enforces the deadline, the commands for another session), confirmed
 * (what changed, where it lives, how to undo it) and reverted (the comparison with the pre-state
 * and the commands left to run by hand). Printed once, they stay whole in the terminal's scrollback
 * and can be copied after the program ends; the live region under them stays a few rows.
 */
import { commandText } from '../plan/command-text.js';
import { commandLine, type ExecCommand, hereCommandLines } from '../plan/operator-commands.js';
import type { Plan } from '../plan/types.js';
import type { ConfirmOutcome, OperatorCommands } from '../store/app-state.js';
import type { RevertOutcome } from '../txn/engine/engine-api.js';
import type { Glyphs } from './glyphs.js';
import { REVERT_REASONS } from './migration-text.js';
import { type Row, wrapped } from './rows.js';

const COMMAND_INDENT = '    ';
const CONTINUED_INDENT = '      ';

/**
 * A command on rows of its own, so it can be copied whole. One too long for the width is broken
 * between words outside quotes, each row but the last ending in " \\", so that pasted into a
 * shell it is still one command (inside an `ip -batch - <<'EOF'` body too: the shell passes the
 * body verbatim, and ip's batch reader, iproute2 lib/utils.c getcmdline, joins backslash-newlines).
 */
export function commandRows(command: string, width: number, indent = COMMAND_INDENT): Row[] {
  if (indent.length + command.length <= width) return [{ text: `${indent}${command}`, tone: 'accent' }];
  const rows: string[] = [];
  let row = indent;
  for (const word of shellWords(command)) {
    const candidate = row.trim() === '' ? `${row}${word}` : `${row} ${word}`;
    // Room for " \" at the end of every row that is continued.
    if (candidate.length + 2 > width && row.trim() !== '') {
      rows.push(`${row} \\`);
      row = `${indent === '' ? '  ' : CONTINUED_INDENT}${word}`;
    } else row = candidate;
  }
  rows.push(row);
  return rows.map((text) => ({ text, tone: 'accent' }));
}

/** Splits at spaces outside single quotes (the quoting shellQuote produces). */
function shellWords(command: string): string[] {
  const words: string[] = [];
  let word = '';
  let quoted = false;
  for (const char of command) {
    if (char === "'") quoted = !quoted;
    if (char === ' ' && !quoted) {
      if (word !== '') words.push(word);
      word = '';
    } else word += char;
  }
  if (word !== '') words.push(word);
  return words;
}

export function pendingEntryRows(
  plan: Plan,
  entry: { guardian: boolean; commands: OperatorCommands },
  glyphs: Glyphs,
  width: number,
): Row[] {
  const guard = entry.guardian
    ? wrapped(
        '  The guardian reverts it at the deadline unless it is confirmed, even if this session is lost.',
        'plain',
        width,
        '  ',
      )
    : wrapped(
        `  ${glyphs.warning} No guardian in this build: nothing reverts by itself at the deadline.`,
        'warning',
        width,
        '    ',
      );
  return [
    ...wrapped(
      `${glyphs.ok} Applied and verified: ${plan.nic} ${glyphs.arrow} ${plan.bridge} is live, pending confirmation.`,
      'ok',
      width,
      '  ',
    ),
    ...guard,
    ...wrapped(
      '  Keep it: c here, or from a NEW SSH session (proves the new path works):',
      'plain',
      width,
      '  ',
    ),
    ...commandRows(commandLine(entry.commands.confirm), width),
    ...wrapped('  Undo it: r here, or from any session:', 'plain', width, '  '),
    ...commandRows(commandLine(entry.commands.rollback), width),
  ];
}

export function revertHeadline(revert: RevertOutcome, glyphs: Glyphs): { text: string; ok: boolean } {
  const why = REVERT_REASONS[revert.reason] ?? revert.reason;
  return revert.kind === 'reverted'
    ? { text: `${glyphs.reverted} Reverted (${why}): the host matches its pre-state.`, ok: true }
    : {
        text: `${glyphs.failed} Revert incomplete (${why}): the host still differs from its pre-state.`,
        ok: false,
      };
}

/**
 * What the operator does after an incomplete revert, for every renderer (TUI, `apply`,
 * `rollback`). "Run the commands above" only when commands were printed: a difference no builder
 * can write as a safe command (or a read of the host that failed) leaves the list empty, and the
 * operator must then look at the host instead of searching for commands that are not there.
 */
export function unfinishedRevertAdvice(
  revert: Pick<RevertOutcome, 'manualCommands'>,
  status: ExecCommand,
): string {
  const check = commandLine(status);
  return revert.manualCommands.length > 0
    ? `run the commands above as root, then check with \`${check}\``
    : `no command can be printed for what is left: compare the host with the differences above (\`ip addr\`, \`ip route show table all\`, \`ip rule\`) and fix it by hand as root, then check with \`${check}\``;
}

/** What was undone and how the host compares with its pre-state; the commands left to run. */
export function revertReportRows(
  revert: RevertOutcome,
  failure: string | null,
  glyphs: Glyphs,
  width: number,
): Row[] {
  const headline = revertHeadline(revert, glyphs);
  const rows = wrapped(headline.text, headline.ok ? 'info' : 'blocker', width, '  ');
  if (failure) rows.push(...wrapped(`  What happened: ${glyphs.text(failure)}`, 'plain', width, '    '));
  const undone = revert.steps.filter((step) => step.state === 'reverted').length;
  const compared =
    revert.differences.length === 0
      ? 'no difference (links, addresses, routes and rules are as before).'
      : `${revert.differences.length} difference${revert.differences.length === 1 ? '' : 's'}:`;
  rows.push(
    ...wrapped(
      `  Undid ${undone} of ${revert.steps.length} steps. Compared with the pre-state: ${compared}`,
      'plain',
      width,
      '  ',
    ),
  );
  for (const difference of revert.differences) {
    rows.push(...wrapped(`    ${glyphs.bullet} ${glyphs.text(difference)}`, 'warning', width, '      '));
  }
  if (revert.checks.length === 0 && revert.steps.length > 0) {
    rows.push(...wrapped('  No checks ran after the revert.', 'dim', width, '  '));
  }
  if (revert.manualCommands.length > 0) {
    rows.push(...wrapped('  Run these as root to finish the revert by hand:', 'plain', width, '  '));
    for (const line of revert.manualCommands.flatMap(commandText)) rows.push(...commandRows(line, width));
  }
  return rows;
}

export function confirmedEntryRows(
  plan: Plan,
  entry: { confirmation: ConfirmOutcome; elsewhere: boolean; rollback: ExecCommand },
  glyphs: Glyphs,
  width: number,
): Row[] {
  const where = entry.elsewhere ? ' from another session' : '';
  const rows: Row[] = [
    ...wrapped(
      `${glyphs.ok} Confirmed${where}: ${plan.nic} ${glyphs.arrow} ${plan.bridge} is kept.`,
      'ok',
      width,
      '  ',
    ),
    ...wrapped('  What changed:', 'plain', width, '  '),
    ...plan.steps.flatMap((step, index) =>
      wrapped(`    ${index + 1}. ${glyphs.text(step.title)}`, 'plain', width, '       '),
    ),
    ...wrapped(`  ${glyphs.text(entry.confirmation.note)}`, 'plain', width, '  '),
  ];
  if (entry.confirmation.journalPhase === 'confirmed') {
    // The journal stays open until the config is written, so `rollback` can still undo it.
    rows.push(
      ...wrapped('  Undo it with:', 'plain', width, '  '),
      ...commandRows(commandLine(entry.rollback), width),
    );
    return rows;
  }
  if ((entry.confirmation.written ?? []).length > 0) {
    rows.push(
      ...wrapped(
        '  Its config is on disk now; the backups named above restore the old one.',
        'plain',
        width,
        '  ',
      ),
    );
    return rows;
  }
  // A finished runtime-only change: a reboot undoes it; so do the steps' exact inverses, last first.
  // Not indented: a here-document's EOF only ends it at the start of a line.
  const inverses = [...plan.steps]
    .reverse()
    .flatMap((step) => step.inverse.flatMap((command) => hereCommandLines(plan.request, command)));
  rows.push(
    ...wrapped('  To undo it without a reboot, run as root, last step first:', 'plain', width, '  '),
    ...inverses.flatMap((line) => commandRows(glyphs.text(line), width, '')),
  );
  return rows;
}
