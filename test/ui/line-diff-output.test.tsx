/**
 * line-diff-output.ts rewrites Ink's frames into "only the lines that changed". It must never
 * change what the terminal shows: the same random sequences of live frames, <Static> lines and
 * frames taller than the terminal, rendered by real Ink onto two fake terminals, one plain and one
 * through the differ, must leave identical screens and scrollback, and the differ must send fewer
 * bytes whenever most lines stay the same.
 */
// First: these tests play an operator at a terminal; Ink must load as on one (see the module).
import './operator-terminal.js';
import { EventEmitter } from 'node:events';
import fc from 'fast-check';
import { Box, render, Static, Text } from 'ink';
import { useSyncExternalStore } from 'react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { inkRenderOptions } from '../../source/ui/app.js';
import { createLineDiffer, lineDiffOutput } from '../../source/ui/line-diff-output.js';
import { VtScreen } from './vt-screen.js';

const ESC = '\u001B[';
const erase = (n: number) => `${`${ESC}2K${ESC}1A`.repeat(n - 1)}${ESC}2K${ESC}G`;

describe('the line differ', () => {
  it('passes the first frame through, then rewrites only changed lines and keeps the cursor below', () => {
    const differ = createLineDiffer();
    expect(differ.transform('one\ntwo\nthree\n')).toBe('one\ntwo\nthree\n');
    expect(differ.transform(`${erase(4)}one\nTWO\nthree\n`)).toBe(`${ESC}3A\n${ESC}2KTWO\n\n`);
    // Fewer lines: the rest of the old frame is erased below the new one.
    expect(differ.transform(`${erase(4)}one\n`)).toBe(`${ESC}3A\n${ESC}J`);
    // More lines: the new ones are written (and scroll) like log-update would.
    expect(differ.transform(`${erase(2)}one\ntwo\n`)).toBe(`${ESC}1A\n${ESC}2Ktwo\n`);
  });

  it('forgets the frame after anything it does not know, and never patches an unknown screen', () => {
    const differ = createLineDiffer();
    differ.transform('a\nb\n');
    expect(differ.transform(`${erase(3)}`)).toBe(`${erase(3)}`); // log.clear()
    expect(differ.transform('static line\n')).toBe('static line\n');
    expect(differ.transform('a\nb\n')).toBe('a\nb\n'); // the frame after <Static>
    expect(differ.transform(`${ESC}?25h`)).toBe(`${ESC}?25h`);
    expect(differ.transform(`${erase(3)}a\nc\n`)).toBe(`${erase(3)}a\nc\n`);
    // A frame whose erase count does not match the last frame is passed on as it is.
    expect(differ.transform(`${erase(5)}a\nd\n`)).toBe(`${erase(5)}a\nd\n`);
    // The synchronized-output markers around a frame keep what is known.
    differ.transform(`${erase(3)}a\nd\n`);
    expect(differ.transform(`${ESC}?2026h`)).toBe(`${ESC}?2026h`);
    expect(differ.transform(`${erase(3)}a\ne\n`)).toBe(`${ESC}2A\n${ESC}2Ke\n`);
  });
});

class Tty extends EventEmitter {
  readonly isTTY = true;
  readonly columns = 40;
  readonly rows = 12;
  constructor(readonly screen: VtScreen) {
    super();
  }
  write = (chunk: string, callback?: () => void) => {
    this.screen.write(String(chunk));
    callback?.();
    return true;
  };
}

interface Scene {
  staticLines: string[];
  live: string[];
}

