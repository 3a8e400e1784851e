/**
 * Text from the host (a process's argv, interface names and aliases, profile names, file content)
 * is written by whoever controls that host object, and reaches the operator's terminal. A control
 * character in it would act on the terminal instead of being shown: ESC and the C1 CSI (U+009B)
 * start escape sequences that move the cursor, rewrite lines or retitle the window; a newline
 * fakes a line of its own; the Unicode bidi controls (Trojan Source, CVE-2021-42574) reorder what
 * is displayed. So every text shown passes through `displaySafe`, which spells each of them as an
 * escape the way bash's $'...' reads it: `\n`, `\t`, `\r`, `\xHH` for the other C0 controls and
 * DEL, `\uHHHH` for C1 controls, bidi controls, the Unicode line separators and the invisible
 * format characters, `\UHHHHHHHH` for the tag characters. Everything else,
 * backslashes included, is left as it is, so applying it twice changes nothing.
 */

/**
 * Besides the controls and bidi marks: the invisible format characters, which make two names that
 * look the same differ (`fcbr0` and `fc\u200bbr0`) or hide text: soft hyphen U+00AD, Mongolian
 * vowel separator U+180E, zero-width space/joiners U+200B-U+200D, word joiner and invisible
 * operators U+2060-U+2064 (and the deprecated format controls up to U+206F), the BOM U+FEFF, and
 * the tag characters U+E0000-U+E007F, which can spell whole invisible words.
 */
const INVISIBLE =
  '\\u00ad\\u061c\\u180e\\u200b-\\u200f\\u2028\\u2029\\u202a-\\u202e\\u2060-\\u206f\\ufeff\\u{e0000}-\\u{e007f}';
const UNSAFE = new RegExp(`[\\x00-\\x1f\\x7f-\\x9f${INVISIBLE}]`, 'gu');
const UNSAFE_KEEPING_NEWLINES = new RegExp(`[\\x00-\\x09\\x0b-\\x1f\\x7f-\\x9f${INVISIBLE}]`, 'gu');

const NAMED: Record<string, string> = { '\n': '\\n', '\t': '\\t', '\r': '\\r' };

/**
 * `text` with every control character escaped. `keepNewlines` is for output that is a sequence of
 * lines the tool itself separated (a report written to stdout): each line is made safe, the
 * separators stay.
 */
export function displaySafe(text: string, options: { keepNewlines?: boolean } = {}): string {
  return text.replace(options.keepNewlines ? UNSAFE_KEEPING_NEWLINES : UNSAFE, escapeOne);
}

/** True when `displaySafe` would change `text`. */
export function hasUnsafeText(text: string): boolean {
  return new RegExp(UNSAFE.source, 'u').test(text);
}

function escapeOne(char: string): string {
  const named = NAMED[char];
  if (named) return named;
  const code = char.codePointAt(0) ?? 0;
  if (code < 0x80) return `\\x${code.toString(16).padStart(2, '0')}`;
  if (code > 0xffff) return `\\U${code.toString(16).padStart(8, '0')}`;
  return `\\u${code.toString(16).padStart(4, '0')}`;
}
