/**
 * Scroll offsets of the preview's panes. The view measures each pane (rows after wrapping to the
 * terminal width, and the viewport height) and reports it, so offsets are clamped to real
 * content: `j` at the bottom does nothing instead of scrolling into blank space.
 */
import { PANES, type PaneId } from './phase.js';

export interface PaneLayout {
  /** Rows of the pane viewport. */
  height: number;
  /** Rows of content per pane. */
  rows: Record<PaneId, number>;
}

export type ScrollOffsets = Record<PaneId, number>;

export const unmeasuredLayout: PaneLayout = { height: 1, rows: { verdicts: 0, steps: 0, config: 0 } };

export const topOffsets: ScrollOffsets = { verdicts: 0, steps: 0, config: 0 };

export function maxOffset(layout: PaneLayout, pane: PaneId): number {
  return Math.max(0, layout.rows[pane] - layout.height);
}

export function clampOffset(offset: number, layout: PaneLayout, pane: PaneId): number {
  return Math.min(Math.max(0, offset), maxOffset(layout, pane));
}

export function clampAll(offsets: ScrollOffsets, layout: PaneLayout): ScrollOffsets {
  const clamped = { ...offsets };
  for (const pane of PANES) clamped[pane] = clampOffset(offsets[pane], layout, pane);
  return clamped;
}

export function sameLayout(a: PaneLayout, b: PaneLayout): boolean {
  return a.height === b.height && PANES.every((pane) => a.rows[pane] === b.rows[pane]);
}

/** A page keeps one row of context, like less. */
export function pageRows(layout: PaneLayout): number {
  return Math.max(1, layout.height - 1);
}
