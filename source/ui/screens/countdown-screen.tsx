/**
 * The countdown (DESIGN.md flow step 5): the change is live and the guardian's deadline runs. The
 * lines that do not change (applied and verified, the commands for another session) were printed
 * once above by the migration log; this live part is the bar with the seconds left, the guardian,
 * the watch checks, the notice and the keys: a few rows, redrawn about once a second.
 */
import { useShallow } from 'zustand/react/shallow';
import { LiveFrame } from '../components/live-frame.js';
import { useAppState, useUi } from '../context.js';
import { countdownRows } from '../countdown-text.js';
import type { Viewport } from '../use-viewport.js';

export function CountdownScreen({ viewport }: { viewport: Viewport }) {
  const { glyphs } = useUi();
  const { watched, guardian } = useAppState(
    useShallow((state) => ({ watched: state.watched, guardian: state.guardian })),
  );
  const rows = countdownRows(watched, { glyphs, width: viewport.columns, guardianBuild: guardian });
  return <LiveFrame rows={rows} viewport={viewport} />;
}