function sceneStore(initial: Scene) {
  let scene = initial;
  const listeners = new Set<() => void>();
  return {
    get: () => scene,
    set(next: Scene) {
      scene = next;
      for (const listener of listeners) listener();
    },
    subscribe(listener: () => void) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}

function SceneView({ store }: { store: ReturnType<typeof sceneStore> }) {
  const scene = useSyncExternalStore(store.subscribe, store.get);
  return (
    <Box flexDirection="column">
      <Static items={scene.staticLines.map((text, index) => ({ text, index }))}>
        {({ text, index }) => <Text key={index}>{text}</Text>}
      </Static>
      {scene.live.map((line, index) => (
        // biome-ignore lint/suspicious/noArrayIndexKey: lines are positional
        <Text key={index}>{line === '' ? ' ' : line}</Text>
      ))}
    </Box>
  );
}

function mount(stdout: NodeJS.WriteStream, store: ReturnType<typeof sceneStore>) {
  return render(<SceneView store={store} />, {
    ...inkRenderOptions({ stdout, stderr: stdout, patchConsole: false }),
  });
}

const line = fc.constantFrom('', 'status', 'seconds 57', 'seconds 56', 'checks ok', 'a longer line of text');
const step = fc.oneof(
  { weight: 4, arbitrary: fc.array(line, { minLength: 1, maxLength: 8 }).map((live) => ({ live })) },
  // Taller than the 12-row terminal: Ink's clear-and-reprint path.
  { weight: 1, arbitrary: fc.array(line, { minLength: 12, maxLength: 14 }).map((live) => ({ live })) },
  { weight: 1, arbitrary: line.map((text) => ({ staticLine: text })) },
);

describe('on a terminal', () => {
  beforeEach(() => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval', 'Date'] });
  });
  afterEach(() => vi.useRealTimers());

  it('shows exactly what the plain stream shows, for any sequence of frames', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(step, { minLength: 1, maxLength: 15 }), async (steps) => {
        const plain = new VtScreen(40, 12);
        const diffed = new VtScreen(40, 12);
        const first: Scene = { staticLines: [], live: ['start'] };
        const stores = [sceneStore(first), sceneStore(first)];
        const apps = [
          mount(new Tty(plain) as unknown as NodeJS.WriteStream, stores[0] as ReturnType<typeof sceneStore>),
          mount(
            lineDiffOutput(new Tty(diffed) as unknown as NodeJS.WriteStream),
            stores[1] as ReturnType<typeof sceneStore>,
          ),
        ];
        try {
          for (const change of steps) {
            for (const store of stores) {
              const scene = store.get();
              store.set(
                'staticLine' in change
                  ? { ...scene, staticLines: [...scene.staticLines, change.staticLine] }
                  : { ...scene, live: change.live },
              );
            }
            await vi.advanceTimersByTimeAsync(300);
            expect(diffed.scrollback()).toEqual(plain.scrollback());
            expect(diffed.screen()).toEqual(plain.screen());
          }
        } finally {
          for (const app of apps) app.unmount();
        }
      }),
      { numRuns: 60 },
    );
  });

  it('sends only the changed line when one line of many changes', async () => {
    const plain = new VtScreen(40, 12);
    const diffed = new VtScreen(40, 12);
    const live = ['seconds 57', 'guardian alive', 'checks ok', '', 'keys: c confirm  r roll back'];
    const stores = [sceneStore({ staticLines: [], live }), sceneStore({ staticLines: [], live })];
    const apps = [
      mount(new Tty(plain) as unknown as NodeJS.WriteStream, stores[0] as ReturnType<typeof sceneStore>),
      mount(
        lineDiffOutput(new Tty(diffed) as unknown as NodeJS.WriteStream),
        stores[1] as ReturnType<typeof sceneStore>,
      ),
    ];
    await vi.advanceTimersByTimeAsync(300);
    const before = [plain.bytes, diffed.bytes];
    for (let second = 56; second > 46; second--) {
      for (const store of stores)
        store.set({ staticLines: [], live: [`seconds ${second}`, ...live.slice(1)] });
      await vi.advanceTimersByTimeAsync(1000);
    }
    for (const app of apps) app.unmount();
    const plainBytes = plain.bytes - (before[0] as number);
    const diffedBytes = diffed.bytes - (before[1] as number);
    expect(diffed.screen()).toEqual(plain.screen());
    expect(diffedBytes).toBeLessThan(plainBytes / 2);
  });
});
