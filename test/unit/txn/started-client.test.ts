/**
 * When a client the plan started on the bridge counts as settled (started-client.ts): asleep with
 * no child, or whose only child is its own fork running the same argv (ISC dhclient 4.3+ forks at
 * once and the parent waits for the child's first lease); a child running anything else (its
 * script) keeps it busy.
 */
import { describe, expect, test } from 'vitest';
import type { EngineContext } from '../../../source/txn/engine/engine-context.js';
import { waitUntilSettled } from '../../../source/txn/engine/started-client.js';
import { dhcpHost, type FakeProcess, fakeHost, OUR_NETNS } from './engine-fake-host.js';

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
