/**
 * The copyable command rows of the outcome blocks: a command too long for the terminal is broken
 * between words with shell continuations, never inside a quoted word, so that pasting the rows
 * into a root shell runs exactly the command shown.
 */
import { describe, expect, it } from 'vitest';
import { DEFAULT_OPERATOR_COMMANDS } from '../../source/plan/operator-commands.js';
import { commandRows } from '../../source/ui/command-rows.js';
import { asciiGlyphs } from '../../source/ui/glyphs.js';
import { confirmedEntryRows } from '../../source/ui/outcome-text.js';
import { proxmoxPlan } from './fixtures.js';

/** What a shell makes of the rows: backslash-newline removed, words split on whitespace. */
function pasted(rows: string[]): string[] {
  const joined = rows.join('\n').replace(/ \\\n/g, ' ');
  const words: string[] = [];
  for (const match of joined.matchAll(/'[^']*'|\S+/g)) words.push(match[0]);
  return words;
}

const LAYOUT = { first: '    ', rest: '      ', tone: 'accent' } as const;

describe('commandRows', () => {
  it('keeps a command that fits on one row, indented', () => {
    expect(commandRows(['bridge-migrate', 'confirm'], 80, LAYOUT)).toEqual([
      { text: '    bridge-migrate confirm', tone: 'accent' },
    ]);
  });

  it('breaks a long command between words, each continued row ending in a backslash', () => {
    const words = [
      ...'udhcpc -f -i ens18 -t 5 -T 1 -s /tmp/bm605767-3HLUIf/bm605767-h.ens18.udhcpc.sh -x'.split(' '),
      "'hostname:lab host'",
      '&',
    ];
    const command = words.join(' ');
    const rows = commandRows(words, 60, LAYOUT).map((row) => row.text);
    expect(rows.length).toBeGreaterThan(1);
    for (const row of rows) expect(row.length).toBeLessThanOrEqual(60);
    for (const row of rows.slice(0, -1)) expect(row.endsWith(' \\')).toBe(true);
    expect(rows.some((row) => row.includes("'hostname:lab host'"))).toBe(true);
    expect(pasted(rows)).toEqual(pasted([command]));
  });

  it('without indent (here-document lines), continued rows stay visibly part of the line', () => {
    const rows = commandRows(
      'route replace default via 198.51.100.1 dev ens18 proto dhcp metric 100 table main'.split(' '),
      40,
      { first: '', rest: '  ', tone: 'accent' },
    );
    expect(rows[0]?.text.startsWith('route replace')).toBe(true);
    expect(rows[1]?.text.startsWith('  ')).toBe(true);
  });
});

describe('the inverses shown after a runtime-only change is confirmed', () => {
  const confirmed = (netns: string | null) => {
    const plan = proxmoxPlan();
    const inLab = { ...plan, request: { ...plan.request, netns } };
    const entry = {
      confirmation: { journalPhase: 'persisted' as const, note: 'runtime only' },
      elsewhere: false,
      rollback: DEFAULT_OPERATOR_COMMANDS.rollback,
    };
    return confirmedEntryRows(inLab, entry, asciiGlyphs, 200).map((row) => row.text);
  };

  it("act in the lab's namespace when the plan was made in one: every command's first line", () => {
    const rows = confirmed('bm-x-host');
    const undo = rows.slice(rows.findIndex((row) => row.includes('last step first')) + 1);
    const firsts = undo.filter(
      (row) => /^\s*(ip|dhclient|udhcpc|\/|ip netns)/.test(row) && !/^\s*(addr|route|link|rule) /.test(row),
    );
    expect(firsts.length).toBeGreaterThan(1);
    for (const row of firsts) expect(row.trimStart()).toMatch(/^ip netns exec bm-x-host /);
  });

  it('are the bare commands on the host itself', () => {
    expect(confirmed(null).join('\n')).not.toContain('ip netns exec');
  });
});
