/**
 * Every symbol the UI draws comes from one of two sets, so a Linux console, noVNC or a serial line
 * (no UTF-8 font, or a C locale) gets a screen made only of ASCII instead of mojibake. Plan text
 * that reaches the screen (reasons, notes, diffs) goes through `text()` for the same reason, and
 * because it carries host text: `text()` escapes control characters first (plan/display-text.ts).
 */
import { displaySafe } from '../plan/display-text.js';

export type Environment = Readonly<Record<string, string | undefined>>;

export interface Glyphs {
  ascii: boolean;
  arrow: string;
  ok: string;
  failed: string;
  pending: string;
  /** A step that was undone. */
  reverted: string;
  blocker: string;
  warning: string;
  info: string;
  branch: string;
  ellipsis: string;
  up: string;
  down: string;
  bullet: string;
  vertical: string;
  /** The countdown's progress bar: time left, time gone. */
  barFull: string;
  barEmpty: string;
  spinner: readonly string[];
  /** Makes plan-supplied text safe for this glyph set and for the terminal (control characters escaped). */
  text(value: string): string;
}

export const unicodeGlyphs: Glyphs = {
  ascii: false,
  arrow: '→',
  ok: '✓',
  failed: '✗',
  pending: '·',
  reverted: '↺',
  blocker: '✗',
  warning: '!',
  info: 'i',
  branch: '└─',
  ellipsis: '…',
  up: '↑',
  down: '↓',
  bullet: '•',
  vertical: '│',
  barFull: '█',
  barEmpty: '░',
  spinner: ['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧', '⠇', '⠏'],
  text: (value) => displaySafe(value),
};

export const asciiGlyphs: Glyphs = {
  ascii: true,
  arrow: '->',
  ok: '+',
  failed: 'x',
  pending: '.',
  reverted: '<',
  blocker: 'X',
  warning: '!',
  info: 'i',
  branch: '`-',
  ellipsis: '...',
  up: '^',
  down: 'v',
  bullet: '*',
  vertical: '|',
  barFull: '#',
  barEmpty: '-',
  spinner: ['-', '\\', '|', '/'],
  text: (value) => toAscii(displaySafe(value)),
};

const ASCII_REPLACEMENTS: Record<string, string> = {
  '→': '->',
  '←': '<-',
  '↔': '<->',
  '—': '--',
  '–': '-',
  '…': '...',
  '‘': "'",
  '’': "'",
  '“': '"',
  '”': '"',
  '•': '*',
  '·': '.',
  '↺': '<',
  '✓': '+',
  '✗': 'x',
  '≥': '>=',
  '≤': '<=',
  '×': 'x',
  '\u00a0': ' ',
};

/** Common typography becomes its ASCII spelling; anything else outside ASCII becomes "?". */
export function toAscii(value: string): string {
  let out = '';
  for (const char of value) {
    const code = char.codePointAt(0) ?? 0;
    if (code < 0x80) out += char;
    else out += ASCII_REPLACEMENTS[char] ?? '?';
  }
  return out;
}

// The Linux virtual console and old serial terminals draw only a small code page; braille
// spinners and box corners come out as garbage there even when the locale claims UTF-8.
const ASCII_TERMINALS = new Set(['linux', 'vt100', 'vt102', 'vt220', 'dumb', 'ansi']);

/**
 * POSIX locale precedence: LC_ALL overrides LC_CTYPE, which overrides LANG; none set means the
 * "C" locale, which is not UTF-8.
 */
export function chooseGlyphs(env: Environment): Glyphs {
  const term = (env.TERM ?? '').toLowerCase();
  if (ASCII_TERMINALS.has(term)) return asciiGlyphs;
  const locale =
    [env.LC_ALL, env.LC_CTYPE, env.LANG].find((value) => value !== undefined && value !== '') ?? '';
  return /utf-?8/i.test(locale) ? unicodeGlyphs : asciiGlyphs;
}

/** https://no-color.org: NO_COLOR set to any non-empty value disables color; so does TERM=dumb. */
export function colorEnabled(env: Environment): boolean {
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== '') return false;
  return (env.TERM ?? '').toLowerCase() !== 'dumb';
}
