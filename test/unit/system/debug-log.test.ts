import { execFileSync } from 'node:child_process';
import {
  chmodSync,
  chownSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { UnsafePath } from '../../../source/system/atomic-file.js';
import { createFileLog, openLogFile } from '../../../source/system/debug-log.js';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'bm-debug-log-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('the debug log (written as root, so never through a link)', () => {
  it('creates a new log 0600 and appends to an existing one', () => {
    const path = join(dir, 'debug.log');
    const log = createFileLog(path);
    log.note('first');
    log.note('second');
    expect(statSync(path).mode & 0o777).toBe(0o600);
    expect(readFileSync(path, 'utf8')).toMatch(/^\S+ first\n\S+ second\n$/);
    createFileLog(path).note('third, from another process');
    expect(readFileSync(path, 'utf8').split('\n')).toHaveLength(4);
  });

  it('refuses a symlink at the path and never writes to its target', () => {
    const target = join(dir, 'passwd');
    writeFileSync(target, 'root:x:0:0\n');
    const link = join(dir, 'debug.log');
    symlinkSync(target, link);
    expect(() => openLogFile(link)).toThrow(UnsafePath);
    expect(() => openLogFile(link)).toThrow(`${link} is a symbolic link; pass --log with the path`);
    createFileLog(link).note('must not land');
    expect(readFileSync(target, 'utf8')).toBe('root:x:0:0\n');
  });

  it("refuses another user's file, and never appends to it", () => {
    const path = join(dir, 'debug.log');
    writeFileSync(path, 'theirs\n', { mode: 0o600 });
    chownSync(path, 65534, 65534);
    expect(() => openLogFile(path)).toThrow(
      `${path} is owned by uid 65534, not by this user (uid ${process.geteuid?.()}); pass --log with a new path`,
    );
    createFileLog(path).note('must not land');
    expect(readFileSync(path, 'utf8')).toBe('theirs\n');
  });

  it('refuses its own file when group or others may read or write it', () => {
    const path = join(dir, 'debug.log');
    writeFileSync(path, '');
    chmodSync(path, 0o644);
    expect(() => openLogFile(path)).toThrow(
      `${path} has mode 0644, so group or others may read or write it; chmod 600 it`,
    );
    chmodSync(path, 0o600);
    expect(() => openLogFile(path)).not.toThrow();
  });

  it('refuses a FIFO at the path without hanging on it', () => {
    const fifo = join(dir, 'debug.log');
    execFileSync('mkfifo', [fifo]);
    expect(() => openLogFile(fifo)).toThrow(`${fifo} is not a regular file`);
  });
});
