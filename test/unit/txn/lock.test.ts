import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parseProcStat, readProcessIdentity } from '../../../source/system/process-identity.js';
import { ensurePrivateDir } from '../../../source/system/trusted-path.js';
import {
  acquireLock,
  LOCK_FILE,
  MigrationLocked,
  readLockHolder,
  withLock,
} from '../../../source/txn/journal/lock.js';
import { makeTempStateDir } from './journal-fixture.js';

let temp: ReturnType<typeof makeTempStateDir>;
let lockPath: string;

beforeEach(() => {
  temp = makeTempStateDir();
  lockPath = join(temp.stateDir, LOCK_FILE);
});
afterEach(() => temp.cleanup());

/** A pid that certainly belonged to a process which has exited (it was ours and we reaped it). */
function deadPid(): number {
  const child = spawnSync(process.execPath, ['-e', ''], { stdio: 'ignore' });
  if (!child.pid) throw new Error('could not start a short-lived child');
  return child.pid;
}

async function writeForeignLock(content: object | string) {
  await ensurePrivateDir(temp.stateDir);
  const text = typeof content === 'string' ? content : JSON.stringify(content);
  writeFileSync(lockPath, text, { mode: 0o600 });
}

async function ownStartTime(): Promise<string> {
  const self = await readProcessIdentity(process.pid);
  if (!self) throw new Error('no /proc/self/stat');
  return self.startTime;
}

describe('acquireLock', () => {
  it('writes a 0600 lock naming this process and its start time in a 0700 directory, and removes it on release', async () => {
    const release = await acquireLock(temp.stateDir, 'apply');
    const holder = JSON.parse(readFileSync(lockPath, 'utf8'));
    expect(holder).toMatchObject({ pid: process.pid, startTime: await ownStartTime(), purpose: 'apply' });
    expect(statSync(lockPath).mode & 0o777).toBe(0o600);
    expect(statSync(temp.stateDir).mode & 0o777).toBe(0o700);
    await release();
    await release(); // a second call is harmless
    expect(readdirSync(temp.stateDir)).toEqual([]);
  });

  it('refuses while a live process holds it, naming the pid, the purpose and the way forward', async () => {
    const release = await acquireLock(temp.stateDir, 'guardian heartbeat');
    try {
      const error = await acquireLock(temp.stateDir, 'apply').catch((e: unknown) => e);
      expect(error).toBeInstanceOf(MigrationLocked);
      const message = (error as Error).message;
      expect(message).toContain(`pid ${process.pid}`);
      expect(message).toContain('guardian heartbeat');
      expect(message).toContain('bridge-migrate status');
    } finally {
      await release();
    }
  });

  it('refuses a lock written by a live process (this test) with its real start time', async () => {
    await writeForeignLock({
      pid: process.pid,
      startTime: await ownStartTime(),
      purpose: 'tui',
      acquiredAt: 1,
      token: 'x',
    });
    await expect(acquireLock(temp.stateDir, 'apply')).rejects.toThrow(/pid \d+, tui/);
    expect(JSON.parse(readFileSync(lockPath, 'utf8')).token).toBe('x');
  });

  it('takes over a lock whose process is gone', async () => {
    const pid = deadPid();
    await writeForeignLock({ pid, startTime: '12345', purpose: 'apply', acquiredAt: 1, token: 'dead' });
    expect(await readLockHolder(temp.stateDir)).toMatchObject({ alive: false, holder: { pid } });
    const release = await acquireLock(temp.stateDir, 'rollback');
    expect(JSON.parse(readFileSync(lockPath, 'utf8'))).toMatchObject({
      pid: process.pid,
      purpose: 'rollback',
    });
    await release();
    expect(readdirSync(temp.stateDir)).toEqual([]);
  });

  it('takes over a lock whose pid was reused by another process (start time differs)', async () => {
    await writeForeignLock({
      pid: process.pid,
      startTime: '1',
      purpose: 'apply',
      acquiredAt: 1,
      token: 'old',
    });
    const release = await acquireLock(temp.stateDir, 'confirm');
    expect(JSON.parse(readFileSync(lockPath, 'utf8')).purpose).toBe('confirm');
    await release();
  });

  it('takes over a lock file it cannot read as a holder', async () => {
    await writeForeignLock('');
    const release = await acquireLock(temp.stateDir, 'apply');
    expect(JSON.parse(readFileSync(lockPath, 'utf8')).pid).toBe(process.pid);
    await release();
  });

  it('waits for a short-held lock when asked to', async () => {
    const release = await acquireLock(temp.stateDir, 'first');
    const second = acquireLock(temp.stateDir, 'second', { waitMs: 10_000, pollMs: 5 });
    setImmediate(() => void release());
    const releaseSecond = await second;
    expect(JSON.parse(readFileSync(lockPath, 'utf8')).purpose).toBe('second');
    await releaseSecond();
  });

  it('never removes a lock that is no longer its own', async () => {
    const release = await acquireLock(temp.stateDir, 'apply');
    const replaced = {
      pid: process.pid,
      startTime: await ownStartTime(),
      purpose: 'other',
      acquiredAt: 2,
      token: 'other',
    };
    writeFileSync(lockPath, JSON.stringify(replaced));
    await release();
    expect(JSON.parse(readFileSync(lockPath, 'utf8')).token).toBe('other');
  });
});

describe('withLock', () => {
  it('releases the lock when the work throws', async () => {
    await expect(
      withLock(temp.stateDir, 'apply', async () => {
        throw new Error('work failed');
      }),
    ).rejects.toThrow('work failed');
    expect(await readLockHolder(temp.stateDir)).toBeNull();
  });
});

describe('parseProcStat', () => {
  it('reads field 22 even when the command name holds spaces and parentheses', () => {
    const fields = ['S', ...Array.from({ length: 18 }, (_, i) => String(i + 4)), '987654', '23', '24'];
    const line = `4242 (node (x) y) ${fields.join(' ')}\n`;
    expect(parseProcStat(4242, line)).toEqual({ pid: 4242, startTime: '987654', state: 'S' });
    expect(parseProcStat(1, 'garbage')).toBeNull();
  });
});
