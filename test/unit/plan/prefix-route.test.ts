/**
 * Which "proto kernel" routes the cutover leaves to `addr add` and which it moves itself. The
 * NetworkManager shape is the one that broke the cutover: its address is noprefixroute and it adds
 * the prefix route itself ("proto kernel metric 100"), so nothing recreates that route on the
 * bridge and the default route's gateway is unreachable there without it.
 */
import { describe, expect, it } from 'vitest';
import { buildPlan } from '../../../source/plan/build.js';
import { addressPrefixRoute, isSameKernelRoute } from '../../../source/plan/prefix-route.js';
import type { Command } from '../../../source/plan/types.js';
import { uplinkState } from '../../../source/plan/uplink-state.js';
import { address, GATEWAY, HOST_ADDRESS, request, route, variant } from './fixtures.js';
import { networkManagerServer } from './hosts.js';
import { applyCommand } from './model-commands.js';
import { canonical, modelFromSnapshot } from './model-snapshot.js';

/** NetworkManager's way: noprefixroute address, its own prefix route, default route metric 100. */
const networkManagerStyle = () =>
  variant((s) => {
    const own = s.addresses.find((a) => a.local === HOST_ADDRESS);
    if (own) own.flags = ['noprefixroute'];
    const prefix = s.routes.find((r) => r.dst === '198.51.100.0/24');
    if (prefix) Object.assign(prefix, { protocol: 'kernel', metric: 100 });
  }, networkManagerServer());

const lines = (commands: Command[]) =>
  commands.flatMap((command) => (command.kind === 'ip-batch' ? command.lines.map((l) => l.join(' ')) : []));

describe('the prefix route an address makes', () => {
  it('matches what Linux adds for a primary IPv4 address: its network, scope link, the address as source, its metric', () => {
    const primary = address('ens18', '198.51.100.37/24');
    const made = addressPrefixRoute(primary, 100, false);
    expect(made).not.toBeNull();
    const kernel = route('198.51.100.0/24', {
      protocol: 'kernel',
      scope: 'link',
      prefsrc: '198.51.100.37',
      metric: 100,
    });
    expect(made && isSameKernelRoute(made, kernel)).toBe(true);
    // Another metric, another source, or another protocol is not the kernel's route.
    for (const other of [
      { ...kernel, metric: 200 },
      { ...kernel, metric: null },
      { ...kernel, prefsrc: '198.51.100.38' },
      { ...kernel, protocol: 'static' },
      { ...kernel, table: '100' },
    ])
      expect(made && isSameKernelRoute(made, other)).toBe(false);
  });

  it('is none for noprefixroute, an IPv4 secondary or a /32, and the peer network for a peer address', () => {
    expect(
      addressPrefixRoute(address('ens18', '198.51.100.37/24', { flags: ['noprefixroute'] }), null, false),
    ).toBe(null);
    expect(addressPrefixRoute(address('ens18', '198.51.100.38/24'), null, true)).toBe(null);
    expect(addressPrefixRoute(address('ens18', '198.51.100.7/32'), null, false)).toBe(null);
    const peer = addressPrefixRoute(
      address('ens18', '198.51.100.9/32', { peer: '198.51.100.10' }),
      null,
      false,
    );
    expect(
      peer &&
        isSameKernelRoute(
          peer,
          route('198.51.100.10', { protocol: 'kernel', scope: 'link', prefsrc: '198.51.100.9' }),
        ),
    ).toBe(true);
  });

  it('exists for every IPv6 address without noprefixroute, /128 too, with metric 256 unless set', () => {
    const host = addressPrefixRoute(address('ens18', '2001:db8:5::1/128'), null, false);
    expect(host && isSameKernelRoute(host, route('2001:db8:5::1', { protocol: 'kernel', metric: 256 }))).toBe(
      true,
    );
    const set = addressPrefixRoute(address('ens18', '2001:db8:6::1/64'), 77, false);
    expect(set && isSameKernelRoute(set, route('2001:db8:6::/64', { protocol: 'kernel', metric: 77 }))).toBe(
      true,
    );
  });
});

describe('cutover of a NetworkManager uplink (noprefixroute + its own proto kernel route)', () => {
  it('moves the prefix route before the default route, and puts it back on the uplink on undo', () => {
    const snapshot = networkManagerStyle();
    const state = uplinkState(snapshot, 'ens18');
    expect(state.routes.map((r) => r.dst)).toEqual(['198.51.100.0/24', 'default']);
    const plan = buildPlan(snapshot, request());
    const cutover = plan.steps.find((step) => step.kind === 'cutover');
    const forward = lines(cutover?.commands ?? []);
    const moved = `route replace 198.51.100.0/24 dev fcbr0 proto kernel scope link metric 100 src ${HOST_ADDRESS} table main`;
    expect(forward).toContain(moved);
    expect(forward.indexOf(moved)).toBeLessThan(
      forward.findIndex((line) => line.startsWith('route replace default')),
    );
    expect(lines(cutover?.inverse ?? [])).toContain(moved.replace('dev fcbr0', 'dev ens18'));
  });

  it('leaves a prefix route the kernel makes again with the moved address (the networkd shape)', () => {
    const snapshot = variant((s) => {
      const own = s.addresses.find((a) => a.local === HOST_ADDRESS);
      if (own) own.metric = 100;
    });
    expect(uplinkState(snapshot, 'ens18').routes.map((r) => r.dst)).toEqual([GATEWAY, 'default']);
  });

  it('runs in the kernel model, where the default route needs its gateway reachable on fcbr0, and undoes exactly', () => {
    const snapshot = networkManagerStyle();
    const plan = buildPlan(snapshot, request());
    const model = modelFromSnapshot(snapshot);
    const start = structuredClone(canonical(model));
    for (const step of plan.steps) for (const command of step.commands) applyCommand(model, command);
    expect(model.routes.filter((r) => r.devs.includes('fcbr0')).map((r) => r.dst)).toHaveLength(2);
    for (const step of [...plan.steps].reverse())
      for (const command of step.inverse) applyCommand(model, command);
    model.links.delete('fcbr0');
    expect(canonical(model)).toEqual(start);
  });

  it('would fail in the kernel model without the prefix route (the bug: "Nexthop has invalid gateway")', () => {
    const snapshot = networkManagerStyle();
    const plan = buildPlan(snapshot, request());
    const model = modelFromSnapshot(snapshot);
    const cutover = plan.steps.find((step) => step.kind === 'cutover');
    const batch = cutover?.commands[0];
    if (batch?.kind !== 'ip-batch') throw new Error('no cutover batch');
    const withoutPrefix = batch.lines.filter(
      (line) => !(line[0] === 'route' && line[2] === '198.51.100.0/24'),
    );
    for (const step of plan.steps.filter((candidate) => candidate.kind !== 'cutover'))
      for (const command of step.commands) applyCommand(model, command);
    expect(() => applyCommand(model, { kind: 'ip-batch', lines: withoutPrefix })).toThrow(
      /gateway 198\.51\.100\.1 unreachable on fcbr0/,
    );
  });
});
