import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createFileExclusive, writeFileAtomic } from '../../../source/system/atomic-file.js';

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
