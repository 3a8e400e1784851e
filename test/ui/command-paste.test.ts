/**
 * A command the TUI shows, wrapped to the terminal, pastes back as the same argv: every screen
 * breaks it only between its shell-quoted words, each continued row ending in " \\". The rows are
 * handed to bash exactly as a paste would (indent, " \\" + newline and all), with the program
 * replaced by a function that prints its arguments, so bash only parses and nothing runs.
 */
import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import {
  buildOperatorCommands,
  commandLine,
  type OperatorCommands,
} from '../../source/plan/operator-commands.js';
import type { Command, Plan } from '../../source/plan/types.js';
import { commandRows } from '../../source/ui/command-rows.js';
import { asciiGlyphs, unicodeGlyphs } from '../../source/ui/glyphs.js';
import { revertContent } from '../../source/ui/outcome-content.js';
import { outcomeRows, pendingEntryRows } from '../../source/ui/outcome-text.js';
import { stepRows, verdictRows } from '../../source/ui/plan-view/pane-rows.js';
import { recoverySummaryRows } from '../../source/ui/recovery-text.js';
import type { Row } from '../../source/ui/rows.js';
import { rollbackLiveRows } from '../../source/ui/screens/outcome-screens.js';
import { fakeJournal } from './fake-journal.js';
import { revertOutcome } from './fake-migration.js';
import { quietPlan } from './fixtures.js';

const STATE_DIRS = [
  "/srv/it's my state dir/with many words and more words",
  "/tmp/x/a b'c \x1b[31m red $'\\x1b' d",
];
const NETNS = 'bm  space   heavy   ns';
const WIDTHS = [80, 40];

/** What bash makes of pasted rows: the argv of the one command they hold. */
function pastedArgv(rows: string[]): string[] {
  const [first = '', ...rest] = rows;
  const script = `args() { for a in "$@"; do printf '%s\\0' "$a"; done; }\nargs ${[first.trimStart(), ...rest].join('\n')}`;
  const out = execFileSync('bash', ['--norc', '--noprofile', '-c', script], { encoding: 'utf8', env: {} });
  return out.split('\0').slice(0, -1);
}

/** The rows of the command whose first row starts (after its indent) with `start`. */
function commandAt(rows: Row[], start: string): string[] {
  const texts = rows.map((row) => row.text);
  const at = texts.findIndex((text) => text.trimStart().startsWith(start));
  expect(at, `no row starts with ${start}:\n${texts.join('\n')}`).toBeGreaterThanOrEqual(0);
  let end = at;
  while (texts[end]?.endsWith(' \\')) end++;
  return texts.slice(at, end + 1);
}

function hostile(stateDir: string): OperatorCommands {
  return buildOperatorCommands({ stateDir, netns: NETNS });
}

function withCommands(plan: Plan, stateDir: string): Plan {
  return { ...plan, request: { ...plan.request, commands: hostile(stateDir) } };
}

