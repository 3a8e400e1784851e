/**
 * Capped reads of the machine's files: a file larger than the cap is read only up to one byte past
 * it (the caller sees it is too big without holding all of it), and a FIFO where a file is expected
 * reads as empty instead of blocking until someone writes to it.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createHostFiles } from '../../../source/system/host-files.js';

const dir = mkdtempSync(join(tmpdir(), 'bm-host-files-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('createHostFiles().readFile with maxBytes', () => {
  const files = createHostFiles();

  it('reads a small file whole and a large one up to the cap and one byte more', async () => {
    writeFileSync(join(dir, 'small'), 'ADDRESS=198.51.100.240\n');
    writeFileSync(join(dir, 'large'), 'x'.repeat(5_000_000));
    expect(await files.readFile(join(dir, 'small'), { maxBytes: 1024 })).toBe('ADDRESS=198.51.100.240\n');
    expect(await files.readFile(join(dir, 'large'), { maxBytes: 1024 })).toHaveLength(1025);
    expect(await files.readFile(join(dir, 'absent'), { maxBytes: 1024 })).toBeNull();
    expect(await files.readFile(dir, { maxBytes: 1024 })).toBeNull();
  });

  it('does not block on a FIFO', async () => {
    const fifo = join(dir, 'fifo');
    execFileSync('mkfifo', [fifo]);
    expect(await files.readFile(fifo, { maxBytes: 1024 })).toBe('');
  });
});
