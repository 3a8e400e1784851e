/**
 * The new-operator trial's stale preview, reproduced: the plan is made while the uplink's udhcpc
 * runs as one pid; then that client is restarted under a new pid (as a guardian's revert does) and
 * the old plan is applied. The engine's fresh look before the first change refuses it: nothing on
 * the host changes, no journal is written, and exactly one client serves the uplink (the new one).
 */
import { describe, expect, test } from 'vitest';
import { waitFor } from '../../source/lab/wait.js';
import { HostChangedSincePlan } from '../../source/txn/engine/engine-errors.js';
import { comparable, withLabEngine } from './helpers/engine-lab.js';
import { withLab } from './helpers/lab-state.js';

describe('a plan made before the host changed', () => {
  test("is refused when the uplink's DHCP client was restarted under a new pid; nothing changes", async () => {
    await withLab({ host: { kind: 'dhcp', keepClient: true, leaseLifetimes: true } }, async (lab) => {
      await withLabEngine(lab, {}, async (setup) => {
        const snapshot = await setup.probe();
        const plan = setup.plan(snapshot);
        expect(plan.blocked).toBe(false);
        const old = lab.dhcpClient;
        if (!old) throw new Error('the lab has no DHCP client on the uplink');
        const stop = plan.steps.find((step) => step.id === 'stop-dhcp');
        expect(stop?.commands).toEqual([expect.objectContaining({ kind: 'signal', pid: old.pid })]);

        await lab.stop(old);
        const restarted = await lab.spawn(lab.ns.host, old.argv, { label: 'udhcpc-restarted' });
        // The restarted client deconfigures the uplink at start and takes the lease again.
        await waitFor(
          'the uplink to have its address again',
          { attempts: 100, intervalMs: 100, timeoutMs: 10_000 },
          async () => {
            const now = await setup.probe();
            const ours = now.dhcpClients.filter((client) => client.ifname === 'ens18' && client.sameNetns);
            const addressed = now.addresses.some(
              (address) => address.ifname === 'ens18' && address.local === lab.hostAddress,
            );
            return ours.length === 1 && ours[0]?.pid !== old.pid && addressed ? true : undefined;
          },
        );
        const before = await lab.snapshot(lab.ns.host);

        const start = setup.engine.start({ plan, preState: snapshot, timeoutSec: 60 });
        await expect(start).rejects.toBeInstanceOf(HostChangedSincePlan);
        await expect(start).rejects.toThrow(
          new RegExp(
            `the host changed since the plan was made \\(udhcpc \\(pid ${old.pid}: [^)]*\\) is no longer running; udhcpc \\(pid \\d+`,
          ),
        );

        expect(comparable(await lab.snapshot(lab.ns.host))).toEqual(comparable(before));
        expect(await setup.journal.load(setup.stateDir)).toBeNull();
        expect(restarted.hasExited()).toBe(false);
        const after = await setup.probe();
        expect(
          after.dhcpClients.filter((client) => client.ifname === 'ens18' && client.sameNetns),
        ).toHaveLength(1);
        expect(after.dhcpClients.some((client) => client.ifname === 'fcbr0')).toBe(false);
        expect(after.links.some((link) => link.name === 'fcbr0')).toBe(false);
      });
    });
  });
});
