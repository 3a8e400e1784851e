/**
 * One interval drives every spinner on a screen: the screen calls this once and hands the frame
 * number to each Spinner, so ten running probes still cost one timer and one redraw per tick.
 */
import { useEffect, useState } from 'react';

/** 8 frames a second looks alive and keeps the bytes sent over a slow SSH link small. */
export const SPINNER_INTERVAL_MS = 125;

export function useSpinnerFrame(active: boolean, intervalMs = SPINNER_INTERVAL_MS): number {
  const [frame, setFrame] = useState(0);
  useEffect(() => {
    if (!active) return;
    const timer = setInterval(() => setFrame((previous) => previous + 1), intervalMs);
    return () => clearInterval(timer);
  }, [active, intervalMs]);
  return frame;
}
