import { describe, expect, it } from 'vitest';
import { parseIpAddresses } from '../../../source/host/parse/ip-addr.js';
import { fixture } from './fixture.js';

describe('parseIpAddresses (ip -j addr)', () => {
  const addresses = parseIpAddresses(fixture('ip-addr-lab.json'));
  const on = (ifname: string) => addresses.filter((address) => address.ifname === ifname);

  it('reads a static IPv4 address with forever lifetimes as null', () => {
    expect(on('ens18')[0]).toMatchObject({
      family: 4,
      local: '198.51.100.240',
      prefixlen: 24,
      scope: 'global',
      dynamic: false,
      validLft: null,
      preferredLft: null,
      label: 'ens18',
    });
  });

  it('reads a dynamic secondary address with finite lifetimes', () => {
    const secondary = on('ens18').find((address) => address.local === '198.51.100.241');
    expect(secondary).toMatchObject({ dynamic: true, validLft: 3600, preferredLft: 1800 });
    expect(secondary?.flags).toContain('secondary');
    expect(secondary?.flags).not.toContain('dynamic');
  });

  it('keeps IPv6 kernel flags such as nodad', () => {
    const v6 = on('ens18').find((address) => address.local === '2001:db8::5');
    expect(v6).toMatchObject({ family: 6, prefixlen: 64, label: null });
    expect(v6?.flags).toEqual(['nodad']);
  });

  it('lists links without addresses as nothing', () => {
    expect(on('fctap0')).toEqual([]);
    expect(addresses.every((address) => address.ifname !== '')).toBe(true);
  });

  it('reads a DHCP lease and a SLAAC address (composed from iproute2 output)', () => {
    const text = JSON.stringify([
      {
        ifindex: 2,
        ifname: 'ens18',
        addr_info: [
          {
            family: 'inet',
            local: '192.168.18.240',
            prefixlen: 24,
            broadcast: '192.168.18.255',
            scope: 'global',
            dynamic: true,
            noprefixroute: true,
            label: 'ens18',
            valid_life_time: 85879,
            preferred_life_time: 85879,
          },
          {
            family: 'inet6',
            local: '2001:db8:18::5054:ff:fe12:3456',
            prefixlen: 64,
            scope: 'global',
            dynamic: true,
            mngtmpaddr: true,
            noprefixroute: true,
            valid_life_time: 2591998,
            preferred_life_time: 604798,
          },
        ],
      },
    ]);
    const [lease, slaac] = parseIpAddresses(text);
    expect(lease).toMatchObject({ dynamic: true, validLft: 85879, broadcast: '192.168.18.255' });
    expect(lease?.flags).toEqual(['noprefixroute']);
    expect(slaac).toMatchObject({ family: 6, dynamic: true, preferredLft: 604798 });
    expect(slaac?.flags).toEqual(['mngtmpaddr', 'noprefixroute']);
  });

  it('reads the prefix-route priority ip prints as metric', () => {
    const text = JSON.stringify([
      {
        ifindex: 2,
        ifname: 'ens18',
        addr_info: [
          {
            family: 'inet',
            local: '198.51.100.240',
            prefixlen: 24,
            metric: 100,
            scope: 'global',
            dynamic: true,
            valid_life_time: 86000,
            preferred_life_time: 86000,
          },
          {
            family: 'inet',
            local: '198.51.100.241',
            prefixlen: 24,
            scope: 'global',
            valid_life_time: 4294967295,
            preferred_life_time: 4294967295,
          },
        ],
      },
    ]);
    const [first, second] = parseIpAddresses(text);
    expect(first?.metric).toBe(100);
    expect(first?.flags).toEqual([]);
    expect(second?.metric).toBeNull();
  });

  it('keeps the peer of a point-to-point address', () => {
    const text = JSON.stringify([
      {
        ifname: 'wg0',
        addr_info: [
          { family: 'inet', local: '10.9.0.1', address: '10.9.0.2', prefixlen: 32, scope: 'global' },
        ],
      },
    ]);
    expect(parseIpAddresses(text)[0]?.peer).toBe('10.9.0.2');
  });
});
