/**
 * The whole plan as plain text, for `bridge-migrate plan` and for runs whose stdin is not a
 * terminal. Same content as the preview (topology, verdicts, every command with its exact
 * inverse, config diffs, deadline, confirm/rollback commands) without a width limit or color, so
 * it can be piped, mailed or pasted into a ticket. Pure.
 */

import { commandText } from '../plan/command-text.js';
import { commandLine, type OperatorCommands, planCommands } from '../plan/operator-commands.js';
import type { Command, Plan, ReplaySource, Step, VerdictLevel } from '../plan/types.js';
import { plural, unacknowledgedWarnings, verdictsAt } from '../store/plan-gate.js';
import { asciiGlyphs, type Glyphs, unicodeGlyphs } from './glyphs.js';
import { topologyLines } from './topology-text.js';

const LEVELS: VerdictLevel[] = ['blocker', 'warning', 'info'];
const LEVEL_TAG: Record<VerdictLevel, string> = {
  blocker: '[BLOCKER]',
  warning: '[WARNING]',
  info: '[info]   ',
};

export function renderPlanText(
  plan: Plan,
  options: { ascii: boolean; commands?: Pick<OperatorCommands, 'confirm' | 'rollback'> },
): string {
  const glyphs = options.ascii ? asciiGlyphs : unicodeGlyphs;
  const sections = [
    headerSection(plan, glyphs),
    topologySection(plan, glyphs),
    verdictSection(plan, glyphs),
    stepSection(plan, glyphs),
    configSection(plan, glyphs),
    deadlineSection(plan, options.commands ?? planCommands(plan.request)),
  ];
  return `${sections.map((lines) => lines.join('\n')).join('\n\n')}\n`;
}

function headerSection(plan: Plan, glyphs: Glyphs): string[] {
  // A replayed plan pasted into a ticket must not pass for the live host's: it says so first.
  const replay = plan.replay
    ? [
        `REPLAY: ${replayLine(plan.replay, glyphs)}`,
        '  not this host: nothing was probed live, and nothing here can be applied',
      ]
    : [];
  return [
    ...replay,
    `bridge-migrate plan: ${plan.nic} ${glyphs.arrow} ${plan.bridge}${plan.replay ? ' (REPLAY)' : ''}`,
    `  persist with: ${plan.persistWith}`,
    `  deadline: ${plan.deadlineSec} s`,
    plan.replay
      ? `  recording ${plan.replay.origin}: ${glyphs.text(plan.replay.capturedAt)} (replayed ${plan.snapshotTakenAt})`
      : `  host snapshot taken: ${plan.snapshotTakenAt}`,
  ];
}

/** The recording's name, file and capture time, for every replay header (text and TUI). */
export function replayLine(replay: ReplaySource, glyphs: Glyphs): string {
  return glyphs.text(`recording "${replay.name}" (${replay.file}), ${replay.origin} ${replay.capturedAt}`);
}

function topologySection(plan: Plan, glyphs: Glyphs): string[] {
  const indent = (lines: string[]) => lines.map((line) => `    ${line}`);
  return [
    'Topology',
    '  before:',
    ...indent(topologyLines(plan.topology.before, glyphs)),
    '  after:',
    ...indent(topologyLines(plan.topology.after, glyphs)),
  ];
}

function verdictSection(plan: Plan, glyphs: Glyphs): string[] {
  const count = (level: VerdictLevel) => verdictsAt(plan, level).length;
  // "info" is a mass noun: "2 info", not "2 infos".
  const counts = `${plural(count('blocker'), 'blocker')}, ${plural(count('warning'), 'warning')}, ${count('info')} info`;
  const lines = [`Verdicts (${counts})`];
  if (plan.verdicts.length === 0) lines.push('  none: nothing stands in the way');
  for (const level of LEVELS) {
    for (const verdict of verdictsAt(plan, level)) {
      lines.push(`  ${LEVEL_TAG[level]} ${glyphs.text(verdict.reason)}`);
      lines.push(`            fix: ${glyphs.text(verdict.fix)}`);
    }
  }
  if (plan.blocked)
    lines.push('  This plan is blocked: nothing can be applied until every blocker is fixed.');
  const warnings = unacknowledgedWarnings(plan, false);
  if (!plan.blocked && warnings > 0) {
    lines.push(`  ${plural(warnings, 'warning')} must be acknowledged before applying.`);
  }
  return lines;
}

function stepSection(plan: Plan, glyphs: Glyphs): string[] {
  if (plan.steps.length === 0) return ['Steps', '  none (the plan is blocked)'];
  return ['Steps', ...plan.steps.flatMap((step, index) => stepLines(step, index, glyphs))];
}

function stepLines(step: Step, index: number, glyphs: Glyphs): string[] {
  const mark = step.disruptive ? '  (disruptive: runs as one batch)' : '';
  return [
    `  ${index + 1}. ${glyphs.text(step.title)}${mark}`,
    `     ${glyphs.text(step.detail)}`,
    '     run:',
    ...commandBlock(step.commands, glyphs),
    '     undo (exact inverse):',
    ...commandBlock(step.inverse, glyphs),
  ];
}

function commandBlock(commands: readonly Command[], glyphs: Glyphs): string[] {
  if (commands.length === 0) return ['       (nothing)'];
  return commands.flatMap((command) =>
    commandText(command).map((line, at) => `${at === 0 ? '       $ ' : '         '}${glyphs.text(line)}`),
  );
}

function configSection(plan: Plan, glyphs: Glyphs): string[] {
  if (plan.config.length === 0)
    return ['Config', `  nothing persistent is written (persist: ${plan.persistWith})`];
  return [
    // Written at confirm, under the guardian's fresh deadline (txn/persist/persist.ts).
    'Config (written at confirm: backed up, checked, then handed over)',
    ...plan.config.flatMap((file) => [
      `  ${file.path} (${file.renderer}): ${glyphs.text(file.note)}`,
      ...(file.diff.trim() === ''
        ? ['    (no change)']
        : file.diff
            .replace(/\n$/, '')
            .split('\n')
            .map((line) => `    ${glyphs.text(line)}`)),
    ]),
  ];
}

/** The commands name this run's --state-dir when it is not the default (the caller knows it). */
function deadlineSection(plan: Plan, commands: Pick<OperatorCommands, 'confirm' | 'rollback'>): string[] {
  // A blocked plan is never applied: a deadline and confirm/rollback commands would read as if it
  // could be.
  if (plan.blocked)
    return [
      'Deadline',
      '  none: the plan is blocked, so nothing is applied and nothing waits for a confirmation.',
    ];
  return [
    'Deadline',
    ...(plan.replay ? ['  (REPLAY: these commands are for the recorded host, after an apply there)'] : []),
    `  After the cutover the change is reverted automatically after ${plan.deadlineSec} s unless it is confirmed.`,
    `  Confirm (best from a new SSH session): ${commandLine(commands.confirm)}`,
    `  Roll back now:                         ${commandLine(commands.rollback)}`,
  ];
}
