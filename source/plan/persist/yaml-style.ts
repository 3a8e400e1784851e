/**
 * Writing an edited YAML document back in the style its file was written in, so the diff the
 * operator reviews shows only what changed. The yaml package keeps comments and key order but
 * re-renders every line, so the indentation step and the placement of "- " must match the file:
 * - "indented": "- " one step deeper than its key (netplan's documentation);
 * - "half": "- " two columns short of a step deeper, its content a full step deeper (yaml's
 *   indentSeq: false with a step wider than 2);
 * - "flush": "- " level with its key, a mapping item's content a full step in ("-   to: default"),
 *   which is how PyYAML writes with indent=4, and so how cloud-init writes 50-cloud-init.yaml.
 * yaml has no option for "flush" with a step wider than 2: it renders "half" and the dashes are
 * moved left, each item's content staying where it was. The style is the one whose rendering of
 * the unedited file reproduces it best, and every rendering must mean the same data as the
 * document, or the plainer style is used.
 */
import { isDeepStrictEqual } from 'node:util';
import { diffLines } from 'diff';
import { type Document, isMap, isSeq, parseDocument } from 'yaml';

export type SequenceStyle = 'indented' | 'half' | 'flush';

export interface YamlStyle {
  indent: number;
  sequences: SequenceStyle;
}

/** The file's own indentation step (cloud-init writes 4 spaces), 2 when it has none. */
export function detectIndent(text: string): number {
  const widths = text
    .split('\n')
    .filter((line) => line.trim() !== '' && !line.trimStart().startsWith('#'))
    .map((line) => line.length - line.trimStart().length)
    .filter((width) => width > 0);
  return widths.length > 0 ? Math.min(...widths) : 2;
}

/**
 * The style that renders the unedited `original` closest to itself. Without sequences to judge by,
 * `preferFlush` (a file PyYAML wrote, like cloud-init's) decides, else netplan's documented style.
 */
export function detectStyle(original: string, preferFlush: boolean): YamlStyle {
  const indent = detectIndent(original);
  const order: SequenceStyle[] = preferFlush ? ['flush', 'indented', 'half'] : ['indented', 'flush', 'half'];
  const document = parseDocument(original);
  if (document.errors.length > 0) return { indent, sequences: order[0] as SequenceStyle };
  let best: { style: YamlStyle; changed: number } | null = null;
  for (const sequences of order) {
    const style = { indent, sequences };
    const changed = changedLines(original, renderYaml(document, style));
    if (best === null || changed < best.changed) best = { style, changed };
  }
  return (best as { style: YamlStyle }).style;
}

export function renderYaml(document: Document, style: YamlStyle): string {
  const options = { indent: style.indent, lineWidth: 0, flowCollectionPadding: false };
  if (style.sequences === 'indented') return document.toString({ ...options, indentSeq: true });
  const half = document.toString({ ...options, indentSeq: false });
  // With a step of 2, yaml's indentSeq: false already puts "- " level with its key.
  if (style.sequences === 'half' || style.indent <= 2) return half;
  const flush = flushSequences(half, style.indent);
  return sameData(flush, document) ? flush : half;
}

/** Moves each block sequence's "- " from two columns short of a step in to its key's column. */
function flushSequences(text: string, indent: number): string {
  const shift = indent - 2;
  return text
    .split('\n')
    .map((line) => {
      const item = /^( *)- (.*)$/.exec(line);
      if (!item || (item[1] as string).length < shift) return line;
      const column = (item[1] as string).length - shift;
      const rest = item[2] as string;
      // A mapping (or nested sequence) item keeps its content column: "-" and indent-1 spaces.
      const gap = holdsCollection(rest) ? ' '.repeat(indent - 1) : ' ';
      return `${' '.repeat(column)}-${gap}${rest}`;
    })
    .join('\n');
}

function holdsCollection(itemText: string): boolean {
  const parsed = parseDocument(itemText);
  return parsed.errors.length === 0 && (isMap(parsed.contents) || isSeq(parsed.contents));
}

function sameData(text: string, document: Document): boolean {
  const reparsed = parseDocument(text);
  return reparsed.errors.length === 0 && isDeepStrictEqual(reparsed.toJS(), document.toJS());
}

function changedLines(before: string, after: string): number {
  return diffLines(before, after)
    .filter((part) => part.added || part.removed)
    .reduce((sum, part) => sum + (part.count ?? 0), 0);
}
