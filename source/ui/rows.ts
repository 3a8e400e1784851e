/**
 * A screen row: text already fitted to the width, and a tone the view maps to a color (or to
 * nothing under NO_COLOR). Keeping rows as data makes the panes testable without rendering and
 * gives the store exact row counts for scrolling.
 */
import { wrap } from './text-fit.js';

export type Tone =
  | 'plain'
  | 'title'
  | 'dim'
  | 'blocker'
  | 'warning'
  | 'info'
  | 'ok'
  | 'add'
  | 'remove'
  | 'hunk'
  | 'accent';

export interface Row {
  text: string;
  tone: Tone;
}

/** Wraps one logical line into rows of the same tone. */
export function wrapped(text: string, tone: Tone, width: number, indent = ''): Row[] {
  return wrap(text, width, indent).map((line) => ({ text: line, tone }));
}

export interface ToneStyle {
  color?: string;
  bold?: boolean;
  dimColor?: boolean;
}

const STYLES: Record<Tone, ToneStyle> = {
  plain: {},
  title: { bold: true },
  dim: { dimColor: true },
  blocker: { color: 'red', bold: true },
  warning: { color: 'yellow' },
  info: { color: 'cyan' },
  ok: { color: 'green' },
  add: { color: 'green' },
  remove: { color: 'red' },
  hunk: { color: 'cyan' },
  accent: { color: 'cyan', bold: true },
};

/** Bold and dim are escapes too, so without color a row is plain text and nothing else. */
export function toneStyle(tone: Tone, color: boolean): ToneStyle {
  return color ? STYLES[tone] : {};
}
