/**
 * The whole read-only path with nothing faked but the host: the real probeHost asks a replay
 * runner (which answers only by exact argv from a capture document, and fails on anything else),
 * the real buildPlan plans the snapshot, and the store and UI show it.
 */

import { cleanup } from 'ink-testing-library';
import { afterEach, expect, it } from 'vitest';
import { PROBE_NAMES, probeHost } from '../../source/host/probe.js';
import { NETWORKD_BUS_ARGV } from '../../source/host/probes/renderer.js';
import { buildPlan } from '../../source/plan/build.js';
import { commandText } from '../../source/plan/command-text.js';
import { createAppStore } from '../../source/store/app-store.js';
import { createReplay } from '../../source/system/capture.js';
import { argvKey, type Runner } from '../../source/system/runner.js';
import { KEY, press, renderUi, steppingClock, waitForFrame } from './harness.js';
import { replayHostDocument } from './replay-host.js';

afterEach(() => cleanup());

function replayStore(dryRun: boolean) {
  const doc = replayHostDocument();
  const replay = createReplay(doc, 'replay-host');
  const asked: string[] = [];
  const runner: Runner = {
    run: (argv, options) => {
      asked.push(argvKey(argv));
      return replay.runner.run(argv, options);
    },
  };
  const store = createAppStore({
    probe: (listener) => probeHost({ runner, files: replay.files, env: doc.env }, listener),
    plan: buildPlan,
    request: { nic: null, bridge: 'fcbr0', timeoutSec: 120, persist: 'auto' },
    dryRun,
    probeNames: PROBE_NAMES,
    clock: steppingClock(),
  });
  return { store, asked, doc };
}

it('probes a replayed host, plans it and previews it', async () => {
  const { store, asked, doc } = replayStore(true);
  const ui = renderUi(store);
  void store.getState().actions.startProbe();
  let frame = await waitForFrame(ui, (f) => f.includes('[Verdicts'), 'the preview');

  // Every probe ran and passed against the recording, and only recorded commands were asked.
  expect(store.getState().probes.map((probe) => [probe.name, probe.state])).toEqual(
    PROBE_NAMES.map((name) => [name, 'ok']),
  );
  const recorded = new Set(doc.commands.map((command) => argvKey(command.argv)));
  expect(asked.length).toBeGreaterThan(0);
  // Whether networkd answers on the bus was asked after this recording was made: unknown there.
  const optional = argvKey(NETWORKD_BUS_ARGV);
  for (const key of asked) if (key !== optional) expect(recorded).toContain(key);

  const plan = store.getState().plan;
  expect(plan?.nic).toBe('ens18');
  expect(plan?.blocked).toBe(false);
  expect(ui.lines()[0]).toBe('bridge-migrate  ens18 → fcbr0  deadline 120 s  persist netplan  DRY RUN');
  expect(frame).toMatch(/ens18 198\.51\.100\.240\/24 default +│ fcbr0 198\.51\.100\.240\/24 default/);
  // The operator's SSH session arrives over ens18 and the host is a KVM guest: both are warnings.
  expect(frame).toMatch(/! \d+ warnings, not acknowledged/);
  expect(frame).toContain('WARNING');

  frame = await press(ui, KEY.tab);
  expect(frame).toMatch(/1\. .*fcbr0/);
  frame = await press(ui, KEY.tab);
  expect(frame).toContain('/etc/netplan/50-cloud-init.yaml');

  await press(ui, 'a');
  frame = await press(ui, KEY.enter);
  expect(frame).toContain('Dry run: nothing will be applied.');
  ui.unmount();
});

it('shows the same commands in the steps pane as the plan holds', async () => {
  const { store } = replayStore(false);
  const ui = renderUi(store, { viewport: { columns: 200, rows: 200 } });
  void store.getState().actions.startProbe();
  await waitForFrame(ui, (f) => f.includes('[Verdicts'), 'the preview');
  const frame = await press(ui, KEY.tab);
  const plan = store.getState().plan;
  expect(plan?.steps.length).toBeGreaterThan(0);
  for (const step of plan?.steps ?? []) {
    expect(frame).toContain(step.title);
    for (const command of [...step.commands, ...step.inverse]) {
      const lines =
        command.kind === 'ip-batch'
          ? command.lines.map((line) => line.join(' '))
          : 'argv' in command
            ? [command.argv.join(' ')]
            : commandText(command);
      for (const line of lines) expect(frame).toContain(line);
    }
  }
});
