/**
 * renderApp is what the CLI calls: real Ink render with the given streams. These tests give it
 * stream doubles shaped like a terminal (80x24) and like a pipe.
 */
import { EventEmitter } from 'node:events';
import { describe, expect, it } from 'vitest';
import { inkRenderOptions, renderApp } from '../../source/ui/app.js';
import { plannedStore, stripAnsi, testStore, UTF8_ENV, waitUntil } from './harness.js';

class TerminalOut extends EventEmitter {
  columns = 80;
  rows = 24;
  readonly isTTY = true;
  output = '';
  write = (chunk: string) => {
    this.output += chunk;
    return true;
  };
}

class KeyboardIn extends EventEmitter {
  private queue: string[] = [];
  rawModeCalls: boolean[] = [];
  constructor(readonly isTTY: boolean) {
    super();
  }
  type(data: string) {
    this.queue.push(data);
    this.emit('readable');
  }
  read = () => this.queue.shift() ?? null;
  setRawMode = (mode: boolean) => {
    this.rawModeCalls.push(mode);
    return this;
  };
  setEncoding() {}
  resume() {}
  pause() {}
  ref() {}
  unref() {}
}

function streams(tty: boolean) {
  const stdout = new TerminalOut();
  const stdin = new KeyboardIn(tty);
  return {
    stdout,
    stdin,
    options: {
      stdout: stdout as unknown as NodeJS.WriteStream,
      stderr: new TerminalOut() as unknown as NodeJS.WriteStream,
      stdin: stdin as unknown as NodeJS.ReadStream,
      env: UTF8_ENV,
      // vitest replaces console with an object Ink cannot wrap.
      patchConsole: false,
    },
  };
}

describe('renderApp', () => {
  it('renders into the given terminal and resolves with the exit the operator chose', async () => {
    const store = await plannedStore();
    const { stdin, stdout, options } = streams(true);
    const app = renderApp(store, options);
    // Raw mode is switched on when the input handler attaches; keys typed before that are not read.
    await waitUntil(() => stdin.rawModeCalls[0] === true, 'raw mode');
    stdin.type('q');
    await expect(app.waitUntilExit()).resolves.toEqual({
      code: 0,
      reason: 'quit at the preview; nothing was changed',
    });
    // Under CI Ink writes only the last frame, at exit; either way the preview reached stdout.
    expect(stripAnsi(stdout.output)).toContain('ens18 → fcbr0');
  });

  it('follows a terminal resize: a taller terminal gets a taller pane', async () => {
    const store = await plannedStore();
    const { stdout, options } = streams(true);
    const app = renderApp(store, options);
    await waitUntil(() => store.getState().layout.height === 12, 'the 80x24 layout');
    stdout.rows = 40;
    stdout.emit('resize');
    await waitUntil(() => store.getState().layout.height === 28, 'the 80x40 layout');
    app.unmount();
  });

  it('does not touch raw mode or react to input when stdin is a pipe', async () => {
    const store = testStore();
    void store.getState().actions.startProbe();
    const { stdin, stdout, options } = streams(false);
    const app = renderApp(store, options);
    await waitUntil(() => store.getState().phase === 'planned', 'the plan');
    stdin.type('q');
    expect(store.getState().exit).toBeNull();
    app.unmount();
    await expect(app.waitUntilExit()).resolves.toBeNull();
    expect(stdin.rawModeCalls).toEqual([]);
    expect(stripAnsi(stdout.output)).toContain('bridge-migrate');
  });

  it('leaves the streams to Ink (the process streams) when none are given', () => {
    const options = inkRenderOptions({});
    expect(Object.keys(options)).not.toContain('stdin');
    expect(Object.keys(options)).not.toContain('stdout');
    expect(Object.keys(options)).not.toContain('stderr');
    // Ink's incremental mode left stale lines; renderApp's line differ sends only changed lines.
    expect(options).toMatchObject({ exitOnCtrlC: false, patchConsole: true, incrementalRendering: false });
  });
});
