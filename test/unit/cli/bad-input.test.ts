/**
 * Bad input, as an operator types it: the built CLI must exit non-zero with exactly one line that
 * names the problem and the fix, print nothing on stdout, and (with --replay) cannot touch the
 * host at all. Runs dist/cli.js, which the README's test command builds first.
 */
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const repo = resolve(import.meta.dirname, '../../..');
const cli = join(repo, 'dist/cli.js');
const recording = join(repo, 'recordings/hosts/ubuntu-proxmox-netplan-dhcp.json');

let scratch: string;
beforeAll(() => {
  if (!existsSync(cli)) throw new Error('dist/cli.js is missing: run `npm run build` first');
  scratch = mkdtempSync(join(tmpdir(), 'bm-badinput-'));
});
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

async function run(args: string[]) {
  const result = await execa('node', [cli, ...args], { reject: false, stdin: 'ignore', timeout: 20_000 });
  return { code: result.exitCode, stdout: String(result.stdout), stderr: String(result.stderr).trim() };
}

function expectOneLineUsageError(
  result: { code?: number; stdout: string; stderr: string },
  ...parts: RegExp[]
) {
  expect(result.code).toBe(2);
  expect(result.stdout).toBe('');
  expect(result.stderr.split('\n')).toHaveLength(1);
  expect(result.stderr).toMatch(/^bridge-migrate: /);
  for (const part of parts) expect(result.stderr).toMatch(part);
}

describe('bad input gets one clear line and exit 2', () => {
  it('an unknown --nic names the interfaces that exist', async () => {
    const result = await run(['plan', '--json', '--replay', recording, '--nic', 'eth9']);
    expectOneLineUsageError(
      result,
      /no interface named "eth9" in the recording \(--replay\)/,
      /pass --nic with one of: .*ens18/,
    );
  });

  it('an unknown --nic with a newline and an escape sequence: one line, both shown escaped', async () => {
    const result = await run(['plan', '--json', '--replay', recording, '--nic', 'ens18\nFAKE\x1b[2J']);
    expectOneLineUsageError(result, /"ens18\\nFAKE\\x1b\[2J"/);
    expect(result.stderr).not.toMatch(/[\x00-\x1f]/);
  });

  it.each([
    ['a name longer than 15 bytes', 'bridge-name-too-long', /is 20 bytes long; Linux allows at most 15/],
    ['a slash', 'fc/br0', /contains "\/" or ":"/],
    ['a colon', 'fc:br0', /contains "\/" or ":"/],
    ['whitespace', 'fc br0', /contains whitespace/],
    ['a leading "-"', '-b', /starts with "-", which ip would read as an option/],
    ['an ip keyword', 'exec', /is "exec", which ip reads as a keyword/],
  ])('an invalid --bridge with %s', async (_what, name, problem) => {
    const result = await run(['plan', '--replay', recording, `--bridge=${name}`]);
    expectOneLineUsageError(result, problem, /pass --bridge with 1-15 bytes/);
  });

  it('a --replay file that does not exist', async () => {
    const missing = join(scratch, 'nope.json');
    const result = await run(['plan', '--replay', missing]);
    expectOneLineUsageError(
      result,
      /nope\.json is not a bridge-migrate capture \(does not exist\)/,
      /bridge-migrate capture/,
    );
  });

  it('a --replay file that is not a capture', async () => {
    const malformed = join(scratch, 'malformed.json');
    writeFileSync(malformed, '{"format": "something-else"}');
    const result = await run(['--dry-run', '--replay', malformed]);
    expectOneLineUsageError(result, /is not a bridge-migrate capture \(format is not/);
  });

  it('a --replay file that is not JSON', async () => {
    const garbage = join(scratch, 'garbage.json');
    writeFileSync(garbage, 'not json at all');
    const result = await run(['plan', '--replay', garbage]);
    expectOneLineUsageError(result, /not JSON/);
  });

  it('a --timeout outside 15..3600 seconds', async () => {
    const result = await run(['plan', '--replay', recording, '--timeout', '5']);
    expectOneLineUsageError(result, /--timeout "5" is not a whole number of seconds between 15 and 3600/);
  });

  // An empty --replay used to probe (and, for apply, change) the live host instead.
  it.each([
    [
      ['plan', '--json', '--replay', ''],
      /--replay is empty; pass the path of a `bridge-migrate capture` document/,
    ],
    [['--dry-run', '--replay', '  '], /--replay is empty/],
    [['apply', '--yes', '--replay='], /--replay is empty/],
    [['plan', '--replay', recording, '--state-dir', ''], /--state-dir is empty; pass a directory/],
    [['plan', '--replay', recording, '--root-dir', ' '], /--root-dir is empty; pass a directory/],
    [['plan', '--replay', recording, '--log', ''], /--log is empty; pass a file path/],
    [['status', '--state-dir', ''], /--state-dir is empty/],
  ])('an empty value: %j', async (args, problem) => {
    const result = await run(args);
    expectOneLineUsageError(result, problem);
  });

  it('capture -o into a directory that does not exist', async () => {
    const result = await run(['capture', '-o', join(scratch, 'missing-dir', 'host.json')]);
    expectOneLineUsageError(
      result,
      /cannot write the capture to .*missing-dir\/host\.json: the directory .*missing-dir does not exist/,
      /create it first \(mkdir -p .*missing-dir\)/,
    );
  });

  it.each([[[]], [['--json']]])('status %s with a --state-dir that does not exist', async (extra) => {
    const missing = join(scratch, 'no-state-here');
    const result = await run(['status', ...extra, '--replay', recording, '--state-dir', missing]);
    expectOneLineUsageError(
      result,
      /the state directory .*no-state-here does not exist/,
      /pass the --state-dir/,
    );
  });

  it('a valid request prints the plan and exits 0', async () => {
    const result = await run(['plan', '--json', '--replay', recording]);
    expect(result.code).toBe(0);
    const plan = JSON.parse(result.stdout) as { nic: string; bridge: string; steps: unknown[] };
    expect(plan).toMatchObject({ nic: 'ens18', bridge: 'fcbr0' });
    expect(plan.steps.length).toBeGreaterThan(0);
  });
});
