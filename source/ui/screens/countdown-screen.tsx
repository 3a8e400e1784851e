/**
 * The countdown (DESIGN.md flow step 5): the change is live and the guardian's deadline runs. The
 * lines that do not change (applied and verified, the commands for another session) were printed
 * once above by the migration log; this live part is the bar with the seconds left, the guardian,
 * the watch checks, the notice and the keys: a few rows, redrawn about once a second.
 */
import { LiveFrame } from '../components/live-frame.js';
import { useAppState, useUi } from '../context.js';
import { countdownRows } from '../countdown-text.js';
import type { Viewport } from '../use-viewport.js';

export function CountdownScreen({ viewport }: { viewport: Viewport }) {
  const { glyphs } = useUi();
  const watched = useAppState((state) => state.watched);
  const rows = countdownRows(watched, { glyphs, width: viewport.columns });
  return <LiveFrame rows={rows} viewport={viewport} />;
}
