import { describe, expect, it } from 'vitest';
import { prefixWithin, withBridgeOwners } from '../../../source/host/nat-owner.js';
import type { Address, Link, NatRule } from '../../../source/host/snapshot.js';

const bridge = (name: string): Link => ({ name, kind: 'bridge' }) as Link;
const nic = (name: string): Link => ({ name, kind: null }) as Link;
const address = (ifname: string, local: string, prefixlen: number): Address =>
  ({ ifname, family: 4, local, prefixlen }) as Address;
const rule = (interfaces: string[], sourcePrefixes: string[]): NatRule => ({
  source: 'iptables',
  text: '',
  table: 'nat',
  chain: 'POSTROUTING',
  spec: [],
  handle: null,
  family: 'ip',
  bridge: null,
  interfaces,
  sourcePrefixes,
});

describe('withBridgeOwners', () => {
  const links = [nic('ens18'), bridge('fcbr0'), bridge('docker0')];
  const addresses = [
    address('fcbr0', '172.16.0.1', 24),
    address('docker0', '172.17.0.1', 16),
    address('ens18', '192.168.18.240', 24),
  ];

  it('takes a bridge the rule names, negated or not', () => {
    const [docker] = withBridgeOwners([rule(['docker0'], ['172.17.0.0/16'])], links, addresses);
    expect(docker?.bridge).toBe('docker0');
  });

  it('takes the bridge whose network holds the source prefix when only the uplink is named', () => {
    const owned = withBridgeOwners(
      [rule(['ens18'], ['172.16.0.0/24']), rule([], ['172.16.0.7/32'])],
      links,
      addresses,
    );
    expect(owned.map((entry) => entry.bridge)).toEqual(['fcbr0', 'fcbr0']);
  });

  it('leaves a rule for no known bridge unattributed', () => {
    const [other] = withBridgeOwners([rule(['ens18'], ['10.0.0.0/8'])], links, addresses);
    expect(other?.bridge).toBeNull();
  });
});

describe('prefixWithin', () => {
  it('compares leading bits only for prefixes at least as long as the network', () => {
    expect(prefixWithin('203.0.113.0/24', '203.0.113.1', 24)).toBe(true);
    expect(prefixWithin('203.0.113.128/25', '203.0.113.1', 24)).toBe(true);
    expect(prefixWithin('203.0.0.0/16', '203.0.113.1', 24)).toBe(false);
    expect(prefixWithin('198.51.100.0/24', '203.0.113.1', 24)).toBe(false);
    expect(prefixWithin('0.0.0.0/0', '203.0.113.1', 0)).toBe(true);
    expect(prefixWithin('not-an-ip/24', '203.0.113.1', 24)).toBe(false);
  });
});
