/**
 * fast-check arbitraries for host snapshots: an uplink with 1–4 IPv4 addresses (some sharing a
 * subnet, so primaries and secondaries), 0–2 IPv6 ones, routes with gateways, metrics, tables and
 * next hops, rules naming the uplink by iif or oif, a second NIC that must stay untouched, and
 * names that are sometimes invalid. Everything generated is internally consistent (gateways sit
 * in a subnet of the uplink, kernel prefix routes match the addresses), like a real host; a
 * noprefixroute address sometimes has its prefix route added by hand, "proto kernel" with its own
 * metric, the way NetworkManager does it.
 */
import fc from 'fast-check';
import type { Address, HostSnapshot, Route, Rule } from '../../../source/host/snapshot.js';
import { address, baseSnapshot, dhcpClient, link, route, rule } from './fixtures.js';

const SUBNETS = [
  { base: [198, 51, 100, 0], prefixlen: 24 },
  { base: [203, 0, 113, 0], prefixlen: 26 },
  { base: [203, 0, 113, 64], prefixlen: 26 },
  { base: [203, 0, 113, 128], prefixlen: 25 },
] as const;
const ROUTE_DESTINATIONS = [
  '198.18.0.0/24',
  '198.18.1.0/24',
  '198.19.0.0/16',
  '198.18.128.0/17',
  '198.18.2.7',
];

const dotted = (octets: readonly number[]) => octets.join('.');
const hostIn = (subnet: (typeof SUBNETS)[number], host: number) => {
  const size = 2 ** (32 - subnet.prefixlen);
  const last = (subnet.base[3] as number) + (host % (size - 2)) + 1;
  return dotted([subnet.base[0], subnet.base[1], subnet.base[2], last]);
};
const broadcastOf = (subnet: (typeof SUBNETS)[number]) =>
  dotted([
    subnet.base[0],
    subnet.base[1],
    subnet.base[2],
    (subnet.base[3] as number) + 2 ** (32 - subnet.prefixlen) - 1,
  ]);

export const validName = fc
  .stringMatching(/^[a-z][a-z0-9]{0,8}$/)
  .filter((name) => !['lo', 'eth9', 'tap0'].includes(name));
export const invalidName = fc.constantFrom(
  'bad/name',
  'has space',
  'a:b',
  'waytoolonginterfacename',
  '',
  '..',
  'q"uote',
);

const v4Spec = fc.record({
  subnet: fc.integer({ min: 0, max: SUBNETS.length - 1 }),
  host: fc.integer({ min: 0, max: 60 }),
  broadcast: fc.boolean(),
  alias: fc.boolean(),
  dynamic: fc.boolean(),
  noprefixroute: fc.boolean(),
  /** With noprefixroute: the prefix route added by its owner, as NetworkManager does. */
  ownRoute: fc.boolean(),
  metric: fc.option(fc.integer({ min: 1, max: 1000 }), { nil: null }),
});

const v6Spec = fc.record({
  net: fc.integer({ min: 1, max: 3 }),
  host: fc.integer({ min: 1, max: 0xfff }),
  dynamic: fc.boolean(),
  noprefixroute: fc.boolean(),
  ownRoute: fc.boolean(),
  temporary: fc.boolean(),
});

const routeSpec = fc.record({
  dst: fc.integer({ min: 0, max: ROUTE_DESTINATIONS.length - 1 }),
  kind: fc.constantFrom('via', 'direct', 'onlink', 'multipath', 'chained'),
  gatewayHost: fc.integer({ min: 0, max: 60 }),
  table: fc.constantFrom('main', '100', '200'),
  metric: fc.option(fc.integer({ min: 0, max: 500 }), { nil: null }),
  protocol: fc.constantFrom(null, 'static', 'dhcp', 'boot'),
});

const ruleSpec = fc.record({
  family: fc.constantFrom(4 as const, 6 as const),
  priority: fc.integer({ min: 1, max: 32000 }),
  direction: fc.constantFrom('iif', 'oif'),
  fromLocal: fc.boolean(),
  table: fc.constantFrom('100', 'main'),
  fwmark: fc.boolean(),
});

export const hostArbitrary = fc.record({
  nic: fc.oneof({ weight: 9, arbitrary: validName }, { weight: 1, arbitrary: invalidName }),
  bridge: fc.oneof({ weight: 9, arbitrary: validName }, { weight: 1, arbitrary: invalidName }),
  v4: fc.array(v4Spec, { minLength: 1, maxLength: 4 }),
  v6: fc.array(v6Spec, { maxLength: 2 }),
  defaultMetric: fc.option(fc.integer({ min: 0, max: 1000 }), { nil: null }),
  defaultProtocol: fc.constantFrom(null, 'static', 'dhcp'),
  routes: fc.array(routeSpec, { maxLength: 3 }),
  rules: fc.array(ruleSpec, { maxLength: 3 }),
  mtu: fc.constantFrom(1500, 9000),
  dhclient: fc.boolean(),
  autoNic: fc.boolean(),
});

