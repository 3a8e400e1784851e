import type { Key } from 'ink';
import { describe, expect, it } from 'vitest';
import { packHints } from '../../source/ui/components/key-hints.js';
import { asciiGlyphs, chooseGlyphs, colorEnabled, toAscii, unicodeGlyphs } from '../../source/ui/glyphs.js';
import {
  bindingFor,
  firstKeyLabel,
  hintsFor,
  KEY_BINDINGS,
  type KeyBinding,
  type KeyContext,
  keyLabel,
  keysLabel,
  yesNoLabel,
} from '../../source/ui/keys.js';
import { clip, wrap } from '../../source/ui/text-fit.js';

describe('chooseGlyphs', () => {
  it.each([
    [{ LANG: 'en_US.UTF-8', TERM: 'xterm-256color' }, false],
    [{ LANG: 'de_DE.utf8', TERM: 'screen' }, false],
    [{ LANG: 'C', TERM: 'xterm' }, true],
    [{ TERM: 'xterm' }, true],
    [{ LANG: 'en_US.UTF-8', LC_ALL: 'POSIX', TERM: 'xterm' }, true],
    [{ LANG: 'C', LC_CTYPE: 'C.UTF-8', TERM: 'xterm' }, false],
    [{ LC_ALL: 'C.UTF-8', LC_CTYPE: 'C', TERM: 'xterm' }, false],
    [{ LANG: 'en_US.UTF-8', TERM: 'linux' }, true],
    [{ LANG: 'en_US.UTF-8', TERM: 'vt100' }, true],
    [{ LANG: 'en_US.UTF-8', TERM: 'dumb' }, true],
  ])('%j -> ascii %s', (env, ascii) => {
    expect(chooseGlyphs(env).ascii).toBe(ascii);
  });

  it('keeps the ASCII set entirely ASCII', () => {
    const values = Object.values(asciiGlyphs).flatMap((value) =>
      typeof value === 'string' ? [value] : Array.isArray(value) ? value : [],
    );
    expect(values.join('')).toMatch(/^[\x20-\x7e]+$/);
    expect(unicodeGlyphs.spinner.length).toBeGreaterThan(1);
  });

  it('rewrites typography to ASCII and anything else to "?"', () => {
    expect(toAscii('ens18 → fcbr0 — “ok”… 日本')).toBe('ens18 -> fcbr0 -- "ok"... ??');
  });
});

describe('colorEnabled', () => {
  it('follows NO_COLOR (any non-empty value) and TERM=dumb', () => {
    expect(colorEnabled({ TERM: 'xterm' })).toBe(true);
    expect(colorEnabled({ TERM: 'xterm', NO_COLOR: '1' })).toBe(false);
    expect(colorEnabled({ TERM: 'xterm', NO_COLOR: '' })).toBe(true);
    expect(colorEnabled({ TERM: 'dumb' })).toBe(false);
  });
});

describe('text fitting', () => {
  it('cuts with the glyph set ellipsis', () => {
    expect(clip('abcdefghij', 6, unicodeGlyphs)).toBe('abcde…');
    expect(clip('abcdefghij', 6, asciiGlyphs)).toBe('abc...');
    expect(clip('abc', 6, asciiGlyphs)).toBe('abc');
  });

  it('wraps at spaces, indents continuation rows, and hard-breaks long words', () => {
    expect(wrap('one two three four', 9, '  ')).toEqual(['one two', '  three', '  four']);
    expect(wrap('abcdefghijkl', 5)).toEqual(['abcde', 'fghij', 'kl']);
    expect(wrap('    $ averyveryverylongword', 10, '      ')).toEqual([
      '    $',
      '      aver',
      '      yver',
      '      yver',
      '      ylon',
      '      gwor',
      '      d',
    ]);
    for (const row of wrap('x '.repeat(200), 17, '     ')) expect([...row].length).toBeLessThanOrEqual(17);
  });
});

