import { describe, expect, it } from 'vitest';
import { type StatusReport, statusText } from '../../../source/cli/status-report.js';
import { terminalOutput } from '../../../source/cli/terminal-output.js';
import { DEFAULT_OPERATOR_COMMANDS } from '../../../source/plan/operator-commands.js';

/** What a headless command wrote, as the operator's terminal receives it. */
function capture() {
  const written = { stdout: '', stderr: '' };
  const out = terminalOutput({
    stdout: (text) => {
      written.stdout += text;
    },
    stderr: (text) => {
      written.stderr += text;
    },
  });
  return { out, written };
}

describe('the headless output', () => {
  it("escapes the journal's host text in `status`, line by line, keeping the report's own lines", () => {
    const report: StatusReport = {
      mode: 'none',
      modeDetail: 'the default route leaves through ens18',
      stateDir: '/var/lib/bridge-migrate',
      migration: {
        id: '0f1e2d3c',
        phase: 'revert-incomplete',
        pending: true,
        nic: 'ens18',
        bridge: 'fcbr0',
        createdAt: '2026-12-02T08:00:00.000Z',
        deadline: '2026-12-02T08:02:00.000Z',
        secondsLeft: null,
        steps: [],
        guardian: null,
        kept: null,
        outcome: {
          kind: 'revert-incomplete',
          reason: 'timeout',
          at: '2026-12-02T08:02:00.000Z',
          differences: ['/usr/sbin/dhclient \x1b[2J\nFAKE failed: \u202eevil'],
          notDone: [],
          onlyInRuntimeDir: false,
          manualCommands: ["/usr/sbin/dhclient $'\\x1b[2J' &"],
        },
      },
      lock: null,
      problems: [],
      alerts: [],
    };
    const lines = statusText(report, DEFAULT_OPERATOR_COMMANDS);
    const { out, written } = capture();
    for (const line of lines) out.stdout(`${line}\n`);
    expect(written.stdout).not.toMatch(/[\x00-\x09\x0b-\x1f\x7f-\x9f\u202e]/);
    expect(written.stdout).toContain('/usr/sbin/dhclient \\x1b[2J\\nFAKE failed: \\u202eevil');
    expect(written.stdout.split('\n')).toHaveLength(lines.length + 1);
  });

  it('keeps JSON JSON: what it escapes decodes to the same text', () => {
    const value = { argv: ['dhclient', 'ens18\u009b\u202e\x1b'] };
    const { out, written } = capture();
    out.stdout(`${JSON.stringify(value, null, 2)}\n`);
    expect(written.stdout).not.toMatch(/[\u009b\u202e\x1b]/);
    expect(JSON.parse(written.stdout)).toEqual(value);
  });
});
