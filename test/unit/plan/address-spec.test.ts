import { describe, expect, it } from 'vitest';
import { addressAddArgs, addressRoutePriority, translateLabel } from '../../../source/plan/address-spec.js';
import { parsePrefix, prefixContains, samePrefix } from '../../../source/system/ip-math.js';
import { address, baseSnapshot, route, variant } from './fixtures.js';

describe('address arguments', () => {
  it('reads the route priority back from the prefix route networkd made', () => {
    const snapshot = baseSnapshot();
    const own = snapshot.addresses.find((candidate) => candidate.local === '198.51.100.240');
    expect(own && addressRoutePriority(snapshot, own)).toBe(100);
    const plain = variant((s) => {
      const r = s.routes.find(
        (candidate) => candidate.protocol === 'kernel' && candidate.dst === '198.51.100.0/24',
      );
      if (r) r.metric = null;
    });
    const other = plain.addresses.find((candidate) => candidate.local === '198.51.100.240');
    expect(other && addressRoutePriority(plain, other)).toBeNull();
    const v6 = address('ens18', '2001:db8::5/64');
    expect(
      addressRoutePriority({ routes: [route('2001:db8::/64', { protocol: 'kernel', metric: 256 })] }, v6),
    ).toBeNull();
    expect(
      addressRoutePriority({ routes: [route('2001:db8:0::/64', { protocol: 'kernel', metric: 1024 })] }, v6),
    ).toBe(1024);
  });

  it('writes point-to-point peers, scope and forever preferred lifetimes', () => {
    const peer = address('ens18', '203.0.113.2/32', {
      peer: '203.0.113.1',
      scope: 'link',
      validLft: 600,
      preferredLft: null,
    });
    expect(addressAddArgs(peer, { dev: 'fcbr0', label: null, metric: null }).join(' ')).toBe(
      'addr add 203.0.113.2 peer 203.0.113.1/32 scope link valid_lft 600 preferred_lft forever dev fcbr0',
    );
  });

  it('renames alias labels and drops those the kernel would refuse as too long', () => {
    expect(translateLabel('ens18:1', 'ens18', 'fcbr0')).toBe('fcbr0:1');
    expect(translateLabel('ens18', 'ens18', 'fcbr0')).toBeNull();
    expect(translateLabel('ens18:long1', 'ens18', 'bridge-name-14')).toBeNull();
  });

  it('compares prefixes however they are written', () => {
    const a = parsePrefix('2001:db8::/64', 6);
    const b = parsePrefix('2001:0db8:0:0::/64', 6);
    expect(a && b && samePrefix(a, b)).toBe(true);
    expect(prefixContains({ family: 4, address: '198.51.100.0', prefixlen: 24 }, '198.51.100.77')).toBe(true);
    expect(prefixContains({ family: 4, address: '198.51.100.0', prefixlen: 25 }, '198.51.100.177')).toBe(
      false,
    );
    expect(parsePrefix('198.51.100.0/33', 4)).toBeNull();
  });
});
