/**
 * One content for an outcome, two renderers: the TUI's log block and the headless report say the
 * same sentences for the same revert or pending change (they once drifted: "What failed" in one,
 * "What happened" in the other), and differ only in layout and in what the screen around them
 * already shows (the keys that work here, the steps and checks the log listed above).
 */
import { describe, expect, it } from 'vitest';
import { outcomeLines, pendingReport, revertReport } from '../../source/cli/report-text.js';
import { DEFAULT_OPERATOR_COMMANDS } from '../../source/plan/operator-commands.js';
import type { ConfirmOutcome } from '../../source/store/app-state.js';
import type { RevertOutcome } from '../../source/txn/engine/engine-api.js';
import { unicodeGlyphs } from '../../source/ui/glyphs.js';
import { confirmedContent, pendingContent, revertContent } from '../../source/ui/outcome-content.js';
import {
  confirmedEntryRows,
  outcomeRows,
  pendingEntryRows,
  revertReportRows,
} from '../../source/ui/outcome-text.js';
import { check, revertOutcome } from './fake-migration.js';
import { quietPlan } from './fixtures.js';

const WIDE = 500;
const commands = DEFAULT_OPERATOR_COMMANDS;

/** The cutover's undo failed (the last step done, so the first undone); the bridge's undo worked. */
function incompleteRevert(): RevertOutcome {
  const outcome = revertOutcome(quietPlan(), 2, {
    kind: 'revert-incomplete',
    reason: 'apply-failed',
    differences: ['route default via 198.51.100.1 dev ens18 is missing'],
    manualCommands: [
      { kind: 'exec', argv: ['ip', 'route', 'replace', 'default', 'via', '198.51.100.1', 'dev', 'ens18'] },
    ],
    checks: [check('gateway-arp', 'ens18')],
  });
  const [cutover, ...rest] = outcome.steps;
  if (!cutover) throw new Error('the plan has no steps');
  const failed = { ...cutover, state: 'revert-failed' as const, message: 'Nexthop has invalid gateway' };
  return { ...outcome, steps: [failed, ...rest] };
}
const incomplete = incompleteRevert();

const tuiText = (rows: Array<{ text: string }>) => rows.map((row) => row.text.trim());
const plainText = (lines: string[]) => lines.map((line) => line.trim());

describe('a revert outcome', () => {
  const failure = 'ip -batch line 3 failed';
  const tui = tuiText(revertReportRows(incomplete, failure, unicodeGlyphs, WIDE));
  const plain = plainText(revertReport(incomplete, failure, unicodeGlyphs));

  it('says the same title, what happened, the differences and the commands in both', () => {
    for (const shared of [
      '✗ Revert incomplete (a step failed): the host still differs from its pre-state.',
      `What happened: ${failure}`,
      '• route default via 198.51.100.1 dev ens18 is missing',
      'Run these as root to finish the revert by hand:',
      'ip route replace default via 198.51.100.1 dev ens18',
    ]) {
      expect(tui, shared).toContain(shared);
      expect(plain, shared).toContain(shared);
    }
    expect([...tui, ...plain].join('\n')).not.toContain('What failed');
  });

  it('lists the steps and checks in the report, and counts them under the log that showed them', () => {
    expect(plain).toContain(
      '✗ not undone: Move ens18 into fcbr0 with its address and routes (Nexthop has invalid gateway)',
    );
    expect(plain).toContain('Checks after the revert:');
    expect(tui).toContain('Undid 1 of 2 steps. Compared with the pre-state, still different:');
    expect(tui.join('\n')).not.toContain('Move ens18 into fcbr0');
  });

  it('says in both what a complete revert did not do (a renderer not reloaded) and the commands that do it', () => {
    const notReloaded: RevertOutcome = {
      ...revertOutcome(quietPlan(), 2, { kind: 'reverted', reason: 'persist-failed' }),
      notDone: ['systemd-networkd was not told to take ens18 back (networkctl reload exited 1: no bus)'],
      manualCommands: [{ kind: 'exec', argv: ['networkctl', 'reload'] }],
    };
    const expected = [
      'Compared with the pre-state: links, addresses, routes and rules are as before.',
      'Not done by the revert:',
      '• systemd-networkd was not told to take ens18 back (networkctl reload exited 1: no bus)',
      'Run these as root to finish the revert by hand:',
      'networkctl reload',
    ];
    for (const lines of [
      plainText(revertReport(notReloaded, null, unicodeGlyphs)),
      tuiText(revertReportRows(notReloaded, null, unicodeGlyphs, WIDE)).flatMap((line) =>
        line.split(/(?<=\.) (?=Compared)/),
      ),
    ]) {
      const at = expected.map((line) => lines.indexOf(line));
      expect(
        at.every((index) => index >= 0),
        lines.join('\n'),
      ).toBe(true);
      expect([...at].sort((a, b) => a - b)).toEqual(at);
    }
  });

  it('says "No checks ran" in both when none ran after steps were undone', () => {
    const unchecked = { ...incomplete, checks: [] };
    expect(tuiText(revertReportRows(unchecked, null, unicodeGlyphs, WIDE))).toContain(
      'No checks ran after the revert.',
    );
    expect(plainText(revertReport(unchecked, null, unicodeGlyphs))).toContain(
      'No checks ran after the revert.',
    );
  });
});

