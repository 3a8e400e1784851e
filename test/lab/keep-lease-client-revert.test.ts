/**
 * The revert hands the lease back to the uplink's own client, in real time: a DHCP host on a
 * 2-minute lease with no reservation (only the same client id gets the same address), applied
 * (the host's udhcpc now runs on fcbr0), then rolled back. The bridge's client is stopped first,
 * the uplink's is started again, and for two lease periods the same address stays on ens18 and is
 * renewed, with the router's lease under the same client id. Runs side by side with
 * keep-lease-client.test.ts.
 */
import { describe, expect, test } from 'vitest';
import { processesMentioning } from './helpers/lab-state.js';
import {
  applyWithBridgeClient,
  bridgeClients,
  expectLeaseKept,
  withShortLeaseLab,
} from './helpers/lease-watch.js';

describe('a revert hands the lease back to the uplink client', () => {
  test('after apply and rollback: the bridge client is gone, the restarted uplink client renews the same address through two leases', {
    timeout: 480_000,
  }, async () => {
    await withShortLeaseLab(async (lab, setup, session) => {
      const { argv } = await applyWithBridgeClient(setup);
      expect(bridgeClients(argv)).toHaveLength(1);

      const revert = await setup.another().revert('operator');
      expect(revert).toMatchObject({ kind: 'reverted', differences: [], manualCommands: [] });
      // The bridge's client is stopped (after the cutover's inverse), then the uplink's restarts.
      expect(revert.steps.map((step) => [step.stepId, step.state])).toEqual([
        ['cutover', 'reverted'],
        ['keep-lease', 'reverted'],
        ['stop-dhcp', 'reverted'],
        ['stage-bridge', 'reverted'],
      ]);
      expect(bridgeClients(argv)).toEqual([]);
      const owned = new Set(lab.processes().map((process) => process.pid));
      expect(processesMentioning(lab.dir).filter((pid) => !owned.has(pid))).toHaveLength(1);

      await expectLeaseKept(lab, 'ens18', session);
    });
  });
});