export type HostSpec = typeof hostArbitrary extends fc.Arbitrary<infer T> ? T : never;

export function snapshotFromSpec(spec: HostSpec): HostSnapshot {
  const nic = spec.nic;
  const snapshot = baseSnapshot();
  snapshot.renderer.netplan.files = [];
  snapshot.renderer.cloudInitNetwork = false;
  snapshot.renderer.networkd.links = {};
  snapshot.links = [
    link('lo', { ifindex: 1, mtu: 65536, flags: ['LOOPBACK', 'UP', 'LOWER_UP'], mac: '00:00:00:00:00:00' }),
    link(nic, { ifindex: 2, mac: 'bc:24:11:5e:2a:01', mtu: spec.mtu, driver: 'virtio_net' }),
    link('eth9', { ifindex: 3, mac: 'bc:24:11:5e:2a:09', driver: 'virtio_net' }),
  ];
  const addresses: Address[] = [address('lo', '127.0.0.1/8', { scope: 'host', label: 'lo' })];
  const routes: Route[] = [];
  const used = new Set<string>();
  const primaries = new Map<number, string>();
  let gatewaySubnet: (typeof SUBNETS)[number] | undefined;
  spec.v4.forEach((entry, index) => {
    const subnet = SUBNETS[entry.subnet] as (typeof SUBNETS)[number];
    let host = entry.host;
    while (used.has(hostIn(subnet, host))) host++;
    const local = hostIn(subnet, host);
    used.add(local);
    const alias = `${nic}:${index}`;
    const label = entry.alias && Buffer.byteLength(alias) <= 15 ? alias : nic;
    const secondary = primaries.has(entry.subnet);
    const flags = entry.noprefixroute ? ['noprefixroute'] : [];
    addresses.push(
      address(nic, `${local}/${subnet.prefixlen}`, {
        broadcast: entry.broadcast ? broadcastOf(subnet) : null,
        label,
        dynamic: entry.dynamic,
        validLft: entry.dynamic ? 3600 + index : null,
        preferredLft: entry.dynamic ? 1800 + index : null,
        flags: secondary ? [...flags, 'secondary'] : flags,
      }),
    );
    const prefixRoute = !entry.noprefixroute || entry.ownRoute;
    if (!secondary && prefixRoute) gatewaySubnet ??= subnet;
    if (!secondary) {
      primaries.set(entry.subnet, local);
      if (prefixRoute) {
        routes.push(
          route(`${dotted(subnet.base)}/${subnet.prefixlen}`, {
            dev: nic,
            protocol: 'kernel',
            scope: 'link',
            prefsrc: local,
            // NetworkManager's own prefix routes carry its device metric (100 for Ethernet).
            metric: entry.noprefixroute ? (entry.metric ?? 100) : entry.metric,
          }),
        );
      }
    }
  });
  addresses.push(address(nic, 'fe80::be24:11ff:fe5e:2a01/64', { label: null }));
  spec.v6.forEach((entry) => {
    const local = `2001:db8:${entry.net}::${entry.host.toString(16)}`;
    if (addresses.some((existing) => existing.local === local)) return;
    // One owner per prefix: the kernel's route for plain addresses, or the owner's own for noprefixroute.
    const sharing = addresses.find((existing) => existing.local.startsWith(`2001:db8:${entry.net}::`));
    if (sharing && sharing.flags.includes('noprefixroute') !== entry.noprefixroute) return;
    const flags = [
      ...(entry.noprefixroute ? ['noprefixroute'] : []),
      ...(entry.temporary ? ['temporary'] : []),
    ];
    addresses.push(
      address(nic, `${local}/64`, {
        label: null,
        dynamic: entry.dynamic,
        validLft: entry.dynamic ? 7200 : null,
        preferredLft: entry.dynamic ? 3600 : null,
        flags,
      }),
    );
    const prefixRoute = !entry.noprefixroute || (entry.ownRoute && !entry.temporary);
    if (prefixRoute && !routes.some((existing) => existing.dst === `2001:db8:${entry.net}::/64`)) {
      const metric = entry.noprefixroute ? 100 : 256;
      routes.push(route(`2001:db8:${entry.net}::/64`, { dev: nic, protocol: 'kernel', metric }));
    }
  });
  addresses.push(address('eth9', '192.0.2.5/24', { label: 'eth9' }));
  routes.push(
    route('192.0.2.0/24', { dev: 'eth9', protocol: 'kernel', scope: 'link', prefsrc: '192.0.2.5' }),
  );
  routes.push(route('198.20.0.0/16', { dev: 'eth9', gateway: '192.0.2.1', protocol: 'static' }));

  // Gateways live in the subnet of the first address that has a prefix route.
  const firstV4 = addresses.find((candidate) => candidate.ifname === nic && candidate.family === 4);
  const gatewayAt = (host: number) => {
    if (!gatewaySubnet) return null;
    let candidate = host;
    while (used.has(hostIn(gatewaySubnet, candidate))) candidate++;
    return hostIn(gatewaySubnet, candidate);
  };
  const defaultGateway = gatewayAt(0);
  if (defaultGateway) {
    routes.push(
      route('default', {
        dev: nic,
        gateway: defaultGateway,
        metric: spec.defaultMetric,
        protocol: spec.defaultProtocol,
      }),
    );
  } else {
    routes.push(
      route('default', {
        dev: nic,
        gateway: '198.18.255.254',
        metric: spec.defaultMetric,
        protocol: spec.defaultProtocol,
        flags: ['onlink'],
      }),
    );
  }
  const keys = new Set<string>();
  for (const entry of spec.routes) {
    const dst = ROUTE_DESTINATIONS[entry.dst] as string;
    const key = `${dst} ${entry.table} ${entry.metric ?? 0}`;
    if (keys.has(key)) continue;
    keys.add(key);
    const common = { dev: nic, table: entry.table, metric: entry.metric, protocol: entry.protocol };
    const gateway = gatewayAt(entry.gatewayHost);
    if (entry.kind === 'direct' || !gateway) routes.push(route(dst, { ...common, scope: 'link' }));
    else if (entry.kind === 'onlink')
      routes.push(route(dst, { ...common, gateway: '198.18.255.1', flags: ['onlink'] }));
    else if (entry.kind === 'chained') {
      // A gateway outside every subnet, reachable only through a host route listed after it.
      const hop = `198.18.254.${entry.gatewayHost + 1}`;
      routes.push(route(dst, { ...common, gateway: hop }));
      if (!keys.has(`${hop} ${entry.table}`))
        routes.push(route(hop, { dev: nic, table: entry.table, scope: 'link', protocol: 'static' }));
      keys.add(`${hop} ${entry.table}`);
    } else if (entry.kind === 'multipath') {
      const second = gatewayAt(entry.gatewayHost + 7) ?? gateway;
      routes.push(
        route(dst, {
          ...common,
          dev: null,
          nexthops: [
            { gateway, dev: nic, weight: 1 },
            { gateway: second, dev: nic, weight: 2 },
          ],
        }),
      );
    } else routes.push(route(dst, { ...common, gateway }));
  }
  if (
    addresses.some(
      (candidate) =>
        candidate.ifname === nic && candidate.family === 6 && !candidate.flags.includes('temporary'),
    )
  ) {
    routes.push(route('default', { family: 6, dev: nic, gateway: 'fe80::1', protocol: 'ra', metric: 1024 }));
  }

  const rules: Rule[] = [
    rule(4, 0, { table: 'local' }),
    rule(4, 32766, { table: 'main' }),
    rule(4, 32767, { table: 'default' }),
    rule(6, 0, { table: 'local' }),
    rule(6, 32766, { table: 'main' }),
  ];
  const v6Local = addresses.find(
    (candidate) => candidate.ifname === nic && candidate.family === 6 && candidate.scope === 'global',
  )?.local;
  for (const entry of spec.rules) {
    const fields: Rule['fields'] = { [entry.direction]: nic, table: entry.table };
    const local = entry.family === 4 ? firstV4?.local : v6Local;
    if (entry.fromLocal && local) fields.src = local;
    if (entry.fwmark) Object.assign(fields, { fwmark: '0x1', fwmask: '0xff' });
    rules.push(rule(entry.family, entry.priority, fields));
  }
  rules.sort((a, b) => a.family - b.family || a.priority - b.priority);

  snapshot.addresses = addresses;
  snapshot.routes = routes;
  snapshot.rules = rules;
  snapshot.defaultGateways = [];
  snapshot.ssh = null;
  snapshot.dhcpClients = spec.dhclient
    ? [dhcpClient(700, ['/sbin/dhclient', '-4', '-pf', `/run/dhclient.${nic}.pid`, nic])]
    : [];
  return snapshot;
}
