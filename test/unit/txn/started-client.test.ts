/**
 * stop-started signals the DHCP client the plan started on the bridge, found by its argv among every
 * process in /proc. The scan takes a while on a busy host: a process it found early may exit and
 * its pid go to another program before the signal. Each pid is checked again right before it.
 */
import { describe, expect, it } from 'vitest';
import type { FileReader } from '../../../source/system/files.js';
import type { EngineContext } from '../../../source/txn/engine/engine-context.js';
import { stopStarted } from '../../../source/txn/engine/started-client.js';
import { type FakeProcess, type FakeState, fakeHost, OUR_NETNS } from './engine-fake-host.js';

const STARTED = ['/usr/bin/busybox', 'udhcpc', '-i', 'fcbr0', '-p', '/run/udhcpc.fcbr0.pid'];

function context(files: FileReader, runner: ReturnType<typeof fakeHost>['runner'], notes: string[]) {
  return { deps: { files, runner }, note: (text: string) => notes.push(text) } as unknown as EngineContext;
}

function withProcesses(processes: Array<[number, FakeProcess]>): FakeState {
  return { links: [], addresses: [], routes: [], rules: [], processes: new Map(processes) };
}

describe('stopStarted', () => {
  it('does not signal a pid that another program took while the scan went on', async () => {
    const state = withProcesses([
      [5001, { argv: STARTED, netns: OUR_NETNS }],
      [5002, { argv: ['/usr/sbin/cron', '-f'], netns: OUR_NETNS }],
    ]);
    const host = fakeHost(state);
    const sshd = { argv: ['/usr/sbin/sshd', '-D'], netns: OUR_NETNS };
    const files: FileReader = {
      ...host.files,
      async readFile(path, options) {
        // The client exits once the scan has passed it; root's sshd gets its pid.
        if (path === '/proc/5002/cmdline') state.processes.set(5001, sshd);
        return host.files.readFile(path, options);
      },
    };
    const notes: string[] = [];
    expect(await stopStarted(context(files, host.runner, notes), STARTED, 'TERM')).toBeNull();
    expect(host.calls.filter((argv) => argv[0] === 'kill')).toEqual([]);
    expect(state.processes.get(5001)).toBe(sshd);
    expect(notes).toContain(`pid 5001 no longer runs ${STARTED.join(' ')}: not signalled`);
  });

  it('signals the started client and waits until it is gone', async () => {
    const state = withProcesses([[5001, { argv: STARTED, netns: OUR_NETNS }]]);
    const host = fakeHost(state);
    const notes: string[] = [];
    expect(await stopStarted(context(host.files, host.runner, notes), STARTED, 'TERM')).toBeNull();
    expect(host.calls.filter((argv) => argv[0] === 'kill')).toEqual([['kill', '-TERM', '5001']]);
    expect(state.processes.has(5001)).toBe(false);
  });
});
