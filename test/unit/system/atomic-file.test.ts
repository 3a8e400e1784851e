import {
  chmodSync,
  chownSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import {
  createFileExclusive,
  ensurePrivateDir,
  readTrustedFile,
  UnsafePath,
  writeFileAtomic,
} from '../../../source/system/atomic-file.js';

// A rename that fails on demand stands in for a crash or a refusing filesystem at the one moment
// that matters: after the new content is written and synced, before it replaces the old file.
const injected = vi.hoisted(() => ({ renameError: null as NodeJS.ErrnoException | null }));
vi.mock('node:fs/promises', async (importOriginal) => {
  const actual = await importOriginal<typeof import('node:fs/promises')>();
  return {
    ...actual,
    rename: async (from: string, to: string) => {
      if (injected.renameError) throw injected.renameError;
      return actual.rename(from, to);
    },
  };
});

const isRoot = process.geteuid?.() === 0;
let dir: string;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'bm-atomic-'));
});
afterEach(() => {
  injected.renameError = null;
  rmSync(dir, { recursive: true, force: true });
});

const modeOf = (path: string) => statSync(path).mode & 0o7777;

describe('writeFileAtomic', () => {
  it('writes the content with mode 0600 by default, whatever the umask', async () => {
    const target = join(dir, 'journal.json');
    const previous = process.umask(0);
    try {
      await writeFileAtomic(target, 'hello\n');
    } finally {
      process.umask(previous);
    }
    expect(readFileSync(target, 'utf8')).toBe('hello\n');
    expect(modeOf(target)).toBe(0o600);
    expect(readdirSync(dir)).toEqual(['journal.json']);
  });

  it('replaces an existing file and applies the requested mode and mtime', async () => {
    const target = join(dir, '01-netcfg.yaml');
    writeFileSync(target, 'old', { mode: 0o600 });
    const mtimeMs = Date.UTC(2001, 1, 3, 4, 5, 6);
    await writeFileAtomic(target, Buffer.from([0, 1, 2, 255]), { mode: 0o644, mtimeMs });
    expect([...readFileSync(target)]).toEqual([0, 1, 2, 255]);
    expect(modeOf(target)).toBe(0o644);
    expect(statSync(target).mtimeMs).toBe(mtimeMs);
  });

  it('leaves the old content whole and no temp file when the rename fails', async () => {
    const target = join(dir, 'journal.json');
    writeFileSync(target, 'old content');
    injected.renameError = Object.assign(new Error('EIO: i/o error, rename'), { code: 'EIO' });
    await expect(writeFileAtomic(target, 'new content that never lands')).rejects.toThrow(/EIO/);
    expect(readFileSync(target, 'utf8')).toBe('old content');
    expect(readdirSync(dir)).toEqual(['journal.json']);
  });

  it('refuses to replace a directory and cleans up its temp file', async () => {
    const target = join(dir, 'journal.json');
    mkdirSync(target);
    writeFileSync(join(target, 'inside'), 'kept');
    await expect(writeFileAtomic(target, 'x')).rejects.toThrow();
    expect(readFileSync(join(target, 'inside'), 'utf8')).toBe('kept');
    expect(readdirSync(dir)).toEqual(['journal.json']);
  });
});

describe('createFileExclusive', () => {
  it('creates the file whole once, and reports false without touching it the second time', async () => {
    const target = join(dir, 'lock');
    expect(await createFileExclusive(target, 'first')).toBe(true);
    expect(await createFileExclusive(target, 'second')).toBe(false);
    expect(readFileSync(target, 'utf8')).toBe('first');
    expect(modeOf(target)).toBe(0o600);
    expect(readdirSync(dir)).toEqual(['lock']);
  });
});

describe('ensurePrivateDir', () => {
  it('creates a missing directory (and its parents) with mode 0700', async () => {
    const target = join(dir, 'var', 'lib', 'bridge-migrate');
    const previous = process.umask(0);
    try {
      await ensurePrivateDir(target);
    } finally {
      process.umask(previous);
    }
    expect(statSync(target).isDirectory()).toBe(true);
    expect(modeOf(target)).toBe(0o700);
  });

  it('tightens an existing directory that is looser than 0700', async () => {
    const target = join(dir, 'state');
    mkdirSync(target);
    chmodSync(target, 0o755);
    await ensurePrivateDir(target);
    expect(modeOf(target)).toBe(0o700);
  });

  it('refuses a symlink, naming the path and the fix', async () => {
    const real = join(dir, 'elsewhere');
    mkdirSync(real, { mode: 0o777 });
    chmodSync(real, 0o777);
    const link = join(dir, 'state');
    symlinkSync(real, link);
    const error = await ensurePrivateDir(link).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UnsafePath);
    expect((error as Error).message).toContain(`${link} is a symbolic link`);
    expect((error as Error).message).toContain('--state-dir');
    expect(modeOf(real)).toBe(0o777);
    expect(lstatSync(link).isSymbolicLink()).toBe(true);
  });

  it('refuses a plain file in its place', async () => {
    const target = join(dir, 'state');
    writeFileSync(target, '');
    await expect(ensurePrivateDir(target)).rejects.toThrow(/is not a directory/);
  });

  it.skipIf(!isRoot)('refuses a directory owned by another uid and leaves its mode alone', async () => {
    const target = join(dir, 'state');
    mkdirSync(target);
    chmodSync(target, 0o755);
    chownSync(target, 65534, 65534);
    await expect(ensurePrivateDir(target)).rejects.toThrow(/owned by uid 65534, not 0/);
    expect(modeOf(target)).toBe(0o755);
  });
});

describe('readTrustedFile', () => {
  it('reads a private file and answers null for a missing one', async () => {
    const target = join(dir, 'journal.json');
    writeFileSync(target, 'data', { mode: 0o600 });
    expect((await readTrustedFile(target))?.toString()).toBe('data');
    expect(await readTrustedFile(join(dir, 'missing'))).toBeNull();
  });

  it('refuses a file others could have written, and a symlink', async () => {
    const target = join(dir, 'journal.json');
    writeFileSync(target, 'data');
    chmodSync(target, 0o666);
    await expect(readTrustedFile(target)).rejects.toThrow(/writable by group or others \(mode 0666\)/);
    const link = join(dir, 'link.json');
    chmodSync(target, 0o600);
    symlinkSync(target, link);
    await expect(readTrustedFile(link)).rejects.toThrow(/is a symbolic link/);
  });
});
