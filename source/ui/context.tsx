/**
 * The store and the display options (glyph set, color) reach components through context, so a
 * test renders the same tree with its own store and environment and never touches globals.
 */
import { createContext, type ReactNode, useContext } from 'react';
import { useStore } from 'zustand';
import type { AppState } from '../store/app-state.js';
import type { AppStore } from '../store/app-store.js';
import { type Glyphs, unicodeGlyphs } from './glyphs.js';

export interface UiOptions {
  glyphs: Glyphs;
  color: boolean;
}

const StoreContext = createContext<AppStore | null>(null);
const UiContext = createContext<UiOptions>({ glyphs: unicodeGlyphs, color: true });

export function AppProviders({
  store,
  ui,
  children,
}: {
  store: AppStore;
  ui: UiOptions;
  children: ReactNode;
}) {
  return (
    <StoreContext.Provider value={store}>
      <UiContext.Provider value={ui}>{children}</UiContext.Provider>
    </StoreContext.Provider>
  );
}

export function useAppStore(): AppStore {
  const store = useContext(StoreContext);
  if (!store) throw new Error('useAppStore outside AppProviders');
  return store;
}

/** Selectors must return stable values (primitives or state members); zustand 5 re-renders on every new object. */
export function useAppState<T>(selector: (state: AppState) => T): T {
  return useStore(useAppStore(), selector);
}

export function useUi(): UiOptions {
  return useContext(UiContext);
}
