/**
 * The pid identity check before a signal (txn/engine/dhcp-guard.ts), against this machine's real
 * /proc through the real FileReader: a child process of the test stands for the DHCP client the
 * probe saw. Nothing is ever signalled here; the check only reads.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { afterEach, describe, expect, it } from 'vitest';
import type { DhcpClient } from '../../../source/host/snapshot.js';
import { createHostFiles } from '../../../source/system/host-files.js';
import { readProcessIdentity } from '../../../source/system/process-identity.js';
import { checkSignalTarget, readIdentity } from '../../../source/txn/engine/dhcp-guard.js';
import type { EngineContext } from '../../../source/txn/engine/engine-context.js';

const context = { deps: { files: createHostFiles() } } as unknown as EngineContext;
const children: ChildProcess[] = [];

afterEach(() => {
  for (const child of children.splice(0)) if (child.exitCode === null) child.kill('SIGKILL');
});

async function startChild(): Promise<number> {
  const child = spawn('sleep', ['30'], { stdio: 'ignore' });
  children.push(child);
  await new Promise((resolve) => child.once('spawn', resolve));
  if (child.pid === undefined) throw new Error('sleep did not start');
  // Until exec, /proc shows node's own argv for the fork.
  for (let attempt = 0; attempt < 50; attempt++) {
    if ((await readIdentity(context, child.pid))?.argv[0] === 'sleep') break;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  return child.pid;
}

/** The plan's view of the child: root's udhcpc in our namespace (facts the probe would record). */
function clientSeen(pid: number): DhcpClient {
  return {
    pid,
    program: 'udhcpc',
    argv: ['sleep', '30'],
    ifname: 'ens18',
    sameNetns: true,
    uid: 0,
    euid: 0,
    exe: '/usr/bin/busybox',
  };
}

describe('the identity of a process read from /proc', () => {
  it('is its start time (stat field 22) and its argv while it runs, and nothing once it is gone', async () => {
    const pid = await startChild();
    const seen = await readIdentity(context, pid);
    expect(seen).toEqual({ startTime: (await readProcessIdentity(pid))?.startTime, argv: ['sleep', '30'] });
    const child = children[0] as ChildProcess;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGKILL');
    await exited;
    expect(await readIdentity(context, pid)).toBeNull();
  });
});

describe('checkSignalTarget', () => {
  it('refuses a pid whose process started at another time than the plan saw (a reused pid)', async () => {
    const pid = await startChild();
    const verdict = await checkSignalTarget(
      context,
      { kind: 'signal', pid, signal: 'TERM', startTime: '1', argv: ['sleep', '30'] },
      { dhcpClients: [clientSeen(pid)] },
    );
    expect(verdict.kind).toBe('refuse');
    expect(verdict.kind === 'refuse' && verdict.reason).toMatch(
      new RegExp(
        `^pid ${pid} is no longer the process the plan saw \\(started at tick 1: "sleep 30"\\); it now runs "sleep 30", started at tick \\d+ \\(the pid was reused\\)`,
      ),
    );
  });

  it('refuses a pid whose argv is not the one the plan saw, though its start time is', async () => {
    const pid = await startChild();
    const startTime = (await readProcessIdentity(pid))?.startTime ?? null;
    const verdict = await checkSignalTarget(
      context,
      { kind: 'signal', pid, signal: 'TERM', startTime, argv: ['udhcpc', '-i', 'ens18'] },
      { dhcpClients: [clientSeen(pid)] },
    );
    expect(verdict.kind === 'refuse' && verdict.reason).toContain('it now runs "sleep 30"');
  });

  it('with start time and argv matching, still checks the program the kernel runs', async () => {
    const pid = await startChild();
    const startTime = (await readProcessIdentity(pid))?.startTime ?? null;
    const verdict = await checkSignalTarget(
      context,
      { kind: 'signal', pid, signal: 'TERM', startTime, argv: ['sleep', '30'] },
      { dhcpClients: [clientSeen(pid)] },
    );
    // sleep is not busybox: the identity matched, the program did not (or, not root: the owner).
    expect(verdict.kind).toBe('refuse');
    expect(verdict.kind === 'refuse' && verdict.reason).toMatch(/not \/usr\/bin\/busybox|not root/);
  });

  it('calls a process that exited since the plan gone, which fails the step', async () => {
    const pid = await startChild();
    const startTime = (await readProcessIdentity(pid))?.startTime ?? null;
    const child = children[0] as ChildProcess;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGKILL');
    await exited;
    const verdict = await checkSignalTarget(
      context,
      { kind: 'signal', pid, signal: 'TERM', startTime, argv: ['sleep', '30'] },
      { dhcpClients: [clientSeen(pid)] },
    );
    expect(verdict).toEqual({
      kind: 'gone',
      reason: `pid ${pid} (sleep 30) has exited since the plan was made; the host changed, run plan/apply again`,
    });
  });
});
