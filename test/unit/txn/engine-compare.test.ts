/**
 * Comparing host states (source/host/compare.ts) and the commands that finish an incomplete revert
 * (source/txn/engine/manual-commands.ts).
 */
import { describe, expect, test } from 'vitest';
import { compareHostState, differenceTexts, type HostState } from '../../../source/host/compare.js';
import type { Address, Link, Route, Rule } from '../../../source/host/snapshot.js';
import { commandText } from '../../../source/plan/command-text.js';
import { manualCommands } from '../../../source/txn/engine/manual-commands.js';

function link(name: string, fields: Partial<Link> = {}): Link {
  return {
    ifindex: 2,
    name,
    kind: null,
    tunType: null,
    mac: '52:54:00:12:34:56',
    permanentMac: null,
    mtu: 1500,
    operstate: 'UP',
    flags: ['BROADCAST', 'MULTICAST', 'UP', 'LOWER_UP'],
    master: null,
    masterKind: null,
    parent: null,
    vlanId: null,
    wireless: false,
    driver: null,
    bridge: null,
    ...fields,
  };
}

function address(ifname: string, cidr: string, fields: Partial<Address> = {}): Address {
  const [local = '', length = '32'] = cidr.split('/');
  return {
    ifname,
    family: 4,
    local,
    prefixlen: Number(length),
    scope: 'global',
    dynamic: false,
    validLft: null,
    preferredLft: null,
    broadcast: null,
    peer: null,
    label: null,
    flags: [],
    ...fields,
  };
}

function route(dst: string, dev: string, fields: Partial<Route> = {}): Route {
  return {
    family: 4,
    table: 'main',
    dst,
    type: 'unicast',
    gateway: null,
    dev,
    metric: null,
    protocol: null,
    scope: null,
    prefsrc: null,
    flags: [],
    nexthops: [],
    ...fields,
  };
}

function rule(priority: number, fields: Rule['fields']): Rule {
  return {
    family: 4,
    priority,
    fields,
    iif: (fields.iif as string) ?? null,
    oif: (fields.oif as string) ?? null,
  };
}

function host(parts: Partial<HostState> = {}): HostState {
  return {
    links: [link('lo', { mac: '00:00:00:00:00:00', mtu: 65536 }), link('ens18')],
    addresses: [
      address('ens18', '198.51.100.240/24', {
        dynamic: true,
        validLft: 3600,
        preferredLft: 3600,
        broadcast: '198.51.100.255',
      }),
    ],
    routes: [
      route('default', 'ens18', { gateway: '198.51.100.1', protocol: 'dhcp', metric: 100 }),
      route('198.51.100.0/24', 'ens18', {
        protocol: 'kernel',
        scope: 'link',
        prefsrc: '198.51.100.240',
        metric: 100,
      }),
    ],
    rules: [rule(0, { src: 'all', table: 'local' }), rule(32766, { src: 'all', table: 'main' })],
    ...parts,
  };
}

