/**
 * The one row-breaker for a command shown so it can be copied: the command comes as its words,
 * each already shell-quoted (plan/command-text.ts commandWords), and a line too long for the width
 * is broken only BETWEEN two words, each continued row ending in " \\". Pasted into a shell it is
 * still one command, with every argument as it was; inside an `ip -batch - <<'EOF'` body too: the
 * shell passes the body verbatim, and ip's batch reader (iproute2 lib/utils.c getcmdline) joins a
 * backslash-newline. A single word longer than the width stays whole on its row: cut, it would
 * paste as two arguments, or as a different one.
 */
import { commandWords } from '../plan/command-text.js';
import { displaySafe } from '../plan/display-text.js';
import type { OperatorCommands } from '../plan/operator-commands.js';
import type { Row, Tone } from './rows.js';
import { width as cells, wrap } from './text-fit.js';

export interface CommandLayout {
  /** What the first row starts with: an indent, or a label such as "   keep it: ". */
  first: string;
  /** What each continued row starts with. */
  rest: string;
  tone: Tone;
}

const CONTINUED = ' \\';

export function commandRows(words: readonly string[], width: number, layout: CommandLayout): Row[] {
  // A control character would act on the terminal; escaped it is still one word.
  const safe = words.map((word) => displaySafe(word));
  const whole = `${layout.first}${safe.join(' ')}`;
  if (cells(whole) <= width) return [{ text: whole, tone: layout.tone }];
  const rows: string[] = [];
  let row = layout.first;
  let empty = true;
  for (const word of safe) {
    const candidate = empty ? `${row}${word}` : `${row} ${word}`;
    // Room for " \" at the end of every row that is continued.
    if (!empty && cells(candidate) + CONTINUED.length > width) {
      rows.push(`${row}${CONTINUED}`);
      row = `${layout.rest}${word}`;
    } else row = candidate;
    empty = false;
  }
  rows.push(row);
  return rows.map((text) => ({ text, tone: layout.tone }));
}

/**
 * A sentence that quotes commands in backticks (a verdict's fix, an error's way out), wrapped at
 * spaces. The plain wrap is kept whenever it breaks no backticked span; otherwise the sentence is
 * laid out again, each backticked span kept on one row, and a span that does not fit a row of its
 * own broken between the words of the command it quotes, when that command is one of `known` (the
 * text is never split by guessing at its shell quoting), or left whole on its row.
 */
export function proseRows(
  text: string,
  tone: Tone,
  width: number,
  indent: string,
  known: readonly (readonly string[])[] = [],
): Row[] {
  const plain = wrap(text, width, indent);
  if (!plain.some((row) => backticks(row) % 2 === 1)) return plain.map((line) => ({ text: line, tone }));
  const rows: string[] = [];
  // The sentence's own leading spaces (its place under a heading) stay on its first row.
  let row = /^ */.exec(text)?.[0] ?? '';
  for (const unit of units(text)) {
    const candidate = row.trim() === '' ? `${row}${unit}` : `${row} ${unit}`;
    if (cells(candidate) <= width || row.trim() === '') {
      row = candidate;
      continue;
    }
    rows.push(row);
    const alone = `${indent}${unit}`;
    const words = cells(alone) > width ? spanWords(unit, known) : null;
    if (!words) {
      row = alone;
      continue;
    }
    const broken = commandRows(words, width, { first: indent, rest: `${indent}  `, tone });
    rows.push(...broken.slice(0, -1).map((part) => part.text));
    row = broken[broken.length - 1]?.text ?? alone;
  }
  rows.push(row);
  return rows.map((line) => ({ text: line, tone }));
}

/** The words of the commands a sentence may quote (the operator commands of this run). */
export function quotableCommands(commands: Partial<OperatorCommands>): string[][] {
  return Object.values(commands).flatMap((command) => (command ? [commandWords(command)[0] ?? []] : []));
}

function backticks(text: string): number {
  return text.split('`').length - 1;
}

/** The sentence split at spaces outside backticks: a backticked span stays one unit. */
function units(text: string): string[] {
  const out: string[] = [];
  let unit = '';
  let quoted = false;
  for (const char of displaySafe(text)) {
    if (char === '`') quoted = !quoted;
    if (char === ' ' && !quoted) {
      if (unit !== '') out.push(unit);
      unit = '';
    } else unit += char;
  }
  if (unit !== '') out.push(unit);
  return out;
}

/**
 * The words of a unit holding exactly one known command in backticks, the text around it (the
 * backticks, a comma or a full stop) attached to the first and last word; null when not known.
 */
function spanWords(unit: string, known: readonly (readonly string[])[]): string[] | null {
  const open = unit.indexOf('`');
  const close = unit.lastIndexOf('`');
  if (open < 0 || close <= open) return null;
  const inside = unit.slice(open + 1, close);
  const words = known.find((command) => displaySafe(command.join(' ')) === inside);
  if (!words || words.length === 0) return null;
  const safe = words.map((word) => displaySafe(word));
  const last = safe.length - 1;
  return safe.map(
    (word, at) => `${at === 0 ? unit.slice(0, open + 1) : ''}${word}${at === last ? unit.slice(close) : ''}`,
  );
}
