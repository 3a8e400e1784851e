import { cleanup } from 'ink-testing-library';
import { afterEach, describe, expect, it } from 'vitest';
import { asciiGlyphs, unicodeGlyphs } from '../../source/ui/glyphs.js';
import {
  cells,
  controlledProbe,
  PROBE_NAMES_FOR_TESTS,
  pressToExit,
  renderUi,
  stripAnsi,
  testStore,
  waitForFrame,
} from './harness.js';

afterEach(() => cleanup());

function probeLine(frame: string, name: string): string {
  return frame.split('\n').find((line) => line.includes(` ${name}`)) ?? '';
}

describe('probe screen', () => {
  it('shows every probe waiting, a spinner while one runs, and its result', async () => {
    const probe = controlledProbe();
    const store = testStore({ probe: probe.probe });
    void store.getState().actions.startProbe();
    const ui = renderUi(store);

    let frame = await waitForFrame(ui, (f) => f.includes('0/8 probes done'), 'the probe list');
    for (const name of PROBE_NAMES_FOR_TESTS)
      expect(probeLine(frame, name)).toMatch(new RegExp(`^· ${name}`));

    probe.emit({ name: 'links', state: 'running' });
    frame = await waitForFrame(
      ui,
      (f) => unicodeGlyphs.spinner.some((s) => probeLine(f, 'links').startsWith(s)),
      'a spinner',
    );
    // The spinner moves by itself: the next frames differ with no further probe event.
    const first = probeLine(frame, 'links');
    await waitForFrame(ui, (f) => probeLine(f, 'links') !== first, 'the spinner advancing');

    probe.emit({ name: 'links', state: 'ok' });
    probe.emit({ name: 'virt', state: 'running' });
    probe.emit({ name: 'virt', state: 'failed', note: 'systemd-detect-virt is not installed' });
    frame = await waitForFrame(ui, (f) => f.includes('2/8 probes done'), 'two probes done');
    expect(probeLine(frame, 'links')).toBe('✓ links  7 ms');
    expect(probeLine(frame, 'virt')).toBe('✗ virt  systemd-detect-virt is not installed');

    probe.resolve();
    frame = await waitForFrame(ui, (f) => f.includes('[Verdicts 3]'), 'the plan preview');
    expect(frame).toContain('bridge-migrate  ens18 → fcbr0  deadline 120 s');
  });

  it('a probe that waits says what for beside its spinner (the uplink’s IPv6 DAD), then how it ended', async () => {
    const probe = controlledProbe();
    const names = [...PROBE_NAMES_FOR_TESTS, 'ipv6-dad'];
    const store = testStore({ probe: probe.probe, probeNames: names });
    void store.getState().actions.startProbe();
    const ui = renderUi(store);
    probe.emit({ name: 'ipv6-dad', state: 'running', note: 'waiting up to 3 s for DAD on ens18' });
    let frame = await waitForFrame(
      ui,
      (f) => unicodeGlyphs.spinner.some((s) => probeLine(f, 'ipv6-dad').startsWith(s)),
      'the spinner with its note',
    );
    expect(probeLine(frame, 'ipv6-dad')).toMatch(/^. ipv6-dad {2}waiting up to 3 s for DAD on ens18$/);
    probe.emit({ name: 'ipv6-dad', state: 'ok', note: 'ens18: DAD ended after 1.2 s' });
    frame = await waitForFrame(ui, (f) => f.includes('1/9 probes done'), 'the wait done');
    expect(probeLine(frame, 'ipv6-dad')).toBe('✓ ipv6-dad  ens18: DAD ended after 1.2 s');
  });

  it('uses ASCII spinner frames when the locale is not UTF-8', async () => {
    const probe = controlledProbe();
    const store = testStore({ probe: probe.probe });
    void store.getState().actions.startProbe();
    const ui = renderUi(store, { env: { LANG: 'C', TERM: 'xterm' } });
    probe.emit({ name: 'routes', state: 'running' });
    const seen = new Set<string>();
    // Collect a few spinner frames; every one of them must be ASCII.
    for (let i = 0; i < 3; i += 1) {
      const frame = await waitForFrame(ui, (f) => !seen.has(probeLine(f, 'routes')), 'a new spinner frame');
      seen.add(probeLine(frame, 'routes'));
      expect(stripAnsi(ui.raw())).toMatch(/^[\x0a\x20-\x7e]*$/);
    }
    for (const line of seen) expect(asciiGlyphs.spinner).toContain(line[0]);
  });

  it('flows many probes into columns within 80x24', async () => {
    const names = Array.from({ length: 40 }, (_, i) => `probe-${i + 1}`);
    const store = testStore({ probe: controlledProbe().probe, probeNames: names });
    void store.getState().actions.startProbe();
    const ui = renderUi(store);
    const frame = await waitForFrame(ui, (f) => f.includes('probe-40'), 'the last probe');
    expect(ui.lines().length).toBeLessThanOrEqual(24);
    for (const line of ui.lines()) expect(cells(line)).toBeLessThanOrEqual(80);
    expect(frame).toContain('probe-1 ');
  });

  it('shows why probing failed and quits with exit code 1', async () => {
    const probe = controlledProbe();
    const store = testStore({ probe: probe.probe });
    void store.getState().actions.startProbe();
    const ui = renderUi(store);
    probe.reject(new Error('host.json is not a bridge-migrate capture (not JSON)'));
    const frame = await waitForFrame(ui, (f) => f.includes('Failed while probing'), 'the failure');
    expect(frame).toContain('host.json is not a bridge-migrate capture (not JSON)');
    expect(frame).toContain('Nothing was changed.');
    expect(frame).toContain('exit code 1');
    await pressToExit(ui, 'q');
    expect(ui.exits).toEqual([{ code: 1, reason: 'Failed while probing this host' }]);
  });
});
