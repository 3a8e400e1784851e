/**
 * The app's single input handler: it looks the key up in the keybinding table for the current
 * context and calls the store action. It reads the store at key time (getState) instead of
 * closing over rendered state, and stays inactive where stdin cannot be put in raw mode (a pipe),
 * so a non-TTY run never crashes in setRawMode.
 */
import { useInput, useStdin } from 'ink';
import type { AppStore } from '../store/app-store.js';
import { splitKeyChunk } from './key-chunks.js';
import { bindingFor, keyContext } from './keys.js';

export function useAppKeys(store: AppStore): void {
  const { isRawModeSupported } = useStdin();
  useInput(
    (input, key) => {
      for (const [one, oneKey] of splitKeyChunk(input, key)) {
        // Each key sees the state the previous one left (the context can change: Enter asks, y answers).
        const state = store.getState();
        bindingFor(keyContext(state), one, oneKey)?.run(state.actions);
      }
    },
    { isActive: isRawModeSupported },
  );
}
