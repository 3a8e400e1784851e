/**
 * A value no kernel reports, in the output of the ip commands, fails the parse with the command,
 * the entry and the field named: the probe is then failed and the plan blocked, instead of the
 * entry being skipped (an address not moved) or planned with (MTU 0, a route to nowhere).
 */
import { describe, expect, it } from 'vitest';
import { parseIpAddresses } from '../../../source/host/parse/ip-addr.js';
import { parseIpLinks } from '../../../source/host/parse/ip-link.js';
import { parseIpRoutes } from '../../../source/host/parse/ip-route.js';
import { parseIpRules } from '../../../source/host/parse/ip-rule.js';

type Json = Record<string, unknown>;

function addrOutput(info: Json): string {
  return JSON.stringify([
    {
      ifindex: 2,
      ifname: 'ens18',
      addr_info: [{ family: 'inet', local: '198.51.100.7', prefixlen: 24, ...info }],
    },
  ]);
}

function linkOutput(fields: Json): string {
  return JSON.stringify([
    { ifindex: 2, ifname: 'ens18', mtu: 1500, link_type: 'ether', address: 'bc:24:11:7e:21:4d', ...fields },
  ]);
}

describe('ip -j addr', () => {
  it.each([
    [{ prefixlen: 99 }, 'ip -j addr: ens18 address 198.51.100.7/99: prefix length 99 is not 0–32'],
    [{ prefixlen: 24.5 }, 'ip -j addr: ens18 address 198.51.100.7/24.5: prefix length 24.5 is not 0–32'],
    [{ prefixlen: '24' }, 'ip -j addr: ens18 address 198.51.100.7/"24": prefix length "24" is not 0–32'],
    [{ prefixlen: -1 }, 'ip -j addr: ens18 address 198.51.100.7/-1: prefix length -1 is not 0–32'],
    [
      { local: '198.51.100.700' },
      'ip -j addr: ens18 address 198.51.100.700/24: "198.51.100.700" is not an IPv4 address',
    ],
    [
      { local: '2001:db8::7' },
      'ip -j addr: ens18 address 2001:db8::7/24: "2001:db8::7" is not an IPv4 address',
    ],
    [{ local: undefined }, 'ip -j addr: ens18 address (missing)/24: (missing) is not an IPv4 address'],
    [
      { broadcast: 'ff:ff' },
      'ip -j addr: ens18 address 198.51.100.7/24: broadcast "ff:ff" is not an IPv4 address',
    ],
    [
      { valid_life_time: 'forever' },
      'ip -j addr: ens18 address 198.51.100.7/24: valid_life_time "forever" is not a whole number from 0 to 4294967295',
    ],
  ])('refuses %j', (info, message) => {
    expect(() => parseIpAddresses(addrOutput(info))).toThrow(message);
  });

  it('refuses an IPv6 prefix length over 128', () => {
    const text = JSON.stringify([
      { ifindex: 2, ifname: 'ens18', addr_info: [{ family: 'inet6', local: '2001:db8::7', prefixlen: 129 }] },
    ]);
    expect(() => parseIpAddresses(text)).toThrow(
      'ip -j addr: ens18 address 2001:db8::7/129: prefix length 129 is not 0–128',
    );
  });

  it('still reads well-formed addresses, skipping entries of no family', () => {
    const text = JSON.stringify([
      {
        ifindex: 2,
        ifname: 'ens18',
        addr_info: [{}, { family: 'inet', local: '198.51.100.7', prefixlen: 32 }],
      },
    ]);
    expect(parseIpAddresses(text).map((address) => `${address.local}/${address.prefixlen}`)).toEqual([
      '198.51.100.7/32',
    ]);
  });
});

