import { cleanup } from 'ink-testing-library';
import { afterEach, describe, expect, it } from 'vitest';
import { buildOperatorCommands } from '../../source/plan/operator-commands.js';
import { blockedPlan, quietPlan, typographicPlan } from './fixtures.js';
import {
  cells,
  KEY,
  plannedStore,
  press,
  pressToExit,
  pressUntil,
  renderUi,
  stripAnsi,
  type Ui,
  waitForFrame,
} from './harness.js';

afterEach(() => cleanup());

async function preview(overrides: Parameters<typeof plannedStore>[0] = {}, env?: Record<string, string>) {
  const store = await plannedStore(overrides);
  const ui = renderUi(store, env ? { env } : {});
  await waitForFrame(ui, (f) => f.includes('[Verdicts'), 'the preview');
  return { store, ui };
}

function tabRow(frame: string): string {
  return frame.split('\n').find((line) => line.includes('Config diff')) ?? '';
}

/** The rows of the pane viewport: between the tab row and the notice lines. */
function paneText(ui: Ui): string[] {
  const lines = ui.lines();
  const start = lines.findIndex((line) => line.includes('Config diff'));
  return lines.slice(start + 1, lines.length - 4);
}

function hintRows(ui: Ui): string {
  return ui.lines().slice(-2).join('\n');
}

