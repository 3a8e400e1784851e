import {
  chmodSync,
  chownSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  checkPrivateDir,
  ensurePrivateDir,
  readTrustedFile,
  UntrustedPath,
} from '../../../source/system/trusted-path.js';

// The suite runs as root (scripts/test-all.sh); chown to another uid needs it.
const isRoot = process.geteuid?.() === 0;
let dir: string;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'bm-trusted-'));
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

const modeOf = (path: string) => statSync(path).mode & 0o7777;

/** The refusal as the operator reads it: one line, naming the path, the problem and the fix. */
async function refusal(work: Promise<unknown>): Promise<string> {
  const error = await work.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(UntrustedPath);
  const line = (error as Error).message;
  expect(line).not.toContain('\n');
  return line;
}

describe('ensurePrivateDir', () => {
  it('creates a missing directory (and its parents) with mode 0700, whatever the umask', async () => {
    const target = join(dir, 'var', 'lib', 'bridge-migrate');
    const previous = process.umask(0o077 | 0o700);
    try {
      await ensurePrivateDir(target);
    } finally {
      process.umask(previous);
    }
    expect(statSync(target).isDirectory()).toBe(true);
    expect(modeOf(target)).toBe(0o700);
  });

  it('refuses an existing directory with mode 0755 and leaves it as it is', async () => {
    const target = join(dir, 'state');
    mkdirSync(target);
    chmodSync(target, 0o755);
    const line = await refusal(ensurePrivateDir(target));
    expect(line).toBe(
      `${target} has mode 0755, which lets group or others read it (it must be 0700); check what is in it, then chown root:root ${target} && chmod 700 ${target}`,
    );
    expect(modeOf(target)).toBe(0o755);
  });

  it('refuses a symlink to a directory, naming the path and the fix', async () => {
    const real = join(dir, 'elsewhere');
    mkdirSync(real, { mode: 0o700 });
    const link = join(dir, 'state');
    symlinkSync(real, link);
    const line = await refusal(ensurePrivateDir(link));
    expect(line).toBe(
      `${link} is a symbolic link; pass --state-dir with the real directory it leads to (readlink -f ${link}), after checking who made the link`,
    );
    expect(lstatSync(link).isSymbolicLink()).toBe(true);
  });

  it('refuses a plain file in its place', async () => {
    const target = join(dir, 'state');
    writeFileSync(target, '');
    expect(await refusal(ensurePrivateDir(target))).toMatch(/ is not a directory; /);
  });

  it.skipIf(!isRoot)('refuses a directory owned by another uid and leaves it alone', async () => {
    const target = join(dir, 'state');
    mkdirSync(target, { mode: 0o700 });
    chownSync(target, 65534, 65534);
    const line = await refusal(ensurePrivateDir(target));
    expect(line).toBe(
      `${target} is owned by uid 65534, not root; check what is in it, then chown root:root ${target} && chmod 700 ${target}`,
    );
    expect(statSync(target).uid).toBe(65534);
  });
});

describe('checkPrivateDir', () => {
  it('accepts a private directory and answers false for a missing one, creating nothing', async () => {
    expect(await checkPrivateDir(dir)).toBe(true);
    expect(await checkPrivateDir(join(dir, 'missing'))).toBe(false);
    expect(() => statSync(join(dir, 'missing'))).toThrow(/ENOENT/);
  });

  it('only reads: a read-only private directory passes', async () => {
    chmodSync(dir, 0o500);
    expect(await checkPrivateDir(dir)).toBe(true);
    chmodSync(dir, 0o700);
  });

  it('quotes a path with spaces in the fix so it can be pasted', async () => {
    const target = join(dir, "my state's dir");
    mkdirSync(target, { mode: 0o777 });
    chmodSync(target, 0o777);
    const line = await refusal(checkPrivateDir(target));
    expect(line).toContain(`has mode 0777, which lets group or others write it`);
    expect(line).toContain(`chmod 700 '${dir}/my state'\\''s dir'`);
  });

  it("spells a control character in the path as $'...' escapes, so the pasted fix names the same path", async () => {
    const target = join(dir, 'state\u001b[31m');
    mkdirSync(target, { mode: 0o777 });
    chmodSync(target, 0o777);
    const line = await refusal(checkPrivateDir(target));
    // Inside '...' a shell reads "\x1b" as four characters: the fix would name another path.
    expect(line).toContain(`chmod 700 $'${dir}/state\\x1b[31m'`);
    // (The path that opens the line is the problem's, escaped where it is printed: cli/errors.ts.)
    expect(line.slice(line.indexOf('; check what'))).not.toContain('\u001b');
  });
});

describe('readTrustedFile', () => {
  it('reads a private file and answers null for a missing one', async () => {
    const target = join(dir, 'journal.json');
    writeFileSync(target, 'data', { mode: 0o600 });
    expect((await readTrustedFile(target))?.toString()).toBe('data');
    expect(await readTrustedFile(join(dir, 'missing'))).toBeNull();
  });

  it('refuses a journal with mode 0644 (others could read the pre-state and plan)', async () => {
    const target = join(dir, 'journal.json');
    writeFileSync(target, 'data');
    chmodSync(target, 0o644);
    expect(await refusal(readTrustedFile(target))).toBe(
      `${target} has mode 0644, which lets group or others read it (it must be 0600); check who wrote ${target} (a rollback runs what it says), then chown root:root ${target} && chmod 600 ${target}`,
    );
  });

  it('refuses a journal that is a symlink, even to a private file', async () => {
    const real = join(dir, 'real.json');
    writeFileSync(real, 'data', { mode: 0o600 });
    const link = join(dir, 'journal.json');
    symlinkSync(real, link);
    expect(await refusal(readTrustedFile(link))).toBe(
      `${link} is a symbolic link; check who wrote ${link} (a rollback runs what it says), then move it aside`,
    );
  });

  it.skipIf(!isRoot)('refuses a journal owned by another uid', async () => {
    const target = join(dir, 'journal.json');
    writeFileSync(target, 'data', { mode: 0o600 });
    chownSync(target, 65534, 65534);
    expect(await refusal(readTrustedFile(target))).toMatch(
      new RegExp(`^${target} is owned by uid 65534, not root; check who wrote `),
    );
  });
});
