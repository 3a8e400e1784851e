/**
 * A plan made from a recording must never pass for the live host's: the plan text, `plan --json`
 * and the TUI's header each say REPLAY, the recording's name and when it was captured.
 */
import { cleanup } from 'ink-testing-library';
import { afterEach, describe, expect, it } from 'vitest';
import { openHostAccess, replaySource } from '../../source/cli/host-access.js';
import { runPlanCommand } from '../../source/cli/plan-command.js';
import { PROBE_NAMES, probeHost } from '../../source/host/probe.js';
import { buildPlan } from '../../source/plan/build.js';
import { DEFAULT_OPERATOR_COMMANDS } from '../../source/plan/operator-commands.js';
import type { ReplaySource } from '../../source/plan/types.js';
import { createAppStore } from '../../source/store/app-store.js';
import { createReplay } from '../../source/system/capture.js';
import { unicodeGlyphs } from '../../source/ui/glyphs.js';
import { renderPlanText } from '../../source/ui/plan-text.js';
import { headerRows } from '../../source/ui/plan-view/layout.js';
import { renderUi, steppingClock, waitForFrame } from './harness.js';
import { replayHostDocument } from './replay-host.js';

afterEach(() => cleanup());

const recording = new URL('../../recordings/hosts/ubuntu-proxmox-netplan-dhcp.json', import.meta.url)
  .pathname;
const common = { stateDir: '/var/lib/bridge-migrate', rootDir: '/', persist: 'auto' as const, log: null };
const target = { nic: null, bridge: 'fcbr0', timeoutSec: 120 };

async function planCommand(json: boolean): Promise<string> {
  const options = { ...common, replay: recording };
  const access = await openHostAccess(options, {});
  let stdout = '';
  const code = await runPlanCommand(
    access,
    target,
    options,
    { json, ascii: true },
    {
      stdout: (text) => (stdout += text),
      stderr: () => undefined,
    },
  );
  expect(code).toBe(0);
  return stdout;
}

describe('a replayed plan says so', () => {
  it('in the text: REPLAY first, with the recording, its file and its capture time', async () => {
    const text = await planCommand(false);
    const lines = text.split('\n');
    expect(lines[0]).toBe(
      `REPLAY: recording "ubuntu-proxmox-netplan-dhcp" (${recording}), composed 2026-11-28T12:00:00.000Z`,
    );
    expect(lines[1]).toBe('  not this host: nothing was probed live, and nothing here can be applied');
    expect(lines[2]).toBe('bridge-migrate plan: ens18 -> fcbr0 (REPLAY)');
    expect(text).toMatch(/^ {2}recording composed: 2026-11-28T12:00:00\.000Z \(replayed \d{4}-/m);
    expect(text).not.toContain('host snapshot taken');
  });

  it('in --json: a "replay" object with the name, file and capture time', async () => {
    const plan = JSON.parse(await planCommand(true));
    expect(plan.replay).toEqual({
      name: 'ubuntu-proxmox-netplan-dhcp',
      file: recording,
      capturedAt: '2026-11-28T12:00:00.000Z',
      origin: 'composed',
    });
  });

  it('a plan of this host has no such line and "replay": null', async () => {
    const doc = replayHostDocument();
    const replay = createReplay(doc, 'replay-host');
    const snapshot = await probeHost({ runner: replay.runner, files: replay.files, env: doc.env });
    const plan = buildPlan(snapshot, { ...target, persist: 'auto' });
    expect(plan.replay).toBeNull();
    const text = renderPlanText(plan, { ascii: true });
    expect(text).not.toContain('REPLAY');
    expect(text.split('\n')[0]).toBe('bridge-migrate plan: ens18 -> fcbr0');
  });

  it('names the recording without its control characters (the header is free text)', () => {
    const doc = replayHostDocument();
    const access = {
      replay: { ...doc, header: { ...doc.header, name: 'evil\u001b[2Jname', capturedAt: 42 as never } },
    } as unknown as Parameters<typeof replaySource>[0];
    expect(replaySource(access, { ...common, replay: '/tmp/x.json' })).toEqual({
      name: 'evil?[2Jname',
      file: '/tmp/x.json',
      capturedAt: 'unknown time',
      origin: doc.header.origin,
    });
  });

  it('in the TUI: the probe header and the preview header name the recording and its capture time', async () => {
    const doc = replayHostDocument();
    const replay = createReplay(doc, 'replay-host');
    const source: ReplaySource = {
      name: 'proxmox guest',
      file: '/tmp/host.json',
      capturedAt: '2026-11-28T12:00:00.000Z',
      origin: 'captured',
    };
    const store = createAppStore({
      probe: (listener) => probeHost({ runner: replay.runner, files: replay.files, env: doc.env }, listener),
      plan: buildPlan,
      request: { ...target, persist: 'auto', replay: source },
      dryRun: true,
      probeNames: PROBE_NAMES,
      clock: steppingClock(),
    });
    const ui = renderUi(store);
    expect(ui.lines()[0]).toMatch(/^bridge-migrate {2}REPLAY of recording "proxmox guest" for /);
    void store.getState().actions.startProbe();
    await waitForFrame(ui, (f) => f.includes('[Verdicts'), 'the preview');
    expect(ui.lines()[0]).toBe('bridge-migrate  ens18 → fcbr0  deadline 120 s  persist netplan  REPLAY');
    expect(ui.lines()[1]).toBe('REPLAY of "proxmox guest", captured 2026-11-28T12:00:00.000Z');
    // Asked to apply, a replay never suggests that dropping --dry-run would apply it.
    store.getState().actions.acknowledgeWarnings();
    store.getState().actions.requestApply();
    const frame = await waitForFrame(ui, (f) => f.includes('REPLAY of a recording'), 'the notice');
    expect(frame).toContain('REPLAY of a recording: nothing is ever applied.');
    expect(frame).not.toContain('Run without --dry-run');
    ui.unmount();
  });

  it('in the TUI at 80 columns a long recording name is cut, never the capture time', () => {
    const plan = {
      nic: 'ens18',
      bridge: 'fcbr0',
      deadlineSec: 120,
      persistWith: 'netplan',
      verdicts: [],
      replay: {
        name: 'a-very-long-recording-name-that-goes-on-and-on-for-ever-and-ever',
        file: '/tmp/x.json',
        capturedAt: '2026-11-28T12:00:00.000Z',
        origin: 'captured',
      },
    } as unknown as Parameters<typeof headerRows>[0];
    const commands = DEFAULT_OPERATOR_COMMANDS;
    const rows = headerRows(plan, { dryRun: true, acknowledged: false, commands }, unicodeGlyphs, 80);
    expect(rows[0]?.text).toMatch(/ {2}REPLAY$/);
    expect(rows[1]?.text).toMatch(
      /^REPLAY of "a-very-long-recording-name-.*…", captured 2026-11-28T12:00:00\.000Z$/,
    );
    expect([...(rows[1]?.text ?? '')].length).toBeLessThanOrEqual(80);
  });
});
