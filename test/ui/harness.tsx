/**
 * Test helpers for the Ink UI: a fresh store per test wired to fakes, a render at a fixed 80x24
 * viewport, and key presses that wait (bounded) for the frame to change instead of sleeping.
 */
import { render } from 'ink-testing-library';
import { vi } from 'vitest';
import type { ProbeEvent, ProbeListener } from '../../source/host/probe-api.js';
import type { HostSnapshot } from '../../source/host/snapshot.js';
import type { Plan } from '../../source/plan/types.js';
import type { AppDeps, AppExit } from '../../source/store/app-state.js';
import { type AppStore, createAppStore } from '../../source/store/app-store.js';
import { App } from '../../source/ui/app.js';
import { chooseGlyphs, colorEnabled, type Environment } from '../../source/ui/glyphs.js';
import type { Viewport } from '../../source/ui/use-viewport.js';
import { fakeSnapshot, proxmoxPlan } from './fixtures.js';

export const KEY = {
  tab: '\t',
  shiftTab: '\u001B[Z',
  enter: '\r',
  escape: '\u001B',
  up: '\u001B[A',
  down: '\u001B[B',
  pageUp: '\u001B[5~',
  pageDown: '\u001B[6~',
  ctrlC: '\u0003',
} as const;

export const UTF8_ENV: Environment = { LANG: 'en_US.UTF-8', TERM: 'xterm-256color' };
export const TERMINAL_80x24: Viewport = { columns: 80, rows: 24 };
export const PROBE_NAMES_FOR_TESTS = [
  'links',
  'addresses',
  'routes',
  'rules',
  'renderer',
  'dhcp-clients',
  'virt',
  'netfilter',
];

/** A clock that moves 7 ms per reading: durations are deterministic and non-zero. */
export function steppingClock() {
  let now = 1_000;
  return { now: () => (now += 7) };
}

/** A probe the test drives: emit events, then resolve or reject when it wants. */
export function controlledProbe() {
  let listener: ProbeListener = () => {};
  let settle: { resolve: (snapshot: HostSnapshot) => void; reject: (error: Error) => void } | null = null;
  const probe = (onEvent: ProbeListener) =>
    new Promise<HostSnapshot>((resolve, reject) => {
      listener = onEvent;
      settle = { resolve, reject };
    });
  return {
    probe,
    emit: (event: ProbeEvent) => listener(event),
    resolve: (snapshot: HostSnapshot = fakeSnapshot()) => settle?.resolve(snapshot),
    reject: (error: Error) => settle?.reject(error),
  };
}

/** A probe that reports every test probe as run and ok, then resolves. */
export function instantProbe(names: readonly string[] = PROBE_NAMES_FOR_TESTS) {
  return async (listener: ProbeListener) => {
    for (const name of names) {
      listener({ name, state: 'running' });
      listener({ name, state: 'ok' });
    }
    return fakeSnapshot();
  };
}

export function testStore(overrides: Partial<AppDeps> & { planned?: Plan } = {}): AppStore {
  const { planned, ...deps } = overrides;
  const plan = planned ?? proxmoxPlan();
  return createAppStore({
    probe: instantProbe(),
    plan: () => plan,
    request: { nic: 'ens18', bridge: 'fcbr0', timeoutSec: 120, persist: 'auto' },
    dryRun: false,
    probeNames: PROBE_NAMES_FOR_TESTS,
    clock: steppingClock(),
    ...deps,
  });
}

/** A store already at the preview. */
export async function plannedStore(overrides: Parameters<typeof testStore>[0] = {}): Promise<AppStore> {
  const store = testStore(overrides);
  await store.getState().actions.startProbe();
  if (store.getState().phase !== 'planned')
    throw new Error(`expected planned, got ${store.getState().phase}`);
  return store;
}

const ANSI = /\u001B\[[0-9;?]*[A-Za-z]/g;

export function stripAnsi(text: string): string {
  return text.replace(ANSI, '');
}

export function renderUi(store: AppStore, options: { env?: Environment; viewport?: Viewport } = {}) {
  const env = options.env ?? UTF8_ENV;
  const exits: AppExit[] = [];
  const instance = render(
    <App
      store={store}
      ui={{ glyphs: chooseGlyphs(env), color: colorEnabled(env) }}
      viewport={options.viewport ?? TERMINAL_80x24}
      onExit={(exit) => exits.push(exit)}
    />,
  );
  const raw = () => instance.lastFrame() ?? '';
  const frame = () => stripAnsi(raw());
  return { ...instance, exits, raw, frame, lines: () => frame().split('\n') };
}

export type Ui = ReturnType<typeof renderUi>;

const WAIT = { timeout: 3_000, interval: 5 };

/** Waits until the visible frame satisfies `predicate`. */
export async function waitForFrame(
  ui: Ui,
  predicate: (frame: string) => boolean,
  what: string,
): Promise<string> {
  await vi.waitFor(() => {
    if (!predicate(ui.frame())) throw new Error(`frame never showed ${what}; last frame:\n${ui.frame()}`);
  }, WAIT);
  return ui.frame();
}

/** Waits (bounded) until `condition` holds: for effects that do not redraw, like exiting. */
export async function waitUntil(condition: () => boolean, what: string): Promise<void> {
  await vi.waitFor(() => {
    if (!condition()) throw new Error(`never saw ${what}`);
  }, WAIT);
}

/** Writes a key and waits until the app has exited. */
export async function pressToExit(ui: Ui, input: string): Promise<void> {
  ui.stdin.write(input);
  await waitUntil(() => ui.exits.length > 0, `an exit after ${JSON.stringify(input)}`);
}

/** Writes a key and waits for the frame to change (the key was handled and redrawn). */
export async function press(ui: Ui, input: string): Promise<string> {
  const before = ui.raw();
  ui.stdin.write(input);
  await vi.waitFor(() => {
    if (ui.raw() === before) throw new Error(`frame did not change after ${JSON.stringify(input)}`);
  }, WAIT);
  return ui.frame();
}

/** Writes a key and waits until the frame shows what the key should lead to. */
export async function pressUntil(ui: Ui, input: string, predicate: (frame: string) => boolean, what: string) {
  ui.stdin.write(input);
  return waitForFrame(ui, predicate, what);
}

export function cells(line: string): number {
  return [...line].length;
}
