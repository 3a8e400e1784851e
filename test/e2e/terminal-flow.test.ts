/**
 * DESIGN.md "What the operator sees", the real terminal: the TUI in a tmux pane of 80x24 with `--dry-run` on the lab host
 * (inside its namespace, the real probe of a real ens18), driven key by key through the whole
 * read-only flow — probe, preview, Tab, j, a, Enter, ?, Esc, q — with every frame read back from
 * the pane. Run once in a UTF-8 locale and once with LANG=C, where not one byte the program writes
 * may be outside ASCII. Needs root, tmux and `npm run build`.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { expect, test } from 'vitest';
import { snapshotDifferences } from '../../source/lab/index.js';
import { type TmuxPane, withTmux } from '../../source/lab/tmux-pane.js';
import { DIST_CLI, requireBuiltCli } from '../lab/helpers/guardian-cli.js';
import { withLab } from '../lab/helpers/lab-state.js';
import { SCREEN_MS } from './helpers/operator.js';

const COLUMNS = 80;
const ROWS = 24;

const LOCALES = [
  { name: 'UTF-8', env: { LANG: 'C.UTF-8', LC_ALL: 'C.UTF-8', LC_CTYPE: 'C.UTF-8' }, arrow: '→' },
  { name: 'C (ASCII)', env: { LANG: 'C', LC_ALL: 'C', LC_CTYPE: 'C' }, arrow: '->' },
] as const;

/** Fails unless the frame fits the terminal: no line wider than it, the title still on the top row. */
function expectFits(frame: string, title: RegExp, step: string): void {
  const lines = frame.replace(/\n$/, '').split('\n');
  expect(lines.length, `${step}: lines\n${frame}`).toBeLessThanOrEqual(ROWS);
  const wide = lines.filter((line) => [...line].length > COLUMNS);
  expect(wide, `${step}: lines wider than ${COLUMNS} columns`).toEqual([]);
  // Had a frame been taller than the pane, the terminal would have scrolled its top rows away.
  expect(lines[0], `${step}: top row\n${frame}`).toMatch(title);
}

for (const locale of LOCALES) {
  test(`dry run at 80x24, ${locale.name}: probe, preview, Tab, j, a, Enter, ?, Esc, q; exit 0`, async () => {
    requireBuiltCli();
    await withLab({ host: { kind: 'dhcp' } }, async (lab) => {
      const rootDir = join(lab.dir, 'root');
      mkdirSync(rootDir);
      const before = await lab.snapshot(lab.ns.host);
      await withTmux(async (tmux) => {
        const argv = ['ip', 'netns', 'exec', lab.ns.host, process.execPath, DIST_CLI, '--dry-run'];
        argv.push('--nic', lab.uplink, '--state-dir', join(lab.dir, 'state'), '--root-dir', rootDir);
        const pane = await tmux.newSession(argv, {
          columns: COLUMNS,
          rows: ROWS,
          recordOutput: true,
          env: { ...locale.env, SSH_CONNECTION: `${lab.peerAddress} 50022 ${lab.hostAddress} 22` },
        });
        const frames = await walkThrough(pane, locale.arrow);

        expect(await pane.waitForExit(SCREEN_MS)).toEqual({ code: 0, signal: null });
        for (const [step, frame] of frames) expectFits(frame, /^bridge-migrate {2}/, step);

        const output = pane.output();
        const text = output.toString('latin1');
        // The probe screen came first, then the preview.
        const probing = text.indexOf('probing this host for');
        const preview = text.indexOf('Verdicts');
        expect(probing).toBeGreaterThanOrEqual(0);
        expect(preview).toBeGreaterThan(probing);
        const high = [...output].filter((byte) => byte >= 0x80).length;
        if (locale.arrow === '->') expect(high, 'bytes >= 0x80 in an ASCII session').toBe(0);
        else expect(high, 'a UTF-8 session draws its glyphs').toBeGreaterThan(0);
      });
      // A dry run changes nothing on the host.
      expect(snapshotDifferences(before, await lab.snapshot(lab.ns.host))).toEqual([]);
    });
  });
}

/**
 * Sends each key once the screen shows the previous key's effect, and returns the frame seen after
 * each. Keys sent at once reach Ink as one chunk, which it reads as one input.
 */
async function walkThrough(pane: TmuxPane, arrow: string): Promise<Array<[string, string]>> {
  const frames: Array<[string, string]> = [];
  const see = async (step: string, pattern: RegExp | string) => {
    frames.push([step, await pane.waitForText(pattern, SCREEN_MS)]);
  };
  await see('preview', /Enter apply/);
  expect(frames[0]?.[1]).toContain(`ens18 ${arrow} fcbr0`);
  expect(frames[0]?.[1]).toMatch(/DRY RUN/);
  expect(frames[0]?.[1]).toMatch(/\[Verdicts \d+\]/);

  await pane.sendKeys('Tab');
  await see('Tab: steps pane', /\[Steps \d+\]/);
  const steps = frames.at(-1)?.[1] ?? '';
  expect(steps).toContain('Create bridge fcbr0');
  expect(steps).toMatch(/rows 1-\d+ of \d+/);

  await pane.sendKeys('j');
  await see('j: scrolled one row', /rows 2-\d+ of \d+/);

  await pane.sendKeys('a');
  await see('a: acknowledged', /warnings?, acknowledged/);

  await pane.sendKeys('Enter');
  await see('Enter: dry run refuses', /Dry run: nothing will be applied/);

  await pane.sendKeys('?');
  await see('?: help', /closes this help/);
  expect(frames.at(-1)?.[1]).toMatch(/Tab +move to the next pane/);

  await pane.sendKeys('Escape');
  frames.push([
    'Esc: help closed',
    await pane.waitForScreen(
      'the help to close',
      (screen) => !screen.includes('closes this help') && /\[Steps \d+\]/.test(screen),
      SCREEN_MS,
    ),
  ]);
  // Nothing scrolled off the top while the TUI ran: no frame was taller than the terminal.
  expect(await pane.format('#{history_size}')).toBe('0');

  await pane.sendKeys('q');
  return frames;
}
