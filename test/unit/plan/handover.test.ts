/** The persist hand-over needs a running renderer: a blocker before the first change (preflight/handover.ts). */
import { describe, expect, it } from 'vitest';
import type { HostSnapshot } from '../../../source/host/snapshot.js';
import { buildPlan } from '../../../source/plan/build.js';
import type { PlanRequest } from '../../../source/plan/types.js';
import { baseSnapshot } from './fixtures.js';

const REQUEST: PlanRequest = { nic: 'ens18', bridge: 'fcbr0', timeoutSec: 120, persist: 'netplan' };

function hostWith(networkd: Partial<HostSnapshot['renderer']['networkd']>): HostSnapshot {
  const snapshot = baseSnapshot();
  snapshot.renderer.networkd = { ...snapshot.renderer.networkd, ...networkd };
  return snapshot;
}

const handover = (snapshot: HostSnapshot, request: PlanRequest = REQUEST) =>
  buildPlan(snapshot, request).verdicts.filter((verdict) => verdict.id === 'persist-renderer-unreachable');

describe('persist hand-over preflight', () => {
  it('warns on --persist netplan where systemd-networkd does not answer on the bus, with the way out', () => {
    const snapshot = hostWith({ reachable: false });
    const plan = buildPlan(snapshot, REQUEST);
    expect(plan.config.length).toBeGreaterThan(0);
    expect(handover(snapshot)).toEqual([
      {
        id: 'persist-renderer-unreachable',
        level: 'warning',
        reason:
          'At confirm the netplan config is handed to systemd-networkd with `networkctl reload` over the system D-Bus, but systemd-networkd did not answer a status query there: if it still does not at confirm, confirm fails and reverts the change.',
        fix: 'Start systemd-networkd (and D-Bus), or plan with --persist none to keep the change runtime-only.',
      },
    ]);
  });

  it('says nothing where networkd answers, where it is unknown (old recordings), or with --persist none', () => {
    expect(handover(hostWith({ reachable: true }))).toEqual([]);
    expect(handover(hostWith({}))).toEqual([]);
    expect(handover(hostWith({ reachable: false }), { ...REQUEST, persist: 'none' })).toEqual([]);
  });

  it('blocks --persist networkmanager where nmcli is there but NetworkManager is not running', () => {
    const snapshot = baseSnapshot();
    snapshot.renderer.networkManager = { available: true, running: false, devices: {} };
    const verdicts = handover(snapshot, { ...REQUEST, persist: 'networkmanager' });
    expect(verdicts.map((verdict) => verdict.fix)).toEqual([
      'Start NetworkManager, or plan with --persist none to keep the change runtime-only.',
    ]);
  });
});
