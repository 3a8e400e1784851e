/**
 * The engine's handling of the DHCP client the plan started on the bridge (started-client.ts):
 * - stop-started finds it by its argv among every process in /proc. The scan takes a while on a busy
 *   host: a process it found early may exit and its pid go to another program before the signal, so
 *   each pid is checked again right before it.
 * - it counts as settled when asleep with no child, or whose only child is its own fork running the
 *   same argv (ISC dhclient 4.3+ forks at once and the parent waits for the child's first lease); a
 *   child running anything else (its script) keeps it busy.
 */
import { describe, expect, it, test } from 'vitest';
import type { FileReader } from '../../../source/system/files.js';
import type { EngineContext } from '../../../source/txn/engine/engine-context.js';
import { stopStarted, waitUntilSettled } from '../../../source/txn/engine/started-client.js';
import { dhcpHost, type FakeProcess, type FakeState, fakeHost, OUR_NETNS } from './engine-fake-host.js';

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

const DHCLIENT = ['/usr/sbin/dhclient', '-4', '-i', '-pf', '/run/dhclient.fcbr0.pid', 'fcbr0'];

function contextWith(processes: Array<[number, FakeProcess]>): EngineContext {
  const state = dhcpHost();
  for (const [pid, process] of processes) state.processes.set(pid, process);
  const { runner, files } = fakeHost(state);
  return { deps: { runner, files }, note: () => {} } as unknown as EngineContext;
}

describe('waitUntilSettled', () => {
  test('a dhclient waiting for its forked child (same argv) to bind the first lease has settled', async () => {
    const context = contextWith([
      [6001, { argv: DHCLIENT, netns: OUR_NETNS }],
      [6002, { argv: DHCLIENT, netns: OUR_NETNS, parent: 6001 }],
    ]);
    expect(await waitUntilSettled(context, DHCLIENT)).toBe('settled');
  });

  test('a client running its script (another program as its child) is still busy', async () => {
    const context = contextWith([
      [6001, { argv: DHCLIENT, netns: OUR_NETNS }],
      [6003, { argv: ['/bin/sh', '/sbin/dhclient-script'], netns: OUR_NETNS, parent: 6001 }],
    ]);
    expect(await waitUntilSettled(context, DHCLIENT)).toBe('busy');
  });
});
