/**
 * A state directory or journal that is not root's alone, as the operator meets it: the built CLI's
 * `status`, `confirm` and `rollback` each refuse with one line naming the path, what is wrong and
 * the command that fixes it, exit 1, and act on nothing. The planted journal is not even a valid
 * one, so a missing check could not make this test revert anything on the machine running it: it
 * would fail on the wrong message instead. Runs dist/cli.js, which the README's test command builds.
 */
import {
  chmodSync,
  chownSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  renameSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { execa } from 'execa';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';

const repo = resolve(import.meta.dirname, '../../..');
const cli = join(repo, 'dist/cli.js');
const recording = join(repo, 'recordings/hosts/ubuntu-proxmox-netplan-dhcp.json');
const isRoot = process.geteuid?.() === 0;

let scratch: string;
let stateDir: string;
let journal: string;
const PLANTED = '{"planted": "by the test"}\n';

beforeAll(() => {
  if (!existsSync(cli)) throw new Error('dist/cli.js is missing: run `npm run build` first');
});
beforeEach(() => {
  scratch = mkdtempSync(join(tmpdir(), 'bm-untrusted-'));
  stateDir = join(scratch, 'state');
  journal = join(stateDir, 'journal.json');
  mkdirSync(stateDir, { mode: 0o700 });
  writeFileSync(journal, PLANTED, { mode: 0o600 });
});
afterEach(() => rmSync(scratch, { recursive: true, force: true }));

async function run(args: string[]) {
  const result = await execa('node', [cli, ...args, '--state-dir', stateDir, '--root-dir', scratch], {
    reject: false,
    stdin: 'ignore',
    timeout: 20_000,
  });
  return { code: result.exitCode, stdout: String(result.stdout), stderr: String(result.stderr).trim() };
}

const commands: [string, string[]][] = [
  ['status', ['status', '--replay', recording]],
  ['confirm', ['confirm']],
  ['rollback --yes', ['rollback', '--yes']],
];

const spoilers: [string, () => void, () => RegExp][] = [
  [
    'the state directory has mode 0755',
    () => chmodSync(stateDir, 0o755),
    () => new RegExp(`^${stateDir} has mode 0755, .*; .*chmod 700 ${stateDir}$`),
  ],
  [
    'the state directory is a symlink',
    () => {
      renameSync(stateDir, `${stateDir}.real`);
      symlinkSync(`${stateDir}.real`, stateDir);
    },
    () => new RegExp(`^${stateDir} is a symbolic link; pass --state-dir with the real directory it leads to`),
  ],
  [
    'the journal has mode 0644',
    () => chmodSync(journal, 0o644),
    () => new RegExp(`^${journal} has mode 0644, .*; .*chmod 600 ${journal}$`),
  ],
  [
    'the journal is a symlink',
    () => {
      renameSync(journal, `${journal}.real`);
      symlinkSync(`${journal}.real`, journal);
    },
    () => new RegExp(`^${journal} is a symbolic link; `),
  ],
];
if (isRoot) {
  spoilers.push([
    'the journal is owned by another uid',
    () => chownSync(journal, 65534, 65534),
    () => new RegExp(`^${journal} is owned by uid 65534, not root; .*chown root:root ${journal}`),
  ]);
}

describe.skipIf(!isRoot)('an untrusted state directory or journal is refused by every command', () => {
  for (const [what, spoil, line] of spoilers) {
    it.each(commands)(`${what}: %s refuses with one line; exit 1`, async (_name, args) => {
      spoil();
      const result = await run(args);
      expect(result.code).toBe(1);
      expect(result.stdout).toBe('');
      expect(result.stderr.split('\n')).toHaveLength(1);
      expect(result.stderr.replace(/^bridge-migrate: /, '')).toMatch(line());
      expect(readFileSync(journal, 'utf8')).toBe(PLANTED);
      // No log is created in a directory that is not root's alone (a journal's fault leaves the
      // directory itself trusted: the tool's own debug.log may go there).
      if (what.startsWith('the state directory')) expect(existsSync(join(stateDir, 'debug.log'))).toBe(false);
    });
  }
});

describe('--log', () => {
  it('refuses a symlink at the log path, appending nothing to its target; exit 1', async () => {
    const target = join(scratch, 'target');
    writeFileSync(target, 'untouched\n');
    const link = join(scratch, 'debug.log');
    symlinkSync(target, link);
    const result = await run(['plan', '--json', '--replay', recording, '--log', link]);
    expect(result.code).toBe(1);
    expect(result.stderr).toBe(
      `bridge-migrate: ${link} is a symbolic link; pass --log with the path of a regular file, not a link`,
    );
    expect(readFileSync(target, 'utf8')).toBe('untouched\n');
  });
});
