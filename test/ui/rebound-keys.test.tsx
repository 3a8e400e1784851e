/**
 * Every key a screen names comes from the key table: with each letter bound to another one, the
 * hints, the help, the questions, the store's notices, the countdown's alert, the log's pending
 * block and the outcome lines all name the new keys, those keys drive the flow, and no screen
 * still names a default letter. A text that wrote "r rolls back" by hand fails here.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { cleanup } from 'ink-testing-library';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { keyLabel } from '../../source/ui/keys.js';
import { countdownStore, settle, useFakeClock } from './countdown-harness.js';
import { revertOutcome } from './fake-migration.js';
import { proxmoxPlan, quietPlan } from './fixtures.js';
import { KEY, plannedStore, renderUi, type Ui } from './harness.js';

vi.mock('../../source/ui/key-table.js', async (importOriginal) => {
  const table = await importOriginal<typeof import('../../source/ui/key-table.js')>();
  // Letters the default table does not use, so an old letter left in a text stands out.
  const REBOUND: Record<string, string> = {
    a: 'w',
    c: 'o',
    e: 'v',
    g: 'x',
    G: 'X',
    j: 'd',
    k: 'f',
    n: 'l',
    N: 'L',
    q: 'z',
    r: 'u',
    s: 'i',
    y: 'h',
    Y: 'H',
    '?': '!',
  };
  return {
    ...table,
    KEY_BINDINGS: table.KEY_BINDINGS.map((binding) => ({
      ...binding,
      keys: binding.keys.map((spec) =>
        'input' in spec && !spec.ctrl ? { ...spec, input: REBOUND[spec.input] ?? spec.input } : spec,
      ),
    })),
  };
});

/** A default letter named as a key: "r rolls back", "press a", "q quits", "c here", "y/N". */
const DEFAULT_KEY_IN_TEXT =
  /\b[acegjknqrsy] (rolls|re-arms|quits|here|or [a-z] reverts|to )|press [acegqrsy]\b|\by\/N\b|with [cr]\b|^\? or /m;

beforeEach(useFakeClock);
afterEach(() => {
  cleanup();
  vi.useRealTimers();
});

async function type(ui: Ui, keys: string): Promise<string> {
  ui.stdin.write(keys);
  await settle();
  await settle();
  return ui.frame();
}

function expectNoDefaultKey(frame: string): void {
  expect(frame).not.toMatch(DEFAULT_KEY_IN_TEXT);
}

describe('with every letter rebound', () => {
  it('the table answers with the new keys', () => {
    expect(keyLabel('rollback')).toBe('u');
    expect(keyLabel('back')).toBe('z');
  });

  it('the preview, its notice, the help and the apply question name the new keys, and they work', async () => {
    const store = await plannedStore({ planned: proxmoxPlan() });
    const ui = renderUi(store);
    await settle();
    let frame = await type(ui, KEY.enter);
    expect(frame).toContain('then press w to acknowledge.');
    expect(frame).toMatch(/w acknowledge 2 warnings/);
    expectNoDefaultKey(frame);

    frame = await type(ui, '!');
    expect(frame).toContain('Keys  (! or Esc closes this help)');
    expect(frame).toContain('acknowledge the warnings (needed before Enter)');
    expect(frame).toMatch(/ d\/Down +scroll the pane down one row/);
    expect(frame).toMatch(/ Esc\/z +go back, or quit/);
    expectNoDefaultKey(frame);
    await type(ui, KEY.escape);

    await type(ui, 'w');
    expect(store.getState().acknowledged).toBe(true);
    frame = await type(ui, KEY.enter);
    expect(frame).toMatch(/deadline 120 s.*\? h\/L/s);
    expect(frame).toContain('l/Enter/Esc no');
    expectNoDefaultKey(frame);
  });

  it('the countdown, its dead-guardian alert, the log and the rollback outcome name the new keys', async () => {
    const { store, engine, world } = await countdownStore();
    const ui = renderUi(store);
    await settle(50);
    let frame = ui.frame();
    expect(frame).toContain('  Keep it: o here, or from a NEW SSH session (proves the new path works):');
    expect(frame).toContain('  Undo it: u here, or from any session:');
    expectNoDefaultKey(frame);

    world.guardianAlive = false;
    await settle(1000);
    frame = ui.frame();
    expect(frame).toContain('  x re-arms a guardian for the same deadline, u rolls back now.');
    expect(frame).toContain('is NOT running: nothing reverts by itself; u rolls back.');
    expectNoDefaultKey(frame);

    frame = await type(ui, 'u');
    expect(engine.deps.revert).toHaveBeenCalledTimes(1);
    engine.finishRevert(revertOutcome(quietPlan(), 3, { reason: 'operator', checks: [] }));
    await settle();
    frame = ui.frame();
    expect(frame).toContain('↺ Reverted: the host matches its pre-state. z quits (exit 3).');
    expectNoDefaultKey(frame);
    await type(ui, 'z');
    expect(ui.exits).toEqual([expect.objectContaining({ code: 3 })]);
  });

  it('the extension refused at the cap names the new confirm and roll-back keys', async () => {
    const { store } = await countdownStore({ windowSec: 3600 });
    const ui = renderUi(store);
    await settle(50);
    const frame = await type(ui, 'v');
    expect(frame).toContain('Confirm with o or roll back with u.');
    expectNoDefaultKey(frame);
  });
});

/** The screen texts under source/: every line that is not a comment, with its file and number. */
function textLines(): Array<{ where: string; line: string }> {
  const roots = ['source/ui', 'source/store', 'source/cli'];
  const files = roots.flatMap((root) =>
    readdirSync(root, { recursive: true, encoding: 'utf8' })
      .filter((file) => /\.tsx?$/.test(file))
      .map((file) => join(root, file)),
  );
  return files.flatMap((file) =>
    readFileSync(file, 'utf8')
      .split('\n')
      .map((line, index) => ({ where: `${file}:${index + 1}`, line }))
      .filter(({ line }) => !/^\s*(\*|\/\/|\/\*)/.test(line)),
  );
}

/** Sentences that name a key by its letter: "r rolls back", "press a", "with c", "(? or Esc". */
const KEY_LETTER_IN_TEXT =
  /\b[a-zA-Z?] (rolls back|re-arms|quits|reverts|here,)|press [a-zA-Z?]\b|with [a-zA-Z?][):.,]|\by\/N\b|\? or Esc/;

describe('the source', () => {
  it('writes no key letter into a screen text; it asks the key table (keyLabel)', () => {
    const found = textLines().filter(
      ({ where, line }) =>
        KEY_LETTER_IN_TEXT.test(line) &&
        // A line answer typed and read by readline (rollback without --yes, no TUI), not a key binding.
        !(where.startsWith('source/cli/rollback-command.ts') && line.includes('[y/N]')),
    );
    expect(found).toEqual([]);
  });
});
