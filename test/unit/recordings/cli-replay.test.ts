/**
 * The built CLI replaying a recording: `plan --json --replay` prints the plan of the recorded host,
 * and a recording that lacks something the probe asks for is refused with the one-line ReplayMiss
 * message and exit code 2 (usage), rather than planned from a half-probed host.
 *
 * Needs dist/cli.js: the README's test command builds first. Without a build these tests are
 * skipped, and their names say so.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { PINS } from './pins.js';
import { loadRecording, recordingPath } from './replay.js';

const CLI = fileURLToPath(new URL('../../../dist/cli.js', import.meta.url));
const built = existsSync(CLI);
const HOST = 'ubuntu-proxmox-netplan-dhcp';

function runCli(args: string[]) {
  const result = spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8', timeout: 30_000 });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

const scratch: string[] = [];
afterEach(() => {
  for (const dir of scratch.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** A copy of the recording without the command the probe runs as `argv`. */
function recordingWithout(argv: string): string {
  const doc = loadRecording(HOST);
  const commands = doc.commands.filter((command) => command.argv.join(' ') !== argv);
  expect(commands.length).toBe(doc.commands.length - 1);
  const dir = mkdtempSync(join(tmpdir(), 'bm-recording-'));
  scratch.push(dir);
  const file = join(dir, `${HOST}-without.json`);
  writeFileSync(file, JSON.stringify({ ...doc, commands }));
  return file;
}

describe.skipIf(!built)(
  `bridge-migrate plan --replay (skipped when ${CLI} is absent: run npm run build)`,
  () => {
    it(`prints the plan of ${HOST} as JSON`, () => {
      const result = runCli(['plan', '--json', '--replay', recordingPath(HOST)]);
      expect(result.stderr).toBe('');
      expect(result.status).toBe(0);
      const plan = JSON.parse(result.stdout);
      const pin = PINS[HOST];
      expect({
        nic: plan.nic,
        bridge: plan.bridge,
        persistWith: plan.persistWith,
        steps: plan.steps.map((step: { kind: string }) => step.kind),
        verdicts: plan.verdicts.map((verdict: { id: string }) => verdict.id).sort(),
      }).toEqual({
        nic: pin?.nic,
        bridge: 'fcbr0',
        persistWith: pin?.persistWith,
        steps: pin?.steps,
        verdicts: [...(pin?.blockers ?? []), ...(pin?.warnings ?? []), ...(pin?.infos ?? [])].sort(),
      });
    });

    it('prints a damaged recording as blocked, naming the failed probe and its error', () => {
      const file = fileURLToPath(new URL('../../../recordings/faults/fault-ps-exit-1.json', import.meta.url));
      const result = runCli(['plan', '--replay', file]);
      expect(result.stderr).toBe('');
      expect(result.status).toBe(0);
      expect(result.stdout).toContain(
        '[BLOCKER] The dhcp-clients probe failed (ps -eo pid=,netns=,args= exited 1: ps: fatal library error, lookup self)',
      );
      expect(result.stdout).toContain('This plan is blocked: nothing can be applied');
      expect(result.stdout).toMatch(/Steps\n {2}none \(the plan is blocked\)/);
    });

    it.each([['iptables-save'], ['ip -j address show']])(
      'refuses a recording without `%s` with the one-line ReplayMiss message and exit code 2',
      (argv) => {
        const file = recordingWithout(argv);
        const result = runCli(['plan', '--json', '--replay', file]);
        expect(result.stdout).toBe('');
        expect(result.stderr.trimEnd().split('\n')).toHaveLength(1);
        expect(result.stderr).toContain(`the command \`${argv}\` is not in the recording ${file}`);
        expect(result.stderr).toContain('capture the host again with `bridge-migrate capture`');
        expect(result.status).toBe(2);
      },
    );
  },
);
