import { cleanup } from 'ink-testing-library';
import { afterEach, expect, it, vi } from 'vitest';

// Ink colors through chalk, which turns itself off when stdout is not a terminal (as under
// vitest). Forcing it on before Ink loads makes the NO_COLOR test able to fail: without NO_COLOR
// the same frames must carry escapes.
vi.hoisted(() => {
  process.env.FORCE_COLOR = '1';
});

import type { Environment } from '../../source/ui/glyphs.js';
import { blockedPlan } from './fixtures.js';
import { KEY, plannedStore, press, renderUi, type Ui, UTF8_ENV, waitForFrame } from './harness.js';

afterEach(() => cleanup());

async function frames(env: Environment): Promise<string[]> {
  const store = await plannedStore({ planned: blockedPlan() });
  const ui: Ui = renderUi(store, { env });
  await waitForFrame(ui, (f) => f.includes('[Verdicts'), 'the preview');
  const seen = [ui.raw()];
  for (const key of [KEY.tab, KEY.tab, KEY.enter, '?']) {
    await press(ui, key);
    seen.push(ui.raw());
  }
  return seen;
}

it('colors the preview when color is allowed', async () => {
  for (const frame of await frames(UTF8_ENV)) expect(frame).toContain('\u001B[');
});

it('writes no escape sequence at all under NO_COLOR', async () => {
  for (const frame of await frames({ ...UTF8_ENV, NO_COLOR: '1' })) expect(frame).not.toContain('\u001B');
});
