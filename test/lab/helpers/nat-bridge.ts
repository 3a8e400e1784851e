/**
 * The original plan's NAT bridge in the lab's host namespace: fcbr0 (STP off, forward delay 0)
 * with the guests' gateway address 203.0.113.129/25 and a persistent TAP as its port. The TAP and
 * the bridge die with the namespace. Its MASQUERADE rules are each test's own.
 */
import type { Lab } from '../../../source/lab/types.js';

export async function natBridge(lab: Lab): Promise<void> {
  const run = (...argv: string[]) => lab.exec(lab.ns.host, argv);
  await run('ip', 'link', 'add', 'fcbr0', 'type', 'bridge', 'stp_state', '0', 'forward_delay', '0');
  await run('ip', 'tuntap', 'add', 'dev', 'fctap0', 'mode', 'tap');
  await run('ip', 'link', 'set', 'fctap0', 'master', 'fcbr0');
  await run('ip', 'link', 'set', 'fctap0', 'up');
  await run('ip', 'address', 'add', '203.0.113.129/25', 'dev', 'fcbr0');
  await run('ip', 'link', 'set', 'fcbr0', 'up');
}