describe('plan preview', () => {
  it('shows the change, the deadline, the other-session commands and the picture', async () => {
    const { ui } = await preview();
    const lines = ui.lines();
    expect(lines[0]).toBe('bridge-migrate  ens18 → fcbr0  deadline 120 s  persist netplan');
    expect(lines[1]).toBe('from another session: bridge-migrate confirm  •  bridge-migrate rollback --yes');
    expect(lines[2]).toBe('! 2 warnings, not acknowledged   i 1 info');
    expect(lines[3]).toMatch(/^before +│ after$/);
    expect(lines[4]).toMatch(/^ens18 198\.51\.100\.240\/24 default +│ fcbr0 198\.51\.100\.240\/24 default$/);
    expect(lines[5]).toMatch(/^ +│ {3}└─ ens18$/);
    expect(paneText(ui)[0]).toMatch(/^! WARNING Your SSH session from 198\.51\.100\.23/);
  });

  it('names a non-default --state-dir in the commands for another session, never cut', async () => {
    const stateDir = '/tmp/bm4908bd-PXBAnG/state';
    const { ui } = await preview({
      commands: buildOperatorCommands({ stateDir }),
    });
    // Too long for one header row: the header points at the Steps pane instead of cutting them.
    expect(ui.lines()[1]).toBe('from another session: confirm / rollback (exact commands: Steps pane, Tab)');
    await press(ui, KEY.tab);
    expect(paneText(ui).slice(0, 3)).toEqual([
      'From another session, once applied:',
      `   keep it: bridge-migrate confirm --state-dir ${stateDir}`,
      `   undo it: bridge-migrate rollback --yes --state-dir ${stateDir}`,
    ]);
  });

  it('Tab cycles verdicts, steps, config diff; Shift-Tab goes back', async () => {
    const { ui } = await preview();
    expect(tabRow(ui.frame())).toMatch(/^\[Verdicts 3\] {2}Steps 3 {3}Config diff 1/);
    await press(ui, KEY.tab);
    expect(tabRow(ui.frame())).toMatch(/^ Verdicts 3 {2}\[Steps 3\] {2}Config diff 1/);
    expect(paneText(ui).slice(0, 4)).toEqual([
      'From another session, once applied:',
      '   keep it: bridge-migrate confirm',
      '   undo it: bridge-migrate rollback --yes',
      '1. Create bridge fcbr0 with the MAC and MTU of ens18',
    ]);
    await press(ui, KEY.tab);
    expect(tabRow(ui.frame())).toContain('[Config diff 1]');
    expect(paneText(ui)[0]).toBe('/etc/netplan/50-cloud-init.yaml (netplan)');
    expect(paneText(ui)).toContain('-      dhcp4: true');
    await press(ui, KEY.tab);
    expect(tabRow(ui.frame())).toContain('[Verdicts 3]');
    await press(ui, KEY.shiftTab);
    expect(tabRow(ui.frame())).toContain('[Config diff 1]');
  });

  it('keys that arrive in one chunk (fast typing, a paste, a stalled SSH link) each take effect', async () => {
    const { ui } = await preview();
    expect(hintRows(ui)).toContain('a acknowledge');
    // "a" then Tab then Tab, as one read() of stdin.
    await pressUntil(ui, `a${KEY.tab}${KEY.tab}`, (f) => tabRow(f).includes('[Config diff 1]'), 'two Tabs');
    expect(hintRows(ui)).not.toContain('a acknowledge');
  });

  it('j/k and the arrows scroll the focused pane by a row, PgDn/PgUp by a page', async () => {
    const { ui, store } = await preview();
    await press(ui, KEY.tab);
    const top = paneText(ui);
    expect(tabRow(ui.frame())).toMatch(/↓ rows 1-12 of \d+$/);

    await press(ui, 'j');
    expect(paneText(ui)).toEqual([...top.slice(1), expect.any(String)]);
    expect(tabRow(ui.frame())).toMatch(/↑↓ rows 2-13 of/);
    await press(ui, KEY.down);
    expect(paneText(ui)[0]).toBe(top[2]);
    await press(ui, 'k');
    await press(ui, KEY.up);
    expect(paneText(ui)).toEqual(top);

    await press(ui, KEY.pageDown);
    expect(paneText(ui)[0]).toBe(top[11]);
    await press(ui, KEY.pageUp);
    expect(paneText(ui)).toEqual(top);

    // At the bottom, j does nothing: the viewport never scrolls into blank rows.
    await press(ui, 'G');
    const bottom = paneText(ui);
    expect(bottom.at(-1)).toBe('     $ dhclient -4 -pf /run/dhclient.ens18.pid ens18 &');
    store.getState().actions.scroll(5);
    expect(paneText(ui)).toEqual(bottom);
    await press(ui, 'g');
    expect(paneText(ui)).toEqual(top);
  });

  it('shows every command of a step and its inverse, the batch as ip -batch with its lines', async () => {
    const { ui } = await preview();
    await press(ui, KEY.tab);
    const seen: string[] = [];
    for (let page = 0; page < 5; page += 1) {
      seen.push(...paneText(ui));
      if (!tabRow(ui.frame()).includes('↓')) break;
      await press(ui, KEY.pageDown);
    }
    const text = seen.join('\n');
    expect(text).toContain("     $ ip -batch - <<'EOF'\n       link set dev ens18 master fcbr0");
    expect(text).toContain('       route replace default via 198.51.100.1 dev fcbr0 proto dhcp src');
    expect(text).toContain('       link set dev ens18 nomaster\n       EOF');
    expect(text).toContain('   undo:\n     $ ip link del dev fcbr0');
  });

  it('a acknowledges the warnings and the hints change', async () => {
    const { ui } = await preview();
    expect(hintRows(ui)).toContain('a acknowledge 2 warnings');
    expect(hintRows(ui)).toContain('Enter apply (ack first)');
    const frame = await press(ui, 'a');
    expect(frame).toContain('! 2 warnings, acknowledged');
    expect(frame).toContain('Acknowledged 2 warnings.');
    expect(hintRows(ui)).not.toContain('acknowledge');
    expect(hintRows(ui)).toMatch(/Enter apply {2}/);
  });

  it('Enter before the acknowledgement is refused', async () => {
    const { ui, store } = await preview();
    await press(ui, KEY.tab);
    const frame = await press(ui, KEY.enter);
    expect(frame).toContain('Read the 2 warnings first, then press a to acknowledge.');
    expect(tabRow(frame)).toContain('[Verdicts 3]');
    expect(store.getState().phase).toBe('planned');
  });

  it('Enter after the acknowledgement on a dry run says nothing will be applied', async () => {
    const { ui, store } = await preview({ dryRun: true });
    expect(ui.lines()[0]).toContain('DRY RUN');
    await press(ui, 'a');
    const frame = await press(ui, KEY.enter);
    expect(frame).toContain('Dry run: nothing will be applied. Run without --dry-run to apply this plan.');
    expect(store.getState().phase).toBe('planned');
  });

  it('Enter asks, and y without an apply function says apply is not available', async () => {
    const { ui, store } = await preview();
    await press(ui, 'a');
    let frame = await press(ui, KEY.enter);
    expect(frame).toContain(
      'Apply 3 steps now: ens18 → fcbr0, deadline 120 s (this build cannot apply)? y/N',
    );
    expect(hintRows(ui)).toContain('y yes (apply unavailable)');
    frame = await press(ui, 'y');
    expect(frame).toContain('apply is not available in this build; nothing was changed.');
    expect(store.getState().phase).toBe('planned');
    expect(frame).not.toContain('y/N');
  });

  it('n (or Esc) answers no and stays on the preview', async () => {
    const { ui } = await preview({ planned: quietPlan() });
    await press(ui, KEY.enter);
    let frame = await press(ui, 'n');
    expect(frame).toContain('Not applied; nothing was changed.');
    await pressUntil(ui, KEY.enter, (f) => f.includes('y/N'), 'the question again');
    frame = await pressUntil(ui, KEY.escape, (f) => !f.includes('y/N'), 'the question gone');
    expect(frame).toContain('Not applied; nothing was changed.');
    expect(ui.exits).toEqual([]);
  });

  it('q quits, and so do Esc and Ctrl-C', async () => {
    for (const key of ['q', KEY.escape, KEY.ctrlC]) {
      const { ui } = await preview();
      await pressToExit(ui, key);
      expect(ui.exits).toEqual([{ code: 0, reason: 'quit at the preview; nothing was changed' }]);
      cleanup();
    }
  });

  it('? shows the help from the key table and Esc closes it without quitting', async () => {
    const { ui } = await preview();
    let frame = await press(ui, '?');
    expect(frame).toContain('Keys  (? or Esc closes this help)');
    expect(frame).toMatch(/Tab +move to the next pane: verdicts, steps, config diff/);
    expect(frame).toMatch(/a +acknowledge the warnings \(needed before Enter\)/);
    expect(frame).toMatch(/Esc\/q +go back, or quit/);
    expect(hintRows(ui)).toContain('Esc/q close help');
    expect(ui.lines().length).toBeLessThanOrEqual(24);
    frame = await press(ui, KEY.escape);
    expect(frame).toContain('[Verdicts 3]');
    expect(ui.exits).toEqual([]);
    await press(ui, '?');
    frame = await press(ui, '?');
    expect(frame).toContain('[Verdicts 3]');
  });

  it('shows blockers, refuses Enter with the reasons, and quits with exit code 1', async () => {
    const { ui } = await preview({ planned: blockedPlan() });
    expect(ui.lines()[2]).toBe('✗ 1 blocker: cannot apply   ! 1 warning, not acknowledged');
    expect(paneText(ui)[0]).toBe(
      '✗ BLOCKER ens18 is a Wi-Fi interface; access points drop frames from MACs that',
    );
    expect(hintRows(ui)).toContain('Enter blocked');
    await press(ui, 'a');
    const frame = await press(ui, KEY.enter);
    expect(frame).toContain('Cannot apply, 1 blocker: ens18 is a Wi-Fi interface');
    expect(frame).not.toContain('y/N');
    await pressToExit(ui, 'q');
    expect(ui.exits[0]?.code).toBe(1);
  });
});