describe.each(STATE_DIRS)('a command for state dir %j pasted back from the screen', (stateDir) => {
  const { confirm, rollback } = hostile(stateDir);

  it.each(WIDTHS)('countdown / pending outcome at %i columns: keep it and undo it', (width) => {
    const rows = pendingEntryRows(quietPlan(), { commands: hostile(stateDir) }, unicodeGlyphs, width);
    const shown = rows.filter((row) => row.text.trimStart().startsWith('ip netns exec'));
    expect(shown).toHaveLength(2);
    for (const row of rows) if (row.text.endsWith(' \\')) expect(row.tone).toBe('accent');
    expect(pastedArgv(commandAt(rows, 'ip netns exec'))).toEqual(confirm.argv);
    const undo = rows.slice(rows.findIndex((row) => row.text.includes('Undo it')));
    expect(pastedArgv(commandAt(undo, 'ip netns exec'))).toEqual(rollback.argv);
  });

  it.each(WIDTHS)('plan steps pane at %i columns: the commands for another session', (width) => {
    const rows = stepRows(quietPlan(), asciiGlyphs, width, hostile(stateDir));
    const keep = commandAt(rows, 'keep it:').map((row, at) => (at === 0 ? row.replace('keep it:', '') : row));
    const undo = commandAt(rows, 'undo it:').map((row, at) => (at === 0 ? row.replace('undo it:', '') : row));
    expect(pastedArgv(keep)).toEqual(confirm.argv);
    expect(pastedArgv(undo)).toEqual(rollback.argv);
  });

  it.each(WIDTHS)('plan verdicts pane at %i columns: a fix quoting a command keeps it whole', (width) => {
    const plan = withCommands(quietPlan(), stateDir);
    const fix = `Finish it first with \`${commandLine(confirm)}\` or \`${commandLine(rollback)}\`.`;
    const verdict = { id: 'pending', level: 'blocker' as const, reason: 'A migration is pending.', fix };
    const rows = verdictRows({ ...plan, verdicts: [verdict] }, asciiGlyphs, width).map((row) => row.text);
    // A backticked command is never cut: what is between each pair of backticks is one command.
    const spans = rows.join('\n').split('`');
    expect(spans).toHaveLength(5);
    const asRows = (span: string) => span.split('\n');
    expect(pastedArgv(asRows(spans[1] ?? ''))).toEqual(confirm.argv);
    expect(pastedArgv(asRows(spans[3] ?? ''))).toEqual(rollback.argv);
  });

  it.each(WIDTHS)('revert outcome and recovery screen at %i columns: the commands left to run', (width) => {
    const plan = quietPlan();
    const hand: Command[] = [
      {
        kind: 'exec',
        argv: [
          ...['ip', 'netns', 'exec', NETNS],
          ...'ip -4 route replace default via 198.51.100.1 dev ens18 table main metric 100'.split(' '),
        ],
      },
      {
        kind: 'exec',
        argv: ['ip', 'link', 'set', 'dev', 'ens18', 'alias', `it's a long quoted token ${stateDir}`],
      },
    ];
    const revert = revertOutcome(plan, 3, {
      kind: 'revert-incomplete',
      reason: 'operator',
      differences: ['fcbr0 still exists'],
      manualCommands: hand,
    });
    const outcome = outcomeRows(revertContent(revert, null, unicodeGlyphs, { logAbove: true }), width);
    const journal = fakeJournal(plan, {
      phase: 'revert-incomplete',
      outcome: {
        kind: 'revert-incomplete',
        reason: 'operator',
        at: Date.now(),
        differences: revert.differences,
        manualCommands: hand,
        steps: [],
      },
    });
    const watched = {
      reading: {
        journal,
        guardian: { info: null, alive: false, heartbeatAgeMs: null },
        now: Date.now(),
        confirmation: null,
      },
      now: Date.now(),
      windowMs: 120_000,
      localChecks: null,
    };
    const recovery = recoverySummaryRows(watched, unicodeGlyphs, width);
    for (const rows of [outcome, recovery]) {
      expect(pastedArgv(commandAt(rows, 'ip netns exec'))).toEqual(hand[0]?.kind === 'exec' && hand[0].argv);
      expect(pastedArgv(commandAt(rows, 'ip link set'))).toEqual(hand[1]?.kind === 'exec' && hand[1].argv);
    }
  });
});

describe('the guided rollback left incomplete', () => {
  it.each(WIDTHS)('at %i columns keeps each quoted command whole and pasteable', (width) => {
    const commands = hostile(STATE_DIRS[0] ?? '');
    const revert = revertOutcome(quietPlan(), 3, {
      kind: 'revert-incomplete',
      reason: 'operator',
      differences: ['fcbr0 still exists'],
      manualCommands: [{ kind: 'exec', argv: ['ip', 'link', 'del', 'dev', 'fcbr0'] }],
    });
    const rows = rollbackLiveRows(revert, commands, unicodeGlyphs, width).map((row) => row.text);
    const spans = rows.join('\n').split('`');
    expect(spans).toHaveLength(5);
    expect(pastedArgv((spans[1] ?? '').split('\n'))).toEqual(commands.status.argv);
    expect(pastedArgv((spans[3] ?? '').split('\n'))).toEqual(commands.rollback.argv);
  });
});

describe('the row-breaker', () => {
  const layout = { first: '    ', rest: '      ', tone: 'accent' } as const;

  it('leaves a word longer than the width whole on its own row', () => {
    const long = `'${'x'.repeat(50)} y'`;
    const rows = commandRows(['printf', long, 'z'], 40, layout).map((row) => row.text);
    expect(rows).toEqual(['    printf \\', `      ${long} \\`, '      z']);
  });

  it('keeps a command that fits on one row as one row', () => {
    expect(commandRows(['bridge-migrate', 'confirm'], 80, layout)).toEqual([
      { text: '    bridge-migrate confirm', tone: 'accent' },
    ]);
  });
});