describe('ip -j -d link', () => {
  it.each([
    [{ mtu: '1500' }, 'ip -j -d link: ens18: mtu "1500" is not a whole number of bytes'],
    [{ mtu: undefined }, 'ip -j -d link: ens18: mtu (missing) is not a whole number of bytes'],
    [{ mtu: 1500.5 }, 'ip -j -d link: ens18: mtu 1500.5 is not a whole number of bytes'],
    [{ ifindex: 0 }, 'ip -j -d link: ens18: ifindex 0 is not a positive whole number'],
    [{ address: 'bc:24:11:7e:21' }, 'ip -j -d link: ens18: address "bc:24:11:7e:21" is not a MAC address'],
    [{ permaddr: 42 }, 'ip -j -d link: ens18: permaddr 42 is not a MAC address'],
    [{ ifname: '' }, 'ip -j -d link: link 2: no ifname'],
  ])('refuses %j', (fields, message) => {
    expect(() => parseIpLinks(linkOutput(fields))).toThrow(message);
  });

  it('accepts the hardware address of a link that is not Ethernet as it is', () => {
    const [link] = parseIpLinks(linkOutput({ link_type: 'ipip', address: '198.51.100.7' }));
    expect(link).toMatchObject({ mac: '198.51.100.7', linkType: 'ipip' });
  });
});

describe('ip -j route', () => {
  const route = (fields: Json) => JSON.stringify([{ dst: '198.51.100.0/24', dev: 'ens18', ...fields }]);
  it.each([
    [
      { dst: '198.51.100.0/33' },
      'ip -4 -j route: route 198.51.100.0/33 dev ens18: prefix length "33" is not 0–32',
    ],
    [{ dst: 'nowhere' }, 'ip -4 -j route: route nowhere dev ens18: "nowhere" is not an IPv4 prefix'],
    [
      { gateway: '198.51.100.256' },
      'ip -4 -j route: route 198.51.100.0/24 dev ens18: gateway "198.51.100.256" is not an IPv4 address',
    ],
    [
      { metric: 'low' },
      'ip -4 -j route: route 198.51.100.0/24 dev ens18: metric "low" is not a whole number from 0 to 4294967295',
    ],
    [
      { prefsrc: '::1' },
      'ip -4 -j route: route 198.51.100.0/24 dev ens18: prefsrc "::1" is not an IPv4 address',
    ],
  ])('refuses %j', (fields, message) => {
    expect(() => parseIpRoutes(route(fields), 4)).toThrow(message);
  });

  it('reads IPv6 prefixes and gateways', () => {
    const text = JSON.stringify([{ dst: 'default', gateway: 'fe80::1', dev: 'ens18', metric: 1024 }]);
    expect(parseIpRoutes(text, 6)[0]).toMatchObject({ gateway: 'fe80::1', metric: 1024 });
  });
});

describe('ip -j rule', () => {
  it.each([
    [{ priority: 'high', src: 'all' }, 'ip -4 -j rule: rule "high": priority "high" is not a whole number'],
    [{ priority: 100, src: '198.51.100.0', srclen: 40 }, 'ip -4 -j rule: rule 100: srclen 40 is not 0–32'],
    [{ priority: 100, src: 'lan' }, 'ip -4 -j rule: rule 100: src "lan" is not an IPv4 address'],
    [
      { priority: 100, dst: '2001:db8::' },
      'ip -4 -j rule: rule 100: dst "2001:db8::" is not an IPv4 address',
    ],
  ])('refuses %j', (fields, message) => {
    expect(() => parseIpRules(JSON.stringify([{ table: 'main', ...fields }]), 4)).toThrow(message);
  });

  it('refuses JSON cut short, naming the command', () => {
    expect(() => parseIpRules('[{"priority":0,"src":"all","table":"local"},{"priori', 4)).toThrow(
      /^could not parse ip -4 -j rule: /,
    );
  });
});

describe('entries that are not objects', () => {
  // Skipping them would leave an address, route or rule silently unmoved.
  it.each([
    [
      'ip -j link',
      () => parseIpLinks(`[1, ${linkOutput({}).slice(1)}`),
      /ip -j -d link: entry #1 is 1, not an object/,
    ],
    ['ip -j route', () => parseIpRoutes('[null]', 4), /entry #1 is null, not an object/],
    ['ip -j rule', () => parseIpRules('["x"]', 4), /entry #1 is "x", not an object/],
    [
      'ip -j addr (addr_info)',
      () => parseIpAddresses(JSON.stringify([{ ifindex: 2, ifname: 'ens18', addr_info: [null] }])),
      /ip -j addr: ens18 addr_info: an entry that is not an object/,
    ],
  ])('%s refuses the output', (_what, parse, error) => {
    expect(parse).toThrow(error);
  });
});
