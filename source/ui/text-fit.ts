/**
 * Rows are fitted to the width here, before Ink sees them: Ink's own truncation appends a Unicode
 * ellipsis (wrong in ASCII mode), and knowing every pane's row count up front is what lets the
 * panes scroll by exact rows. Widths count code points: every glyph the UI draws is one cell
 * wide, and plan text is ASCII apart from typography that the ASCII set rewrites. Every row is
 * fitted here, so this is also where a control character from host text that no `glyphs.text()`
 * saw is escaped (plan/display-text.ts): a row never moves the cursor or breaks in two.
 */
import { displaySafe } from '../plan/display-text.js';
import type { Glyphs } from './glyphs.js';

export function width(text: string): number {
  return [...text].length;
}

/** Cuts `text` to `max` cells, ending with the ellipsis when something was cut. */
export function clip(raw: string, max: number, glyphs: Pick<Glyphs, 'ellipsis'>): string {
  const text = displaySafe(raw);
  const chars = [...text];
  if (chars.length <= max) return text;
  const ellipsis = [...glyphs.ellipsis];
  if (max <= ellipsis.length) return chars.slice(0, max).join('');
  return chars.slice(0, max - ellipsis.length).join('') + glyphs.ellipsis;
}

export function padEnd(text: string, size: number): string {
  const missing = size - width(text);
  return missing > 0 ? text + ' '.repeat(missing) : text;
}

/**
 * Breaks `text` into rows of at most `max` cells, at spaces when it can; continuation rows start
 * with `indent` so a wrapped command stays visibly one command.
 */
export function wrap(text: string, max: number, indent = ''): string[] {
  const rows: string[] = [];
  let rest = [...displaySafe(text)];
  let prefix: string[] = [];
  // Each pass emits one row of at least one character, so the loop ends after <= text length rows.
  while (rest.length > 0) {
    const room = Math.max(1, max - prefix.length);
    if (rest.length <= room) {
      rows.push([...prefix, ...rest].join(''));
      break;
    }
    // Break at the last space that follows some text (never inside leading indentation).
    const firstText = rest.findIndex((char) => char !== ' ');
    let cut = rest.lastIndexOf(' ', room);
    if (cut <= firstText) cut = room;
    rows.push([...prefix, ...rest.slice(0, cut)].join('').trimEnd());
    rest = rest.slice(cut);
    while (rest[0] === ' ') rest = rest.slice(1);
    prefix = [...indent].slice(0, Math.max(0, max - 1));
  }
  return rows.length > 0 ? rows : [''];
}