describe('compareHostState', () => {
  test('the same host later is no difference: lifetimes count down, carrier and DAD flags come and go', () => {
    const later = host();
    later.addresses = [
      { ...(later.addresses[0] as Address), validLft: 3120, preferredLft: 3120, flags: ['tentative'] },
    ];
    later.links = [
      later.links[0] as Link,
      link('ens18', { operstate: 'DOWN', flags: ['BROADCAST', 'MULTICAST', 'UP', 'NO-CARRIER'], ifindex: 9 }),
    ];
    later.routes = later.routes.map((entry) => ({ ...entry, flags: ['linkdown'] }));
    expect(compareHostState(host(), later)).toEqual([]);
  });

  test('a migrated host differs from its pre-state in masters, addresses, routes and links', () => {
    const migrated = host({
      links: [
        link('lo', { mac: '00:00:00:00:00:00', mtu: 65536 }),
        link('ens18', { master: 'fcbr0' }),
        link('fcbr0', { kind: 'bridge' }),
      ],
      addresses: [
        address('fcbr0', '198.51.100.240/24', {
          dynamic: true,
          validLft: 3000,
          preferredLft: 3000,
          broadcast: '198.51.100.255',
        }),
      ],
      routes: [
        route('default', 'fcbr0', { gateway: '198.51.100.1', protocol: 'dhcp', metric: 100 }),
        route('198.51.100.0/24', 'fcbr0', {
          protocol: 'kernel',
          scope: 'link',
          prefsrc: '198.51.100.240',
          metric: 100,
        }),
      ],
    });
    expect(differenceTexts(compareHostState(host(), migrated))).toEqual([
      'ens18: master is fcbr0, was none',
      'bridge fcbr0 exists but did not before',
      'address 198.51.100.240/24 on ens18 is missing',
      'address 198.51.100.240/24 on fcbr0 was not there before',
      // The prefix routes are the addresses' echo and are not reported a second time.
      'route default via 198.51.100.1 dev ens18 proto dhcp metric 100 is now default via 198.51.100.1 dev fcbr0 proto dhcp metric 100',
    ]);
  });

  test('finite vs forever, label and MTU changes are differences', () => {
    const changed = host({
      links: [link('lo', { mac: '00:00:00:00:00:00', mtu: 65536 }), link('ens18', { mtu: 9000 })],
      addresses: [address('ens18', '198.51.100.240/24', { broadcast: '198.51.100.255', label: 'ens18:0' })],
    });
    expect(differenceTexts(compareHostState(host(), changed))).toEqual([
      'ens18: MTU is 9000, was 1500',
      'address 198.51.100.240/24 on ens18: label ens18:0, was none, lifetime forever, was finite, preferred lifetime forever, was finite',
    ]);
  });

  test('rules compare as a multiset, and equal-priority rules by their order', () => {
    const a = rule(1000, { src: 'all', iif: 'ens18', table: '100' });
    const b = rule(1000, { src: '198.51.100.241', table: '101' });
    const base = host({ rules: [a, b] });
    expect(compareHostState(base, host({ rules: [a, b] }))).toEqual([]);
    expect(differenceTexts(compareHostState(base, host({ rules: [b, a] })))).toEqual([
      'rules of priority 1000 are in another order than before',
    ]);
    expect(differenceTexts(compareHostState(base, host({ rules: [a, b, b] })))).toEqual([
      'rule 1000: src 198.51.100.241 table 101 was not there before',
    ]);
    expect(differenceTexts(compareHostState(base, host({ rules: [a] })))).toEqual([
      'rule 1000: src 198.51.100.241 table 101 is missing',
    ]);
  });

  test('a scope keeps to the named devices, their ports and what names them', () => {
    const busy = host();
    busy.links.push(link('veth9', { master: 'docker0' }), link('tap0', { master: 'fcbr0' }));
    busy.addresses.push(address('docker0', '203.0.113.1/24'));
    busy.routes.push(route('203.0.113.0/24', 'docker0'));
    const scoped = compareHostState(host(), busy, { devices: ['ens18', 'fcbr0'] });
    expect(differenceTexts(scoped)).toEqual(['tap0 exists but did not before']);
  });
});

