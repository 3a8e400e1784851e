/**
 * <Static> as a terminal sees it: the app rendered by Ink itself (not ink-testing-library, whose
 * debug mode repeats the whole static log in every frame) into a fake 80x24 terminal that records
 * every byte. A finished step must be written exactly once while the live part below it keeps
 * changing; if it were part of the live region, every redraw would write it again (and under CI,
 * where Ink holds the live region back until exit, it would not be written at all).
 */
import { EventEmitter } from 'node:events';
import { render } from 'ink';
import { afterEach, expect, it, vi } from 'vitest';
import { App, inkRenderOptions } from '../../source/ui/app.js';
import { chooseGlyphs, colorEnabled } from '../../source/ui/glyphs.js';
import { fakeMigration } from './fake-migration.js';
import { quietPlan } from './fixtures.js';
import { plannedStore, stripAnsi, UTF8_ENV } from './harness.js';

class FakeTerminal extends EventEmitter {
  readonly columns = 80;
  readonly rows = 24;
  readonly isTTY = true;
  readonly chunks: string[] = [];
  write = (chunk: string | Uint8Array) => {
    this.chunks.push(String(chunk));
    return true;
  };
  text = () => stripAnsi(this.chunks.join(''));
  raw = () => this.chunks.join('');
}

class FakeInput extends EventEmitter {
  readonly isTTY = false;
  setEncoding() {}
  resume() {}
  pause() {}
  ref() {}
  unref() {}
  read = () => null;
}

let unmount: (() => void) | null = null;
afterEach(() => {
  unmount?.();
  unmount = null;
});

function occurrences(text: string, needle: string): number {
  return text.split(needle).length - 1;
}

it('prints each finished step once, above a live region that never fills the terminal', async () => {
  const engine = fakeMigration();
  const store = await plannedStore({ planned: quietPlan(), migration: engine.deps });
  const terminal = new FakeTerminal();
  const instance = render(
    <App store={store} ui={{ glyphs: chooseGlyphs(UTF8_ENV), color: colorEnabled(UTF8_ENV) }} />,
    {
      ...inkRenderOptions({
        stdout: terminal as unknown as NodeJS.WriteStream,
        stderr: terminal as unknown as NodeJS.WriteStream,
        stdin: new FakeInput() as unknown as NodeJS.ReadStream,
        patchConsole: false,
      }),
      // Whole-frame redraws: a line kept in the live region would be written on every change.
      incrementalRendering: false,
    },
  );
  unmount = () => instance.unmount();
  const written = (needle: string) =>
    vi.waitFor(
      () => {
        if (!terminal.text().includes(needle)) throw new Error(`never written: ${needle}`);
      },
      { timeout: 3_000, interval: 10 },
    );

  store.getState().actions.requestApply();
  const applying = store.getState().actions.confirmApply();
  const plan = quietPlan();
  engine.arm(plan);
  await written('✓ baseline   Your SSH client');
  const firstStep = '✓ ok         1/3 Create bridge fcbr0 with the MAC and MTU of ens18';
  engine.step('stage-bridge', 'running');
  engine.step('stage-bridge', 'ok');
  await written(firstStep);
  // Three more changes below it, each waited for, so the live region is redrawn again and again.
  for (const id of ['cutover', 'stop-dhcp']) {
    engine.step(id, 'running');
    engine.step(id, 'ok');
  }
  await written('3/3 Stop dhclient on ens18 without releasing the lease');
  engine.checks('verify', 'fcbr0');
  await written('✓ verify     Your SSH client');
  engine.finishStart({ kind: 'pending', deadline: Date.now() + 120_000, checks: [] });
  await applying;
  expect(store.getState().phase).toBe('awaiting-confirmation');

  const text = terminal.text();
  expect(occurrences(text, firstStep)).toBe(1);
  expect(occurrences(text, 'bridge-migrate  applying ens18 → fcbr0: 3 steps')).toBe(1);
  expect(occurrences(text, '✓ verify     Gateway 198.51.100.1 answers ARP')).toBe(1);
  // Ink clears the whole screen and reprints the log whenever the live part is as tall as the
  // terminal; it never had to.
  expect(terminal.raw()).not.toContain('\u001B[2J');
});
