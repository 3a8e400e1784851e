/**
 * The app rendered by Ink itself onto a fake terminal (vt-screen.ts), not through
 * ink-testing-library, whose debug mode writes the whole <Static> log again in every frame. Here
 * the bytes are what a real terminal would receive, so a test can count them per second of the
 * countdown and look at the 80x24 screen an operator would see, scrollback included.
 */
// First: these tests play an operator at a terminal; Ink must load as on one (see the module).
import './operator-terminal.js';
import { EventEmitter } from 'node:events';
import type { AppExit } from '../../source/store/app-state.js';
import type { AppStore } from '../../source/store/app-store.js';
import { renderApp } from '../../source/ui/app.js';
import type { Environment } from '../../source/ui/glyphs.js';
import { UTF8_ENV } from './harness.js';
import { VtScreen } from './vt-screen.js';

class FakeTty extends EventEmitter {
  readonly isTTY = true;
  constructor(
    readonly screen: VtScreen,
    readonly columns: number,
    readonly rows: number,
  ) {
    super();
  }
  write = (chunk: string | Uint8Array, callback?: () => void) => {
    this.screen.write(typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8'));
    callback?.();
    return true;
  };
}

/** A terminal's input side in raw mode: what the test writes is what the operator typed. */
class FakeKeyboard extends EventEmitter {
  readonly isTTY = true;
  private pending: string | null = null;
  press(keys: string): void {
    this.pending = keys;
    this.emit('readable');
  }
  read = () => {
    const keys = this.pending;
    this.pending = null;
    return keys;
  };
  setEncoding() {}
  setRawMode() {}
  resume() {}
  pause() {}
  ref() {}
  unref() {}
}

export function renderOnTerminal(
  store: AppStore,
  options: { env?: Environment; columns?: number; rows?: number } = {},
) {
  const env = options.env ?? UTF8_ENV;
  const columns = options.columns ?? 80;
  const rows = options.rows ?? 24;
  const screen = new VtScreen(columns, rows);
  const tty = new FakeTty(screen, columns, rows);
  const keyboard = new FakeKeyboard();
  // The CLI's own render path (renderApp), so the bytes counted are the ones a terminal gets.
  const app = renderApp(store, {
    stdout: tty as unknown as NodeJS.WriteStream,
    stderr: tty as unknown as NodeJS.WriteStream,
    stdin: keyboard as unknown as NodeJS.ReadStream,
    env,
    patchConsole: false,
  });
  const exits: AppExit[] = [];
  void app.waitUntilExit().then((exit) => {
    if (exit) exits.push(exit);
  });
  return { screen, keyboard, exits, unmount: () => app.unmount() };
}

export type TerminalUi = ReturnType<typeof renderOnTerminal>;
