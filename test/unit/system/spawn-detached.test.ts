import { chmodSync, copyFileSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { othersCanReplace, spawnDetached } from '../../../source/system/spawn-detached.js';

let scratch: string;
beforeEach(() => {
  scratch = mkdtempSync(join(tmpdir(), 'bm-spawn-'));
});
afterEach(() => rmSync(scratch, { recursive: true, force: true }));

describe('starting a program as root by its path', () => {
  it('accepts a system program only root can change', async () => {
    expect(await othersCanReplace('/bin/sh')).toBeNull();
  });

  it('refuses a program in a directory others may write, and starts nothing', async () => {
    const open = join(scratch, 'open');
    mkdirSync(open);
    chmodSync(open, 0o777);
    const program = join(open, 'dhclient');
    copyFileSync('/bin/true', program);
    chmodSync(program, 0o755);
    expect(await othersCanReplace(program)).toMatch(
      /(is writable by group or others \(mode 777\)|not root)$/,
    );
    await expect(spawnDetached([program, 'ens18'])).rejects.toThrow(
      new RegExp(`^not starting ${program} ens18: `),
    );
  });

  it('refuses a program others may write, or one that is not there', async () => {
    const program = join(scratch, 'dhclient');
    copyFileSync('/bin/true', program);
    chmodSync(scratch, 0o755);
    chmodSync(program, 0o757);
    expect(await othersCanReplace(program)).toMatch(
      /dhclient (is writable by group or others \(mode 757\)|belongs to uid \d+, not root)$/,
    );
    expect(await othersCanReplace(join(scratch, 'missing'))).toMatch(/^cannot check .*missing \(ENOENT\)$/);
  });
});
