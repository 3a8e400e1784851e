import { describe, expect, it } from 'vitest';
import { buildPlan } from '../../../source/plan/build.js';
import { baseSnapshot, request, route, rule, uplinkOf, variant } from './fixtures.js';
import { bridgeWithPorts, ifupdownDhclient, natSetup } from './hosts.js';

describe('buildPlan', () => {
  it('plans the Proxmox VM: stage, cut over, persist with netplan, confirm within the deadline', () => {
    const plan = buildPlan(baseSnapshot(), request({ timeoutSec: 180 }));
    expect(plan.nic).toBe('ens18');
    expect(plan.bridge).toBe('fcbr0');
    expect(plan.blocked).toBe(false);
    // netplan renders for networkd here, so networkd is held off the links while it is pending, and
    // renews the moved lease on the bridge after the cutover.
    expect(plan.steps.map((step) => step.kind)).toEqual([
      'stage-bridge',
      'renderer-hold',
      'cutover',
      'keep-lease',
    ]);
    expect(plan.persistWith).toBe('netplan');
    expect(plan.config.map((file) => file.path)).toEqual([
      '/etc/netplan/50-cloud-init.yaml',
      // networkd's lease was DUID+IAID: netplan says `dhcp-identifier: duid`, the drop-in the rest.
      '/etc/systemd/network/10-netplan-fcbr0.network.d/50-bridge-migrate-dhcp-identity.conf',
      '/etc/cloud/cloud.cfg.d/99-bridge-migrate-disable-network-config.cfg',
    ]);
    expect(plan.deadlineSec).toBe(180);
    expect(plan.snapshotTakenAt).toBe('2025-06-01T10:00:00.000Z');
    expect(plan.topology).toEqual({
      before: [
        {
          name: 'ens18',
          role: 'uplink',
          addresses: ['198.51.100.240/24'],
          master: null,
          defaultRoute: true,
          lease: baseSnapshot().dhcpLeases?.[0],
        },
      ],
      after: [
        { name: 'fcbr0', role: 'bridge', addresses: ['198.51.100.240/24'], master: null, defaultRoute: true },
        { name: 'ens18', role: 'port', addresses: [], master: 'fcbr0', defaultRoute: false },
      ],
    });
  });

  it('orders NAT removal first and stops DHCP clients before the cutover, so reverting restarts them last', () => {
    // The host's client starts on the bridge between the two: a revert stops it before the uplink's restarts.
    expect(buildPlan(natSetup(), request()).steps.map((step) => step.kind)).toEqual([
      'remove-nat',
      'stage-bridge',
      'renderer-hold',
      'cutover',
      'keep-lease',
    ]);
    expect(buildPlan(ifupdownDhclient(), request()).steps.map((step) => step.kind)).toEqual([
      'stage-bridge',
      'stop-dhcp',
      'keep-lease',
      'cutover',
    ]);
  });

  it('picks the uplink of the default route with the lowest metric', () => {
    const snapshot = variant((s) => {
      s.links.push({ ...uplinkOf(s), name: 'ens19', ifindex: 9, mac: 'bc:24:11:5e:2a:19' });
      s.routes.push(route('default', { dev: 'ens19', gateway: '198.51.100.1', metric: 50 }));
    });
    expect(buildPlan(snapshot, request()).nic).toBe('ens19');
  });

  it('still shows the steps of a plan that only a non-root user may not apply', () => {
    const plan = buildPlan(
      variant((s) => Object.assign(s, { isRoot: false })),
      request(),
    );
    expect(plan.blocked).toBe(true);
    expect(plan.steps.length).toBeGreaterThan(0);
  });

  it('builds no steps when the bridge has ports it would put on the LAN', () => {
    const plan = buildPlan(bridgeWithPorts(), request());
    expect(plan.steps).toEqual([]);
    expect(plan.config).toEqual([]);
  });

  it.each([
    [{ nic: 'eth7' }, 'unknown-nic', 'There is no interface named eth7 on this host.'],
    [{ nic: 'bad/name' }, 'invalid-nic-name', 'The interface name "bad/name" contains "/" or ":".'],
    [
      { bridge: 'a-very-long-bridge' },
      'invalid-bridge-name',
      'The bridge name "a-very-long-bridge" is 18 bytes long; Linux allows at most 15.',
    ],
    [{ bridge: 'ens18' }, 'nic-is-bridge', 'The uplink and the bridge are both named ens18.'],
    [{ bridge: 'lo' }, 'bridge-name-taken', 'lo already exists and is a network device, not a bridge.'],
  ])('turns bad input %o into a blocker instead of throwing', (fields, id, reason) => {
    const plan = buildPlan(baseSnapshot(), request(fields));
    expect(plan.blocked).toBe(true);
    expect(plan.verdicts.find((verdict) => verdict.id === id)?.reason).toBe(reason);
    expect(plan.steps).toEqual([]);
  });

  it('says so when there is no default route to pick the uplink from', () => {
    const plan = buildPlan(
      variant((s) => {
        s.routes = s.routes.filter((r) => r.dst !== 'default');
      }),
      request(),
    );
    expect(plan.verdicts.map((verdict) => verdict.id)).toEqual(['no-default-route']);
    expect(plan.nic).toBe('');
    expect(plan.topology).toEqual({ before: [], after: [] });
  });

  it('refuses a rule it cannot rebuild exactly, naming the field', () => {
    const snapshot = variant((s) =>
      s.rules.push(rule(4, 50, { iif: 'ens18', table: 'main', flowlabel: '0x1' })),
    );
    const plan = buildPlan(snapshot, request());
    const verdict = plan.verdicts.find((candidate) => candidate.id === 'unplannable');
    expect(verdict?.level).toBe('blocker');
    expect(verdict?.reason).toContain('rule field "flowlabel"');
  });

  it('is the same plan for the same snapshot and request', () => {
    expect(buildPlan(natSetup(), request())).toEqual(buildPlan(natSetup(), request()));
  });
});