const NO_KEY: Key = {
  upArrow: false,
  downArrow: false,
  leftArrow: false,
  rightArrow: false,
  pageDown: false,
  pageUp: false,
  home: false,
  end: false,
  return: false,
  escape: false,
  ctrl: false,
  shift: false,
  tab: false,
  backspace: false,
  delete: false,
  meta: false,
  super: false,
  hyper: false,
  capsLock: false,
  numLock: false,
};

describe('the keybinding table', () => {
  const contexts: KeyContext[] = ['probing', 'preview', 'confirm', 'busy', 'result', 'help'];

  it('never binds one key twice in a context', () => {
    for (const context of contexts) {
      const specs = KEY_BINDINGS.filter((b) => b.contexts.includes(context)).flatMap((b) =>
        b.keys.map((k) => JSON.stringify(k)),
      );
      expect(new Set(specs).size, context).toBe(specs.length);
    }
  });

  it('maps keys to bindings by context', () => {
    const label = (binding: KeyBinding | null) => (binding ? keysLabel(binding.id) : null);
    expect(label(bindingFor('preview', '', { ...NO_KEY, tab: true }))).toBe('Tab');
    expect(label(bindingFor('preview', '', { ...NO_KEY, tab: true, shift: true }))).toBe('Shift-Tab');
    expect(label(bindingFor('preview', 'q', NO_KEY))).toBe('Esc/q');
    expect(label(bindingFor('preview', 'c', { ...NO_KEY, ctrl: true }))).toBe('Ctrl-C');
    expect(bindingFor('preview', 'y', NO_KEY)).toBeNull();
    expect(label(bindingFor('confirm', 'y', NO_KEY))).toBe('y');
    expect(label(bindingFor('confirm', '', { ...NO_KEY, return: true }))).toBe('n/Enter');
    expect(bindingFor('busy', 'j', NO_KEY)).toBeNull();
  });

  it('gives every binding its own command id', () => {
    const ids = KEY_BINDINGS.map((binding) => binding.id);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('names in a sentence the letter of a binding, else its first key', () => {
    const commands = ['back', 'confirm', 'apply', 'page-down'] as const;
    expect(commands.map(keyLabel)).toEqual(['q', 'c', 'Enter', 'PgDn']);
    // The first key, every key, and a question's answers (N upper case: the default).
    expect([firstKeyLabel('back'), keysLabel('page-down'), yesNoLabel('apply-yes', 'apply-no')]).toEqual([
      'Esc',
      'PgDn/Space',
      'y/N',
    ]);
  });

  it('changes the a and Enter hints once warnings are acknowledged', () => {
    const base = {
      context: 'preview' as const,
      phase: 'planned' as const,
      blocked: false,
      dryRun: false,
      canApply: false,
      journalPhase: null,
      detailsOpen: false,
      remoteRevert: false,
      planAgain: false,
    };
    const before = hintsFor({ ...base, warningsPending: 2 });
    const after = hintsFor({ ...base, warningsPending: 0 });
    expect(before).toContainEqual({ label: 'a', text: 'acknowledge 2 warnings' });
    expect(before).toContainEqual({ label: 'Enter', text: 'apply (ack first)' });
    expect(after.find((hint) => hint.label === 'a')).toBeUndefined();
    expect(after).toContainEqual({ label: 'Enter', text: 'apply' });
  });

  it('packs hints into the rows without cutting one in half', () => {
    const hints = hintsFor({
      context: 'preview',
      phase: 'planned',
      warningsPending: 12,
      blocked: false,
      dryRun: true,
      canApply: false,
      journalPhase: null,
      detailsOpen: false,
      remoteRevert: false,
      planAgain: false,
    });
    const rows = packHints(hints, 40, 3);
    for (const row of rows)
      expect(row.map((h) => `${h.label} ${h.text}`).join('  ').length).toBeLessThanOrEqual(40);
    expect(rows.flat().map((h) => h.label)).toEqual(hints.slice(0, rows.flat().length).map((h) => h.label));
    expect(packHints(hints, 200, 1)).toEqual([hints]);
  });
});
