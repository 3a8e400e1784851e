/**
 * The preview's three panes as rows: verdicts, steps (each command and its inverse, exactly), and
 * the persistent config diff. Pure functions of the plan, the glyph set and the width.
 */

import { commandWords } from '../../plan/command-text.js';
import { type ExecCommand, type OperatorCommands, planCommands } from '../../plan/operator-commands.js';
import type { Command, Plan, Step, Verdict, VerdictLevel } from '../../plan/types.js';
import type { PaneId } from '../../store/phase.js';
import { commandRows, proseRows, quotableCommands } from '../command-rows.js';
import type { Glyphs } from '../glyphs.js';
import { type Row, type Tone, wrapped } from '../rows.js';

const LEVEL_ORDER: VerdictLevel[] = ['blocker', 'warning', 'info'];
const LEVEL_LABEL: Record<VerdictLevel, string> = { blocker: 'BLOCKER', warning: 'WARNING', info: 'info' };

export function verdictRows(plan: Plan, glyphs: Glyphs, width: number): Row[] {
  if (plan.verdicts.length === 0) return [{ text: 'No findings: nothing stands in the way.', tone: 'ok' }];
  const sorted = LEVEL_ORDER.flatMap((level) => plan.verdicts.filter((verdict) => verdict.level === level));
  // The commands a fix may quote, as words: a long one is broken between them, never inside one.
  const known = quotableCommands(planCommands(plan.request));
  return sorted.flatMap((verdict) => verdictBlock(verdict, glyphs, width, known));
}

function verdictBlock(verdict: Verdict, glyphs: Glyphs, width: number, known: string[][]): Row[] {
  const symbol = glyphs[verdict.level];
  const head = `${symbol} ${LEVEL_LABEL[verdict.level]} ${glyphs.text(verdict.reason)}`;
  return [
    ...wrapped(head, verdict.level, width, '  '),
    ...proseRows(`  fix: ${glyphs.text(verdict.fix)}`, 'dim', width, '       ', known),
  ];
}

export type OtherSessionCommands = Pick<OperatorCommands, 'confirm' | 'rollback'>;

export function stepRows(plan: Plan, glyphs: Glyphs, width: number, commands?: OtherSessionCommands): Row[] {
  if (plan.steps.length === 0) return [{ text: 'No steps: the plan is blocked.', tone: 'dim' }];
  return [
    ...(commands ? otherSessionRows(commands, width) : []),
    ...plan.steps.flatMap((step, index) => stepBlock(step, index, glyphs, width)),
  ];
}

/**
 * First in the steps pane: the exact commands for another session, wrapped rather than cut (with
 * a --state-dir they rarely fit the header line), so they can be copied before the cutover.
 */
function otherSessionRows(commands: OtherSessionCommands, width: number): Row[] {
  return [
    { text: 'From another session, once applied:', tone: 'title' },
    ...labelledCommand('   keep it: ', commands.confirm, width),
    ...labelledCommand('   undo it: ', commands.rollback, width),
  ];
}

function labelledCommand(label: string, command: ExecCommand, width: number): Row[] {
  const words = commandWords(command)[0] ?? [];
  return commandRows(words, width, { first: label, rest: ' '.repeat(label.length), tone: 'accent' });
}

function stepBlock(step: Step, index: number, glyphs: Glyphs, width: number): Row[] {
  const mark = step.disruptive ? ' (disruptive, one batch)' : '';
  return [
    ...wrapped(
      `${index + 1}. ${glyphs.text(step.title)}${mark}`,
      step.disruptive ? 'warning' : 'title',
      width,
      '   ',
    ),
    ...wrapped(`   ${glyphs.text(step.detail)}`, 'dim', width, '   '),
    { text: '   run:', tone: 'accent' },
    ...stepCommandRows(step.commands, glyphs, width),
    { text: '   undo:', tone: 'accent' },
    ...stepCommandRows(step.inverse, glyphs, width),
  ];
}

/**
 * Commands are shown exactly (argv is ASCII in practice; the ASCII glyph set would only touch a
 * character the terminal could not draw anyway). A long line is broken between its words only,
 * each continued row ending in " \\" and indented under its command (command-rows.ts).
 */
function stepCommandRows(commands: readonly Command[], glyphs: Glyphs, width: number): Row[] {
  if (commands.length === 0) return [{ text: '     (nothing)', tone: 'dim' }];
  return commands.flatMap((command) =>
    commandWords(command).flatMap((words, at) =>
      commandRows(
        words.map((word) => glyphs.text(word)),
        width,
        { first: at === 0 ? '     $ ' : '       ', rest: '         ', tone: 'plain' },
      ),
    ),
  );
}

export function configRows(plan: Plan, glyphs: Glyphs, width: number): Row[] {
  if (plan.config.length === 0) {
    return [{ text: `Nothing persistent is written (persist: ${plan.persistWith}).`, tone: 'dim' }];
  }
  return plan.config.flatMap((file) => [
    ...wrapped(`${file.path} (${file.renderer})`, 'title', width, '  '),
    ...wrapped(`  ${glyphs.text(file.note)}`, 'dim', width, '  '),
    ...(file.diff.trim() === ''
      ? [{ text: '  (no change)', tone: 'dim' as const }]
      : file.diff
          .replace(/\n$/, '')
          .split('\n')
          .filter((line) => !isPatchPreamble(line))
          .flatMap((line) => wrapped(glyphs.text(line), diffTone(line), width, ' '))),
  ]);
}

/** jsdiff's "Index:" and "====" lines repeat the path shown above; on 80x24 every row counts. */
function isPatchPreamble(line: string): boolean {
  return line.startsWith('Index: ') || /^=+$/.test(line);
}

export function diffTone(line: string): Tone {
  if (line.startsWith('+++') || line.startsWith('---')) return 'dim';
  if (line.startsWith('@@')) return 'hunk';
  if (line.startsWith('+')) return 'add';
  if (line.startsWith('-')) return 'remove';
  return 'plain';
}

export const PANE_TITLES: Record<PaneId, string> = {
  verdicts: 'Verdicts',
  steps: 'Steps',
  config: 'Config diff',
};

export function paneRows(
  pane: PaneId,
  plan: Plan,
  glyphs: Glyphs,
  width: number,
  commands?: OtherSessionCommands,
): Row[] {
  switch (pane) {
    case 'verdicts':
      return verdictRows(plan, glyphs, width);
    case 'steps':
      return stepRows(plan, glyphs, width, commands);
    case 'config':
      return configRows(plan, glyphs, width);
  }
}
