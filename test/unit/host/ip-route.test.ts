import { describe, expect, it } from 'vitest';
import { defaultGateways, parseIpRoutes, parseRouteGetDev } from '../../../source/host/parse/ip-route.js';
import type { Route } from '../../../source/host/snapshot.js';
import { fixture } from './fixture.js';

describe('parseIpRoutes (ip -4|-6 -j route show table all)', () => {
  const v4 = parseIpRoutes(fixture('ip-route4-lab.json'), 4);
  const v6 = parseIpRoutes(fixture('ip-route6-lab.json'), 6);

  it('names the main table and unicast type that ip leaves out', () => {
    const def = v4.find((route) => route.dst === 'default');
    expect(def).toMatchObject({
      family: 4,
      table: 'main',
      type: 'unicast',
      gateway: '198.51.100.1',
      dev: 'ens18',
      metric: 100,
      protocol: 'dhcp',
      prefsrc: '198.51.100.240',
    });
  });

  it('keeps the table and metric of a route in another table', () => {
    expect(v4.find((route) => route.dst === '203.0.113.128/25')).toMatchObject({ table: '100', metric: 50 });
  });

  it('reads a multipath route as its next hops', () => {
    const multipath = v4.find((route) => route.dst === '192.0.2.0/24');
    expect(multipath).toMatchObject({ dev: null, gateway: null });
    expect(multipath?.nexthops).toEqual([
      { gateway: '198.51.100.3', dev: 'ens18', weight: 1 },
      { gateway: '198.51.100.4', dev: 'ens18', weight: 2 },
    ]);
  });

  it('keeps local-table routes and flags such as linkdown', () => {
    expect(v4.filter((route) => route.table === 'local').length).toBeGreaterThan(0);
    expect(v4.find((route) => route.dst === '203.0.113.0/24')?.flags).toEqual(['linkdown']);
  });

  it('reads IPv6 routes with their metrics', () => {
    expect(v6.find((route) => route.dst === 'default')).toMatchObject({
      family: 6,
      gateway: '2001:db8::1',
      metric: 1024,
    });
  });

  it('reads a host without IPv6 (empty output) as no routes', () => {
    expect(parseIpRoutes('', 6)).toEqual([]);
    expect(parseIpRoutes('[]\n', 6)).toEqual([]);
  });
});

describe('defaultGateways', () => {
  const route = (overrides: Partial<Route>): Route => ({
    family: 4,
    table: 'main',
    dst: 'default',
    type: 'unicast',
    gateway: null,
    dev: null,
    metric: null,
    protocol: null,
    scope: null,
    prefsrc: null,
    flags: [],
    nexthops: [],
    ...overrides,
  });

  it('lists IPv4 before IPv6 and the lowest metric first', () => {
    const gateways = defaultGateways([
      route({ family: 6, gateway: 'fe80::1', dev: 'ens18', metric: 1024 }),
      route({ gateway: '198.51.100.1', dev: 'wlan0', metric: 600 }),
      route({ gateway: '198.51.100.254', dev: 'ens18', metric: 100, protocol: 'dhcp' }),
    ]);
    expect(gateways.map((gateway) => gateway.dev)).toEqual(['ens18', 'wlan0', 'ens18']);
    expect(gateways[0]).toEqual({
      family: 4,
      gateway: '198.51.100.254',
      dev: 'ens18',
      metric: 100,
      protocol: 'dhcp',
    });
  });

  it('gives one entry per next hop of a multipath default and skips other tables and gateway-less defaults', () => {
    const gateways = defaultGateways([
      route({
        nexthops: [
          { gateway: '198.51.100.1', dev: 'ens18', weight: 1 },
          { gateway: '203.0.113.1', dev: 'ens19', weight: 1 },
        ],
      }),
      route({ table: '100', gateway: '198.51.100.9', dev: 'ens18' }),
      route({ dev: 'wg0' }),
    ]);
    expect(gateways.map((gateway) => `${gateway.gateway}@${gateway.dev}`)).toEqual([
      '198.51.100.1@ens18',
      '203.0.113.1@ens19',
    ]);
  });

  it('finds the lab default from the captured dump', () => {
    expect(defaultGateways(parseIpRoutes(fixture('ip-route4-lab.json'), 4))).toEqual([
      { family: 4, gateway: '198.51.100.1', dev: 'ens18', metric: 100, protocol: 'dhcp' },
    ]);
  });
});

describe('parseRouteGetDev (ip -j route get)', () => {
  it('reads the outgoing device', () => {
    expect(parseRouteGetDev(fixture('ip-route-get-lab.json'))).toBe('ens18');
    expect(parseRouteGetDev('')).toBeNull();
  });
});
