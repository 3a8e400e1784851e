/**
 * The recovery screen (DESIGN.md "The guardian", last paragraph): shown instead of the probe when a start finds a migration left
 * pending, and by `bridge-migrate rollback` on a terminal with its y/N question under it. It
 * follows the journal (the guardian may still revert it while the operator reads), and offers
 * confirm (only for an applied change), roll back now, details and quit.
 */
import { useShallow } from 'zustand/react/shallow';
import { LiveFrame, liveBudget } from '../components/live-frame.js';
import { useAppState, useUi } from '../context.js';
import { recoveryDetailRows, recoverySummaryRows } from '../recovery-text.js';
import type { Viewport } from '../use-viewport.js';

export function RecoveryScreen({ viewport }: { viewport: Viewport }) {
  const { glyphs } = useUi();
  const { watched, detailsOpen } = useAppState(
    useShallow((state) => ({ watched: state.watched, detailsOpen: state.detailsOpen })),
  );
  const width = viewport.columns;
  const rows = !watched
    ? [{ text: `Reading the journal${glyphs.ellipsis}`, tone: 'dim' as const }]
    : detailsOpen
      ? recoveryDetailRows(watched, glyphs, width, liveBudget(viewport))
      : recoverySummaryRows(watched, glyphs, width);
  return <LiveFrame rows={rows} viewport={viewport} />;
}
