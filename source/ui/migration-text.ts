/**
 * The migration as rows of text: each step with its state and a summary of its commands, each
 * connectivity check with its result, and the log lines <Static> prints once. Pure functions of
 * data, shared by the Apply/Verify screens and the outcome screens.
 */
import { commandText } from '../plan/command-text.js';
import type { Plan, Step } from '../plan/types.js';
import type { CheckPhase, CheckResult, StepState } from '../txn/engine/engine-api.js';
import { type PersistPart, type PersistPartState, persistPartTitle } from '../txn/persist/persist-parts.js';
import type { Glyphs } from './glyphs.js';
import type { Row, Tone } from './rows.js';
import { clip, padEnd } from './text-fit.js';

const STATE_WORDS: Record<StepState, string> = {
  pending: 'pending',
  running: 'running',
  ok: 'ok',
  failed: 'failed',
  reverting: 'reverting',
  reverted: 'reverted',
  'revert-failed': 'not undone',
};
const STATE_WIDTH = 10;

const STATE_TONES: Record<StepState, Tone> = {
  pending: 'dim',
  running: 'accent',
  ok: 'ok',
  failed: 'blocker',
  reverting: 'warning',
  reverted: 'info',
  'revert-failed': 'blocker',
};

const CHECK_LABELS: Record<CheckPhase, string> = {
  baseline: 'baseline',
  verify: 'verify',
  watch: 'watch',
  'after-revert': 'after undo',
};

/** The glyph of a state; `spin` is the current spinner frame for the states that are in motion. */
export function stateGlyph(state: StepState, glyphs: Glyphs, spin: string): string {
  switch (state) {
    case 'pending':
      return glyphs.pending;
    case 'running':
    case 'reverting':
      return spin;
    case 'ok':
      return glyphs.ok;
    case 'failed':
    case 'revert-failed':
      return glyphs.failed;
    case 'reverted':
      return glyphs.reverted;
    default: {
      const unknown: never = state;
      return unknown;
    }
  }
}

/** The first command of a step as it would be typed, and how many more follow. */
export function commandSummary(step: Step): string {
  const first = step.commands[0];
  if (!first) return '(no commands)';
  const more = step.commands.length - 1;
  const text =
    first.kind === 'ip-batch'
      ? `ip -batch: ${first.lines.length} line${first.lines.length === 1 ? '' : 's'} (${first.lines[0]?.join(' ') ?? ''})`
      : (commandText(first)[0] ?? '');
  return more > 0 ? `${text} (+${more})` : text;
}

export interface StepView {
  step: Step | null;
  stepId: string;
  state: StepState;
  message: string | null;
}

/** A step's line, its command summary under it, and why it failed when it did. */
export function stepRows(
  view: StepView,
  plan: Plan,
  glyphs: Glyphs,
  width: number,
  options: { spin: string; summary: boolean },
): Row[] {
  const index = plan.steps.findIndex((step) => step.id === view.stepId);
  const position = index >= 0 ? `${index + 1}/${plan.steps.length}` : '?';
  const title = view.step ? glyphs.text(view.step.title) : view.stepId;
  const glyph = stateGlyph(view.state, glyphs, options.spin);
  const rows: Row[] = [
    {
      text: clip(
        `${glyph} ${padEnd(STATE_WORDS[view.state], STATE_WIDTH)} ${position} ${title}`,
        width,
        glyphs,
      ),
      tone: STATE_TONES[view.state],
    },
  ];
  if (options.summary && view.step) {
    rows.push({
      text: clip(`${' '.repeat(STATE_WIDTH + 3)}${glyphs.text(commandSummary(view.step))}`, width, glyphs),
      tone: 'dim',
    });
  }
  if (view.message && (view.state === 'failed' || view.state === 'revert-failed')) {
    rows.push({
      text: clip(`${' '.repeat(STATE_WIDTH + 3)}${glyphs.text(view.message)}`, width, glyphs),
      tone: 'blocker',
    });
  }
  return rows;
}

/**
 * A check and its result in one row (cut at the width on a terminal; the headless commands print
 * it whole). A failed check's detail also reaches the outcome screen as what failed.
 */
export function checkRows(phase: CheckPhase, result: CheckResult, glyphs: Glyphs, width: number): Row[] {
  const glyph = result.ok ? glyphs.ok : glyphs.failed;
  const text = `${glyph} ${padEnd(CHECK_LABELS[phase], STATE_WIDTH)} ${result.title} (via ${result.via}): ${result.detail}`;
  return [{ text: clip(glyphs.text(text), width, glyphs), tone: result.ok ? 'plain' : 'warning' }];
}

/**
 * One part of the persist transaction (txn/persist/persist-parts.ts) as it starts, ends or fails,
 * with what it did (the files) or why it failed on a second row.
 */
export function persistPartRows(
  event: { part: PersistPart; state: PersistPartState; detail?: string | null },
  plan: Pick<Plan, 'persistWith'>,
  glyphs: Glyphs,
  width: number,
): Row[] {
  const glyph = event.state === 'ok' ? glyphs.ok : event.state === 'failed' ? glyphs.failed : glyphs.pending;
  const word = event.state === 'running' ? 'running' : event.state;
  const title = persistPartTitle(event.part, plan.persistWith);
  const tone: Tone = event.state === 'failed' ? 'blocker' : event.state === 'ok' ? 'plain' : 'accent';
  const rows: Row[] = [
    {
      text: clip(
        glyphs.text(`${glyph} ${padEnd(`persist ${word}`, STATE_WIDTH + 6)} ${title}`),
        width,
        glyphs,
      ),
      tone,
    },
  ];
  if (event.detail)
    rows.push({
      text: clip(`${' '.repeat(STATE_WIDTH + 9)}${glyphs.text(event.detail)}`, width, glyphs),
      tone: 'dim',
    });
  return rows;
}

export const REVERT_REASONS: Record<string, string> = {
  operator: "operator's choice",
  timeout: 'deadline passed',
  'probe-failed': 'a check failed',
  'apply-failed': 'a step failed',
  recovery: 'recovery',
  'persist-failed': 'writing the config failed',
};

// One clock format for the store's notices and the screens.
export { clockTime } from '../store/clock-time.js';
