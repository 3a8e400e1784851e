/**
 * Where everything goes on the preview. The chrome (header, tabs, notice, hints) has a fixed
 * height and the focused pane gets the rest, so at 80x24 the whole screen is 23 rows: one short of
 * the terminal, because Ink clears and redraws the entire screen once a frame reaches its height,
 * which over a slow SSH link is exactly the flicker we want to avoid.
 */

import { commandLine, type OperatorCommands } from '../../plan/operator-commands.js';
import type { Plan, ReplaySource, TopologyNode } from '../../plan/types.js';
import { isBlocked, plural, unacknowledgedWarnings, verdictsAt } from '../../store/plan-gate.js';
import type { Glyphs } from '../glyphs.js';
import { keyLabel } from '../keys.js';
import type { Row, Tone } from '../rows.js';
import { width as cells, clip, padEnd } from '../text-fit.js';
import { topologyLines } from '../topology-text.js';
import type { Viewport } from '../use-viewport.js';

export const HEADER_ROWS = 3;
export const TAB_ROWS = 1;
export const NOTICE_ROWS = 2;
export const HINT_ROWS = 2;
const MIN_PANE_ROWS = 3;

/** Topology lines per side: three fit 80x24; taller terminals show more. */
export function topologyCap(viewport: Viewport): number {
  return viewport.rows >= 34 ? 8 : 3;
}

export function paneHeight(viewport: Viewport, topologyRows: number): number {
  const chrome = HEADER_ROWS + topologyRows + TAB_ROWS + NOTICE_ROWS + HINT_ROWS;
  return Math.max(MIN_PANE_ROWS, viewport.rows - 1 - chrome);
}

export function headerRows(
  plan: Plan,
  state: { dryRun: boolean; acknowledged: boolean; commands: Pick<OperatorCommands, 'confirm' | 'rollback'> },
  glyphs: Glyphs,
  width: number,
): Row[] {
  const mode = plan.replay ? '  REPLAY' : state.dryRun ? '  DRY RUN' : '';
  const title = `bridge-migrate  ${plan.nic} ${glyphs.arrow} ${plan.bridge}  deadline ${plan.deadlineSec} s  persist ${plan.persistWith}${mode}`;
  const both = `from another session: ${commandLine(state.commands.confirm)}  ${glyphs.bullet}  ${commandLine(state.commands.rollback)}`;
  // A cut command is a wrong command: when they do not fit, the Steps pane shows them whole.
  // A replay has no other session to speak of: the line names the recording instead, and a
  // narrow terminal cuts the (long, free-text) name rather than the capture time.
  const other = plan.replay
    ? replayHeader(plan.replay, glyphs, width)
    : cells(both) <= width
      ? both
      : `from another session: confirm / rollback (exact commands: Steps pane, ${keyLabel('next-pane')})`;
  return [
    { text: clip(glyphs.text(title), width, glyphs), tone: 'title' },
    { text: clip(glyphs.text(other), width, glyphs), tone: plan.replay ? 'warning' : 'dim' },
    verdictSummary(plan, state.acknowledged, glyphs, width),
  ];
}

function replayHeader(replay: ReplaySource, glyphs: Glyphs, width: number): string {
  const tail = `", captured ${glyphs.text(replay.capturedAt)}`;
  const head = 'REPLAY of "';
  const room = Math.max(8, width - cells(head) - cells(tail));
  return `${head}${clip(glyphs.text(replay.name), room, glyphs)}${tail}`;
}

function verdictSummary(plan: Plan, acknowledged: boolean, glyphs: Glyphs, width: number): Row {
  const blockers = verdictsAt(plan, 'blocker').length;
  const warnings = verdictsAt(plan, 'warning').length;
  const infos = verdictsAt(plan, 'info').length;
  const pending = unacknowledgedWarnings(plan, acknowledged);
  const parts: string[] = [];
  if (blockers > 0) parts.push(`${glyphs.blocker} ${plural(blockers, 'blocker')}: cannot apply`);
  if (warnings > 0) {
    parts.push(
      `${glyphs.warning} ${plural(warnings, 'warning')}${pending > 0 ? ', not acknowledged' : ', acknowledged'}`,
    );
  }
  if (infos > 0) parts.push(`${glyphs.info} ${infos} info`);
  if (parts.length === 0) parts.push(`${glyphs.ok} no findings`);
  const tone: Tone = isBlocked(plan) ? 'blocker' : pending > 0 ? 'warning' : 'ok';
  return { text: clip(parts.join('   '), width, glyphs), tone };
}

/** Before and after side by side, each side cut to `cap` lines ("+N more" when cut). */
export function topologyRows(
  topology: { before: TopologyNode[]; after: TopologyNode[] },
  glyphs: Glyphs,
  width: number,
  cap: number,
): Row[] {
  const separator = ` ${glyphs.vertical} `;
  const column = Math.floor((width - separator.length) / 2);
  const side = (nodes: TopologyNode[]) => capped(topologyLines(nodes, glyphs, true), cap);
  const before = side(topology.before);
  const after = side(topology.after);
  const cell = (text: string | undefined) => padEnd(clip(text ?? '', column, glyphs), column);
  const rows: Row[] = [
    { text: `${cell('before')}${separator}${clip('after', column, glyphs)}`, tone: 'dim' },
  ];
  for (let index = 0; index < Math.max(before.length, after.length); index += 1) {
    rows.push({
      text: `${cell(before[index])}${separator}${clip(after[index] ?? '', column, glyphs)}`.trimEnd(),
      tone: 'plain',
    });
  }
  return rows;
}

function capped(lines: string[], cap: number): string[] {
  if (lines.length <= cap) return lines;
  return [...lines.slice(0, cap - 1), `+${lines.length - cap + 1} more`];
}
