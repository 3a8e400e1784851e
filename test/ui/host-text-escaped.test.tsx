/**
 * Host text (a process's argv, an interface alias, a profile name) is hostile: a control character
 * in it must reach the operator's terminal as a visible escape, never as the control itself. Seen
 * in the plain-text plan, the TUI preview and the one-line error of the command line.
 */
import { cleanup } from 'ink-testing-library';
import { afterEach, describe, expect, it } from 'vitest';
import { describeError, UsageError } from '../../source/cli/errors.js';
import { checkedName } from '../../source/plan/names.js';
import type { Plan } from '../../source/plan/types.js';
import { renderPlanText } from '../../source/ui/plan-text.js';
import { dhcpInfo, quietPlan } from './fixtures.js';
import { plannedStore, renderUi, waitForFrame } from './harness.js';

afterEach(() => cleanup());

/** A plan whose texts quote a hostile process: ESC sequences, a newline, a C1 CSI, a bidi override. */
function hostilePlan(): Plan {
  const plan = quietPlan();
  plan.verdicts = [
    {
      ...dhcpInfo(),
      reason:
        'dhclient (pid 4300) names "ens18\x1b[2J\nFAKE: all clear\u009b31m\u202eevil" and is left alone.',
    },
  ];
  const [first] = plan.steps;
  if (!first) throw new Error('the fixture plan has no steps');
  first.title = 'Stop \x1b]0;owned\x07dhclient';
  first.inverse = [
    { kind: 'spawn-detached', argv: ['/usr/sbin/dhclient', '-sf', '/tmp/\x1b[31mred', 'ens18'] },
  ];
  return plan;
}

const RAW_CONTROLS = /[\x00-\x09\x0b-\x1f\x7f-\x9f\u202e]/;

describe('host text with control characters', () => {
  it('is escaped in the plain-text plan, and a command token is $-quoted so it can still be pasted', () => {
    const text = renderPlanText(hostilePlan(), { ascii: false });
    expect(text).not.toMatch(RAW_CONTROLS);
    expect(text).toContain('names "ens18\\x1b[2J\\nFAKE: all clear\\u009b31m\\u202eevil" and is left alone.');
    expect(text).not.toMatch(/^FAKE/m);
    expect(text).toContain('Stop \\x1b]0;owned\\x07dhclient');
    expect(text).toContain("$ /usr/sbin/dhclient -sf $'/tmp/\\x1b[31mred' ens18 &");
    // The ASCII glyph set escapes first, then rewrites: the escape stays readable.
    expect(renderPlanText(hostilePlan(), { ascii: true })).toContain('\\u202eevil');
  });

  it('is escaped in the TUI preview: no row is split by the newline, no escape reaches the terminal', async () => {
    const store = await plannedStore({ planned: hostilePlan() });
    const ui = renderUi(store, { env: { LANG: 'en_US.UTF-8', TERM: 'xterm-256color', NO_COLOR: '1' } });
    const frame = await waitForFrame(ui, (f) => f.includes('[Verdicts'), 'the preview');
    // NO_COLOR: Ink writes no escapes of its own, so the raw frame must have none at all.
    expect(ui.raw()).not.toMatch(RAW_CONTROLS);
    expect(frame).toContain('ens18\\x1b[2J\\nFAKE');
    expect(frame.split('\n').some((line) => line.trimStart().startsWith('FAKE'))).toBe(false);
  });

  it('is escaped in a command-line error: one line, the newline shown as \\n', () => {
    let error: unknown;
    try {
      checkedName('ens18\nFAKE');
    } catch (caught) {
      error = caught;
    }
    const { line, exitCode } = describeError(error);
    expect(line).toBe(
      'interface name "ens18\\nFAKE" contains whitespace; choose a name of 1-15 bytes without "/", ":" or spaces',
    );
    expect(exitCode).toBe(2);
    const usage = describeError(
      new UsageError('no interface "eth\x1b[8m0"', 'pass --nic with a name from `ip link`'),
    );
    expect(usage.line).toBe('no interface "eth\\x1b[8m0"; pass --nic with a name from `ip link`');
  });
});
