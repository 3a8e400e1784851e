/**
 * The real detached start the guardian uses where systemd is not PID 1 (system/detach.ts): a
 * child in its own session, its output in the log, killed by pid and reaped (no zombie left).
 */
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { type DetachedChild, startDetached } from '../../../source/system/detach.js';
import { readProcessIdentity } from '../../../source/system/process-identity.js';

let dir: string;
let children: DetachedChild[];

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'bm-detach-'));
  children = [];
});
afterEach(async () => {
  for (const child of children) {
    child.kill('SIGKILL');
    await child.exited;
  }
  rmSync(dir, { recursive: true, force: true });
});

const SCRIPT = `process.stdout.write('out ' + process.pid + '\\n'); process.stderr.write('err\\n');
process.on('SIGHUP', () => {}); setTimeout(() => {}, 30000);`;

/** /proc/PID/stat field 6 (session id); the comm field may hold spaces, so count from ")". */
function sessionOf(pid: number): number {
  const text = readFileSync(`/proc/${pid}/stat`, 'utf8');
  return Number(text.slice(text.lastIndexOf(')') + 2).split(' ')[3]);
}

async function until(condition: () => boolean): Promise<void> {
  for (let i = 0; i < 100 && !condition(); i++) await new Promise((done) => setTimeout(done, 50));
}

it('runs the child as the leader of its own session, with its output appended to a 0600 log', async () => {
  const log = join(dir, 'debug.log');
  const child = await startDetached([process.execPath, '-e', SCRIPT], { logPath: log });
  children.push(child);
  expect(sessionOf(child.pid)).toBe(child.pid);
  expect(sessionOf(child.pid)).not.toBe(sessionOf(process.pid));
  await until(() => readFileSync(log, 'utf8').includes('err'));
  expect(readFileSync(log, 'utf8').split('\n').sort()).toEqual(['', `out ${child.pid}`, 'err'].sort());
  expect(statSync(log).mode & 0o777).toBe(0o600);
  expect(child.hasExited()).toBe(false);
});

it('kills by pid and reaps the child, so no zombie is left behind', async () => {
  const child = await startDetached([process.execPath, '-e', SCRIPT], { logPath: null });
  children.push(child);
  expect(child.kill('SIGKILL')).toBe(true);
  expect(await child.exited).toEqual({ code: null, signal: 'SIGKILL' });
  expect(child.hasExited()).toBe(true);
  expect(await readProcessIdentity(child.pid)).toBeNull();
  expect(child.kill('SIGKILL')).toBe(false);
});

it('rejects a program that cannot be started', async () => {
  await expect(startDetached([join(dir, 'missing')], { logPath: null })).rejects.toThrow(
    /cannot start .*missing/,
  );
});