describe('compareHostState: what the kernel derives by itself during IPv6 DAD', () => {
  const linkLocal = (fields: Partial<Address> = {}) =>
    address('ens18', 'fe80::5054:ff:fe12:3456/64', { family: 6, scope: 'link', ...fields });
  const global6 = (fields: Partial<Address> = {}) =>
    address('ens18', '2001:db8::240/64', { family: 6, ...fields });
  const localRoute = (dst: string, dev = 'ens18') =>
    route(dst, dev, { family: 6, table: 'local', type: 'local', protocol: 'kernel', metric: 0 });
  const v4 = host();

  test('an uplink that just came up: its tentative link-local has no local route yet, then has one', () => {
    const pre = host({ addresses: [...v4.addresses, linkLocal({ flags: ['tentative'] })] });
    const settled = host({
      addresses: [...v4.addresses, linkLocal()],
      routes: [...v4.routes, localRoute('fe80::5054:ff:fe12:3456')],
    });
    const differences = compareHostState(pre, settled, { devices: ['ens18', 'fcbr0'] });
    expect(differenceTexts(differences)).toEqual([]);
    expect(manualCommands(differences, pre).flatMap(commandText)).toEqual([]);
  });

  test('an address the revert re-added is tentative again and lacks its local route (and subnet anycast) for a moment', () => {
    const pre = host({
      addresses: [...v4.addresses, global6()],
      routes: [
        ...v4.routes,
        localRoute('2001:db8::240'),
        route('2001:db8::', 'ens18', { family: 6, table: 'local', type: 'anycast', protocol: 'kernel' }),
      ],
    });
    const reverted = host({ addresses: [...v4.addresses, global6({ flags: ['tentative'] })] });
    expect(differenceTexts(compareHostState(pre, reverted))).toEqual([]);
  });

  test('a link-local address whose DAD failed is the kernel’s verdict; a global one is reported', () => {
    const pre = host({
      addresses: [...v4.addresses, linkLocal(), global6()],
      routes: [...v4.routes, localRoute('fe80::5054:ff:fe12:3456'), localRoute('2001:db8::240')],
    });
    const failed = host({
      addresses: [
        ...v4.addresses,
        linkLocal({ flags: ['tentative', 'dadfailed'] }),
        global6({ flags: ['tentative', 'dadfailed'] }),
      ],
    });
    expect(differenceTexts(compareHostState(pre, failed))).toEqual([
      'address 2001:db8::240/64 on ens18: flags dadfailed, were none',
    ]);
  });

  test('real leftovers beside the noise are still caught: an address and a rule the tool added, a lost original route', () => {
    const pre = host({ addresses: [...v4.addresses, linkLocal({ flags: ['tentative'] })] });
    const leftover = host({
      addresses: [
        ...v4.addresses,
        linkLocal(),
        address('ens18', '2001:db8::99/64', { family: 6, flags: ['tentative'] }),
      ],
      routes: [v4.routes[1] as Route, localRoute('fe80::5054:ff:fe12:3456')],
      rules: [...v4.rules, rule(1000, { src: 'all', iif: 'fcbr0', table: '100' })],
    });
    const differences = compareHostState(pre, leftover, { devices: ['ens18', 'fcbr0'] });
    expect(differenceTexts(differences)).toEqual([
      'address 2001:db8::99/64 on ens18 was not there before',
      'route default via 198.51.100.1 dev ens18 proto dhcp metric 100 is missing',
      'rule 1000: src all iif fcbr0 table 100 was not there before',
    ]);
    expect(manualCommands(differences, pre).flatMap(commandText)).toEqual([
      'ip -4 route replace default via 198.51.100.1 dev ens18 proto dhcp metric 100 table main',
      'ip -4 rule del priority 1000 iif fcbr0 lookup 100',
      'ip addr del 2001:db8::99/64 dev ens18',
    ]);
  });

  test('a NAT bridge without carrier gets a link-local address (and its routes) from the uplink joining it', () => {
    const natBridge = link('fcbr0', {
      kind: 'bridge',
      flags: ['NO-CARRIER', 'BROADCAST', 'MULTICAST', 'UP'],
    });
    const pre = host({ links: [...v4.links, natBridge] });
    const bridgeLinkLocal = address('fcbr0', 'fe80::5054:ff:fe12:3456/64', { family: 6, scope: 'link' });
    const reverted = host({
      links: [...v4.links, natBridge],
      addresses: [...v4.addresses, bridgeLinkLocal],
      routes: [
        ...v4.routes,
        route('fe80::/64', 'fcbr0', { family: 6, protocol: 'kernel', metric: 256, flags: ['linkdown'] }),
        localRoute('fe80::5054:ff:fe12:3456', 'fcbr0'),
        route('ff00::/8', 'fcbr0', { family: 6, table: 'local', type: 'multicast', protocol: 'kernel' }),
      ],
    });
    expect(differenceTexts(compareHostState(pre, reverted, { devices: ['ens18', 'fcbr0'] }))).toEqual([]);
    // The other way round, a link-local address that is gone is reported.
    expect(differenceTexts(compareHostState(reverted, pre, { devices: ['ens18', 'fcbr0'] }))).toEqual([
      'address fe80::5054:ff:fe12:3456/64 on fcbr0 is missing',
    ]);
  });

  test('the local route of an address settled on both sides is still compared', () => {
    const pre = host({
      addresses: [...v4.addresses, global6()],
      routes: [...v4.routes, localRoute('2001:db8::240')],
    });
    const lost = host({ addresses: [...v4.addresses, global6()] });
    expect(differenceTexts(compareHostState(pre, lost))).toEqual([
      'route local 2001:db8::240 dev ens18 proto kernel metric 0 table local (IPv6) is missing',
    ]);
  });
});

describe('manualCommands', () => {
  test('one exact command per remaining difference, masters first and deletions last', () => {
    const pre = host();
    const now = host({
      links: [
        link('lo', { mac: '00:00:00:00:00:00', mtu: 65536 }),
        link('ens18', { master: 'fcbr0' }),
        link('fcbr0', { kind: 'bridge' }),
      ],
      addresses: [address('ens18', '198.51.100.77/24')],
      routes: [],
      rules: [...pre.rules, rule(1000, { src: 'all', iif: 'fcbr0', table: '100' })],
    });
    expect(manualCommands(compareHostState(pre, now), pre).flatMap(commandText)).toEqual([
      'ip link set ens18 nomaster',
      'ip addr add 198.51.100.240/24 broadcast 198.51.100.255 metric 100 valid_lft 3600 preferred_lft 3600 dev ens18',
      'ip -4 route replace default via 198.51.100.1 dev ens18 proto dhcp metric 100 table main',
      'ip -4 rule del priority 1000 iif fcbr0 lookup 100',
      'ip addr del 198.51.100.77/24 dev ens18',
      'ip link del fcbr0',
    ]);
  });

  test('equal-priority rules out of order: all deleted, then re-added in their old order', () => {
    const a = rule(1000, { src: 'all', iif: 'ens18', table: '100' });
    const b = rule(1000, { src: '198.51.100.241', table: '101' });
    const pre = host({ rules: [a, b] });
    expect(manualCommands(compareHostState(pre, host({ rules: [b, a] })), pre).flatMap(commandText)).toEqual([
      'ip -4 rule del priority 1000 iif ens18 lookup 100',
      'ip -4 rule del priority 1000 from 198.51.100.241 lookup 101',
      'ip -4 rule add priority 1000 iif ens18 lookup 100',
      'ip -4 rule add priority 1000 from 198.51.100.241 lookup 101',
    ]);
  });
});
