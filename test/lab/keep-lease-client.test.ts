/**
 * A bare DHCP client keeps the lease on the bridge, in real time: the lab host runs udhcpc on ens18
 * (its script gives the address the lease time as lifetime, as networkd and dhclient do), dnsmasq
 * leases for 2 minutes and has no reservation for the host, so only the same client id gets the
 * same address. Applied and confirmed through the engine; then, for two lease periods, the
 * address stays on fcbr0 and its lifetime goes back up at each renewal, the router's lease keeps
 * the address and the client id, and a TCP session opened before the change keeps working.
 * Runs side by side with keep-lease-client-revert.test.ts (each waits ~5 minutes).
 */
import { describe, expect, test } from 'vitest';
import {
  applyWithBridgeClient,
  bridgeClients,
  dnsmasqLeases,
  expectLeaseKept,
  validLifetime,
  withShortLeaseLab,
} from './helpers/lease-watch.js';

describe('a bare udhcpc keeps the lease on the bridge', () => {
  test('after apply and confirm: same address renewed through two 2-minute leases, same client id, the TCP session lives', {
    timeout: 480_000,
  }, async () => {
    await withShortLeaseLab(async (lab, setup, session) => {
      const address = lab.hostAddress;
      expect(dnsmasqLeases(lab)).toEqual([
        expect.objectContaining({ address, mac: lab.hostMac, clientId: `01:${lab.hostMac}` }),
      ]);
      const { plan, argv } = await applyWithBridgeClient(setup);
      expect(plan.steps.map((step) => step.id)).toEqual([
        'stage-bridge',
        'stop-dhcp',
        'keep-lease',
        'cutover',
      ]);
      expect(argv).toEqual(expect.arrayContaining(['-i', 'fcbr0', '-r', address]));
      await setup.engine.confirm();
      // The uplink's client is gone, the bridge's runs as root with exactly the planned argv.
      expect(lab.dhcpClient?.hasExited()).toBe(true);
      const running = bridgeClients(argv);
      expect(running).toHaveLength(1);
      expect(await validLifetime(lab, 'ens18', address)).toBeNull();

      const samples = await expectLeaseKept(lab, 'fcbr0', session);
      // Never anywhere near lapsing: a renewal resets it to 120 s, half of it is 60.
      expect(Math.min(...samples.map((sample) => sample.validLft ?? 0))).toBeGreaterThan(40);
      expect(dnsmasqLeases(lab)[0]?.expiry ?? 0).toBeGreaterThan(Date.now() / 1000 + 40);
      expect(bridgeClients(argv)).toEqual(running);
    });
  });
});
