import { commandLine, type ExecCommand } from '../plan/operator-commands.js';
import type { Plan } from '../plan/types.js';
import type { ConfirmOutcome, OperatorCommands } from '../store/app-state.js';
import type { RevertOutcome } from '../txn/engine/engine-api.js';
import { commandRows } from './command-rows.js';
import type { Glyphs } from './glyphs.js';
import { keyLabel } from './keys.js';
import { confirmedContent, type OutcomeContent, pendingContent, revertContent } from './outcome-content.js';
import { type Row, wrapped } from './rows.js';

const COMMAND_INDENT = '    ';
const CONTINUED_INDENT = '      ';

/**
 * A command line on rows of its own, so it can be copied whole: broken between its words only
 * (command-rows.ts). A flush line (a here-document's) starts at the first column, where its EOF
 * ends it; its continued rows are still indented, to read as part of it.
 */
function commandItemRows(words: readonly string[], width: number, flush: boolean): Row[] {
  return commandRows(words, width, {
    first: flush ? '' : COMMAND_INDENT,
    rest: flush ? '  ' : CONTINUED_INDENT,
    tone: 'accent',
  });
}

/**
 * An outcome (outcome-content.ts) as rows: the title, each block's line indented by two, its
 * items by four, each command on rows of its own so it can be copied whole.
 */
export function outcomeRows(content: OutcomeContent, width: number): Row[] {
  const rows = wrapped(content.title, content.tone, width, '  ');
  for (const block of content.blocks) {
    rows.push(...wrapped(`  ${block.text}`, block.tone, width, block.hang ? '    ' : '  '));
    for (const item of block.items) {
      if (item.kind === 'command') rows.push(...commandItemRows(item.words, width, item.flush === true));
      else rows.push(...wrapped(`    ${item.text}`, item.tone, width, `    ${' '.repeat(item.hang)}`));
    }
  }
  return rows;
}

export function pendingEntryRows(
  plan: Plan,
  entry: { commands: OperatorCommands },
  glyphs: Glyphs,
  width: number,
): Row[] {
  const content = pendingContent(
    {
      plan,
      guardian: true,
      // The countdown under the log shows the deadline, live.
      deadline: null,
      commands: entry.commands,
      keys: { confirm: keyLabel('confirm'), rollback: keyLabel('rollback') },
    },
    glyphs,
  );
  return outcomeRows(content, width);
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
  // The log above showed each step undone and each check as it happened.
  return outcomeRows(revertContent(revert, failure, glyphs, { logAbove: true }), width);
}

export function confirmedEntryRows(
  plan: Plan,
  entry: { confirmation: ConfirmOutcome; elsewhere: boolean; rollback: ExecCommand },
  glyphs: Glyphs,
  width: number,
): Row[] {
  return outcomeRows(confirmedContent({ plan, ...entry }, glyphs), width);
}
