/**
 * The Ink root. It owns the app's exit (the store decides *when*, by setting `exit`; only this
 * component unmounts Ink), holds the one input handler, and picks the screen for the phase.
 * `renderApp` is what the CLI calls.
 */
import { Box, type RenderOptions, render, Text, useApp } from 'ink';
import { useEffect } from 'react';
import type { AppExit } from '../store/app-state.js';
import type { AppStore } from '../store/app-store.js';
import { type Phase, unreachable } from '../store/phase.js';
import { MigrationLog } from './components/migration-log.js';
import { AppProviders, type UiOptions, useAppState, useAppStore } from './context.js';
import { chooseGlyphs, colorEnabled, type Environment } from './glyphs.js';
import { keyLabel } from './keys.js';
import { lineDiffOutput } from './line-diff-output.js';
import { PlanScreen } from './plan-view/plan-screen.js';
import { ApplyScreen } from './screens/apply-screen.js';
import { CountdownScreen } from './screens/countdown-screen.js';
import { DoneScreen, FailedScreen, RollbackScreen } from './screens/outcome-screens.js';
import { ProbeScreen } from './screens/probe-screen.js';
import { RecoveryScreen } from './screens/recovery-screen.js';
import { useAppKeys } from './use-app-keys.js';
import { useJournalTicker } from './use-journal-ticker.js';
import { useViewport, type Viewport } from './use-viewport.js';

export interface AppProps {
  store: AppStore;
  ui: UiOptions;
  /** Fixed terminal size; otherwise the output stream's size, following resizes. */
  viewport?: Partial<Viewport>;
  /** Called once, with the store's exit, just before Ink unmounts. */
  onExit?: (exit: AppExit) => void;
}

export function App({ store, ui, viewport, onExit }: AppProps) {
  return (
    <AppProviders store={store} ui={ui}>
      <AppRoot viewport={viewport} onExit={onExit} />
    </AppProviders>
  );
}

function AppRoot({ viewport: fixed, onExit }: Pick<AppProps, 'viewport' | 'onExit'>) {
  const store = useAppStore();
  const { exit: exitInk } = useApp();
  const exit = useAppState((state) => state.exit);
  const phase = useAppState((state) => state.phase);
  const plan = useAppState((state) => state.plan);
  const viewport = useViewport(fixed);
  useAppKeys(store);
  useJournalTicker(store);

  useEffect(() => {
    if (!exit) return;
    onExit?.(exit);
    exitInk(exit);
  }, [exit, exitInk, onExit]);

  return (
    <Box flexDirection="column" width={viewport.columns}>
      <MigrationLog width={viewport.columns} />
      <Box width={viewport.columns}>{screenFor(phase, plan, viewport)}</Box>
    </Box>
  );
}

function screenFor(phase: Phase, plan: AppStoreState['plan'], viewport: Viewport) {
  switch (phase) {
    case 'recovery':
    case 'confirm-rollback':
      return <RecoveryScreen viewport={viewport} />;
    case 'probing':
      return <ProbeScreen viewport={viewport} />;
    case 'planned':
    case 'confirm-apply':
      return plan ? <PlanScreen plan={plan} viewport={viewport} /> : <Missing what="plan" />;
    case 'arming':
    case 'applying':
    case 'verifying':
    case 'confirming':
    case 'persisting':
    case 'reverting':
      return plan ? <ApplyScreen phase={phase} plan={plan} viewport={viewport} /> : <Missing what="plan" />;
    case 'awaiting-confirmation':
      return <CountdownScreen viewport={viewport} />;
    case 'done':
      return <DoneScreen viewport={viewport} />;
    case 'reverted':
    case 'revert-incomplete':
      return <RollbackScreen viewport={viewport} />;
    case 'failed':
      return <FailedScreen viewport={viewport} />;
    default:
      return unreachable(phase);
  }
}

type AppStoreState = ReturnType<AppStore['getState']>;

/** The store never enters these phases without a plan; if it ever did, say so instead of crashing. */
function Missing({ what }: { what: string }) {
  return <Text>{`internal error: no ${what} in this phase; press ${keyLabel('back')} to quit`}</Text>;
}

export interface RenderAppOptions {
  stdin?: NodeJS.ReadStream;
  stdout?: NodeJS.WriteStream;
  stderr?: NodeJS.WriteStream;
  /** Decides the glyph set and color (LANG/LC_*, TERM, NO_COLOR); process.env when omitted. */
  env?: Environment;
  viewport?: Partial<Viewport>;
  /** Route stray console output around the frame (Ink's default); tests under vitest turn it off. */
  patchConsole?: boolean;
}

export interface RenderedApp {
  /** Resolves when the app ends: the store's exit, or null if it was unmounted from outside. */
  waitUntilExit(): Promise<AppExit | null>;
  unmount(): void;
}

/** Redraws at most this often: the spinner's rate; keeps a slow SSH link responsive. */
export const MAX_FPS = 8;

/** Ink's options for renderApp; exported so the stream defaults can be tested without a terminal. */
export function inkRenderOptions(options: RenderAppOptions): RenderOptions {
  return {
    // Ink fills in process streams only for keys that are absent: an explicit undefined would win.
    ...(options.stdin ? { stdin: options.stdin } : {}),
    ...(options.stdout ? { stdout: options.stdout } : {}),
    ...(options.stderr ? { stderr: options.stderr } : {}),
    // Ctrl-C goes through the keybinding table, so it is refused while a change is in flight.
    exitOnCtrlC: false,
    patchConsole: options.patchConsole ?? true,
    maxFps: MAX_FPS,
    // Ink 6.8's incremental mode left a stale line on screen when the pane under the tab bar
    // changed (seen in tmux at 80x24: the old tab bar stayed above the new one), so Ink redraws
    // whole frames and renderApp's line-diff-output sends only the lines that changed.
    incrementalRendering: false,
  };
}

export function renderApp(store: AppStore, options: RenderAppOptions = {}): RenderedApp {
  const env = options.env ?? process.env;
  const ui: UiOptions = { glyphs: chooseGlyphs(env), color: colorEnabled(env) };
  // Only the lines that changed reach the terminal (line-diff-output.ts): the countdown's one
  // changing line instead of its whole live region every second.
  const stdout = lineDiffOutput(options.stdout ?? process.stdout);
  const instance = render(
    <App store={store} ui={ui} viewport={options.viewport} />,
    inkRenderOptions({ ...options, stdout }),
  );
  return {
    async waitUntilExit() {
      await instance.waitUntilExit();
      return store.getState().exit;
    },
    unmount: () => instance.unmount(),
  };
}