describe('a pending change', () => {
  const plan = quietPlan();

  it('says the same title and guardian sentence; the TUI adds the keys that work there, the report the deadline', () => {
    const tui = tuiText(pendingEntryRows(plan, { commands }, unicodeGlyphs, WIDE));
    const guardian = { pid: 4242, mode: 'detached' as const, startedAt: 0, heartbeatAt: 0 };
    const plain = plainText(
      pendingReport({ plan, deadline: 120_000, now: 0, guardian, commands }, unicodeGlyphs),
    );
    const title = '✓ Applied and verified: ens18 → fcbr0 is live and pending confirmation.';
    expect(tui[0]).toBe(title);
    expect(plain[0]).toBe(title);
    expect(tui).toContain(
      'The guardian reverts the change at the deadline unless it is confirmed, even if this session is lost.',
    );
    expect(plain).toContain(
      'The guardian (pid 4242, detached) reverts the change at the deadline unless it is confirmed, even if this session is lost.',
    );
    expect(tui).toContain('Keep it: c here, or from a NEW SSH session (proves the new path works):');
    expect(plain).toContain('Keep it: from a NEW SSH session (proves the new path works):');
    expect(tui).toContain('Undo it: r here, or from any session:');
    expect(plain).toContain('Undo it: from any session:');
    expect(plain[1]).toMatch(/^Deadline: \d\d:\d\d:\d\d by this host's clock, 120 s from now\.$/);
    expect(tui.join('\n')).not.toContain('Deadline:');
  });
});

describe('a confirmed change', () => {
  const plan = quietPlan();
  const rows = (confirmation: ConfirmOutcome) => {
    const facts = { plan, confirmation, elsewhere: false, rollback: commands.rollback };
    return {
      tui: confirmedEntryRows(plan, facts, unicodeGlyphs, WIDE).map((row) => row.text),
      plain: outcomeLines(confirmedContent(facts, unicodeGlyphs)),
    };
  };

  it('says the same title, steps, note and undo command in both while the journal is open', () => {
    const { tui, plain } = rows({ journalPhase: 'confirmed', note: 'The config is still to persist.' });
    for (const shared of [
      '✓ Confirmed: ens18 → fcbr0 is kept.',
      'What changed:',
      `1. ${plan.steps[0]?.title}`,
      'The config is still to persist.',
      'Undo it with:',
      'bridge-migrate rollback --yes',
    ]) {
      expect(tuiText(tui.map((text) => ({ text }))), shared).toContain(shared);
      expect(plainText(plain), shared).toContain(shared);
    }
  });

  it('prints the inverses of a finished runtime-only change at the start of the line in both', () => {
    const { tui, plain } = rows({ journalPhase: 'persisted', note: 'Nothing is written to disk.' });
    const heading = 'To undo it without a reboot, run as root, last step first:';
    expect(tuiText(tui.map((text) => ({ text })))).toContain(heading);
    expect(plain).toContain(heading);
    const firstInverse = plain[plain.indexOf(heading) + 1] ?? '';
    expect(firstInverse).not.toMatch(/^\s/);
    expect(firstInverse.length).toBeGreaterThan(0);
    expect(tui).toContain(firstInverse);
  });
});

describe('the two renderers', () => {
  const content = revertContent(
    incomplete,
    'a failure long enough to wrap on a narrow terminal',
    unicodeGlyphs,
    {
      logAbove: true,
    },
  );

  it('the TUI indents blocks by two and items by four, wraps hanging, and puts commands on rows of their own', () => {
    const rows = outcomeRows(content, 40).map((row) => row.text);
    expect(rows).toEqual([
      '✗ Revert incomplete (a step failed): the',
      '  host still differs from its pre-state.',
      '  What happened: a failure long enough',
      '    to wrap on a narrow terminal',
      '  Undid 1 of 2 steps. Compared with the',
      '  pre-state, still different:',
      '    • route default via 198.51.100.1 dev',
      '      ens18 is missing',
      '  Run these as root to finish the revert',
      '  by hand:',
      '    ip route replace default via \\',
      '      198.51.100.1 dev ens18',
    ]);
  });

  it('the report indents items by two, wraps nothing, and escapes control characters', () => {
    const hostile = pendingContent(
      {
        plan: quietPlan(),
        guardian: true,
        deadline: null,
        commands: { ...commands, confirm: { kind: 'exec', argv: ['x\u001b[2Jy'] } },
        keys: null,
      },
      unicodeGlyphs,
    );
    const lines = outcomeLines(hostile);
    expect(lines).toContain("  $'x\\x1b[2Jy'");
    expect(outcomeLines(content)).toContain('  • route default via 198.51.100.1 dev ens18 is missing');
  });
});
