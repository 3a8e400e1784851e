/**
 * The reserved lines under the panes: the "apply? y/N" or "roll back? y/N" question while it is
 * asked, otherwise the latest notice (why a key was refused, what a dry run means, what failed).
 * Always the same height, so the screen does not jump when a message appears.
 */
import { useShallow } from 'zustand/react/shallow';
import type { Notice } from '../../store/app-state.js';
import { plural } from '../../store/plan-gate.js';
import { useAppState, useUi } from '../context.js';
import type { Glyphs } from '../glyphs.js';
import { keyedText, yesNoLabel } from '../keys.js';
import { type Row, type Tone, wrapped } from '../rows.js';
import { clip } from '../text-fit.js';
import { FixedRows } from './row-text.js';

const NOTICE_TONE: Record<Notice['tone'], Tone> = { info: 'info', refusal: 'warning', error: 'blocker' };

/** Wraps a message into at most `max` rows; the last row ends with an ellipsis if cut. */
export function messageRows(text: string, tone: Tone, width: number, max: number, glyphs: Glyphs): Row[] {
  const rows = wrapped(glyphs.text(text), tone, width, '  ');
  if (rows.length <= max) return rows;
  const kept = rows.slice(0, max);
  const last = kept[max - 1];
  if (last) kept[max - 1] = { ...last, text: clip(`${last.text} ${glyphs.ellipsis}`, width, glyphs) };
  return kept;
}

export function NoticeLines({ width, rows }: { width: number; rows: number }) {
  const { glyphs } = useUi();
  const { phase, notice, plan, canApply, undo } = useAppState(
    useShallow(({ phase, notice, plan, canApply, watched }) => ({
      phase,
      notice,
      plan,
      canApply,
      undo: watched?.reading.journal.phase === 'persisted',
    })),
  );
  let content: Row[] = [];
  if (phase === 'confirm-rollback' && plan && !notice) {
    const what = undo ? 'Undo the finished migration' : 'Roll back';
    const question = `${what} ${plan.nic} ${glyphs.arrow} ${plan.bridge} now and compare the host with its pre-state? ${yesNoLabel('rollback-yes', 'rollback-no')}`;
    content = messageRows(question, 'accent', width, rows, glyphs);
  } else if (phase === 'confirm-apply' && plan) {
    const unavailable = canApply ? '' : ' (this build cannot apply)';
    const question =
      `Apply ${plural(plan.steps.length, 'step')} now: ${plan.nic} ${glyphs.arrow} ${plan.bridge}, ` +
      `deadline ${plan.deadlineSec} s${unavailable}? ${yesNoLabel('apply-yes', 'apply-no')}`;
    content = messageRows(question, 'accent', width, rows, glyphs);
  } else if (notice) {
    content = messageRows(keyedText(notice.text), NOTICE_TONE[notice.tone], width, rows, glyphs);
  }
  return <FixedRows rows={content} height={rows} />;
}