describe('terminal constraints', () => {
  /** Drives the preview through every pane, the help, a notice and the question, collecting frames. */
  async function framesThroughPreview(ui: Ui): Promise<string[]> {
    const frames = [ui.raw()];
    for (const key of [
      KEY.tab,
      KEY.pageDown,
      'G',
      KEY.tab,
      'G',
      KEY.tab,
      KEY.enter,
      'a',
      '?',
      '?',
      KEY.enter,
    ]) {
      await press(ui, key);
      frames.push(ui.raw());
    }
    return frames;
  }

  it('never exceeds 24 rows or 80 columns', async () => {
    const { ui } = await preview();
    for (const frame of await framesThroughPreview(ui)) {
      const lines = frame.split('\n');
      expect(lines.length).toBeLessThanOrEqual(24);
      for (const line of lines) expect(cells(line.replace(/\u001B\[[0-9;]*m/g, ''))).toBeLessThanOrEqual(80);
    }
  });

  it('gives a taller terminal more pane rows', async () => {
    const store = await plannedStore();
    const ui = renderUi(store, { viewport: { columns: 100, rows: 40 } });
    await waitForFrame(ui, (f) => f.includes('[Verdicts'), 'the preview');
    await press(ui, KEY.tab);
    expect(ui.lines().length).toBe(39);
    expect(tabRow(ui.frame())).toMatch(/rows 1-28 of/);
  });

  it.each([
    ['a C locale', { LANG: 'C', TERM: 'xterm' }],
    ['the Linux console', { LANG: 'en_US.UTF-8', TERM: 'linux' }],
  ])('draws only ASCII on %s', async (_, env) => {
    const { ui } = await preview({ planned: typographicPlan() }, env);
    expect(ui.frame()).toContain('ens18 -> fcbr0');
    expect(ui.frame()).toContain('-- expect a short pause... "normal"');
    for (const frame of await framesThroughPreview(ui))
      expect(stripAnsi(frame)).toMatch(/^[\x0a\x20-\x7e]*$/);
  });
});
