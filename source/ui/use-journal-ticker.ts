/**
 * The clock of the screens the journal decides (the countdown, recovery, a revert seen in the
 * journal): the store's `tick` re-reads the journal and moves the clock, and says when the next
 * tick is due, just after the shown seconds change. So the seconds, the journal's news and the
 * ages on screen change together, in about one short redraw a second, which is what a slow SSH
 * link pays for the countdown.
 */
import { useEffect } from 'react';
import type { AppStore } from '../store/app-store.js';
import { followsJournal } from '../store/phase.js';
import { useAppState } from './context.js';

export function useJournalTicker(store: AppStore): void {
  const active = useAppState(followsJournal);
  useEffect(() => {
    if (!active) return;
    let stopped = false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const run = async () => {
      const delay = await store.getState().actions.tick();
      if (!stopped) timer = setTimeout(run, delay);
    };
    void run();
    return () => {
      stopped = true;
      clearTimeout(timer);
    };
  }, [active, store]);
}
