import { describe, expect, it } from 'vitest';
import { buildPlan } from '../../../source/plan/build.js';
import { stableUuid } from '../../../source/plan/persist/networkmanager.js';
import { request, variant } from './fixtures.js';
import { networkManagerServer } from './hosts.js';

describe('NetworkManager config', () => {
  it('writes a bridge profile with the static config and a port profile preferred over the old one', () => {
    const plan = buildPlan(networkManagerServer(), request());
    expect(plan.persistWith).toBe('networkmanager');
    const [bridge, port] = plan.config;
    expect(bridge?.path).toBe('/etc/NetworkManager/system-connections/fcbr0.nmconnection');
    expect(bridge?.before).toBeNull();
    const bridgeUuid = stableUuid('fc-host/fcbr0');
    expect(bridge?.after).toBe(
      [
        '[connection]',
        'id=fcbr0',
        `uuid=${bridgeUuid}`,
        'type=bridge',
        'interface-name=fcbr0',
        'autoconnect=true',
        '',
        '[ethernet]',
        'cloned-mac-address=bc:24:11:5e:2a:01',
        '',
        '[bridge]',
        'mac-address=bc:24:11:5e:2a:01',
        'stp=false',
        'forward-delay=0',
        '',
        '[ipv4]',
        'method=manual',
        'address1=198.51.100.240/24,198.51.100.1',
        'route-metric=100',
        'dns=198.51.100.53;',
        'dns-search=lab.example;',
        '',
        '[ipv6]',
        'method=ignore',
        '',
      ].join('\n'),
    );
    expect(port?.path).toBe('/etc/NetworkManager/system-connections/fcbr0-port-ens18.nmconnection');
    expect(port?.after).toContain(`master=${bridgeUuid}\nslave-type=bridge\n`);
    expect(port?.after).toContain('interface-name=ens18\n');
    expect(port?.after).toContain('autoconnect-priority=100\n');
  });

  it('asks DHCP with the MAC as client id when the uplink has a dynamic address and no lease record names an id', () => {
    const snapshot = variant((s) => {
      const own = s.addresses.find((a) => a.local === '198.51.100.240');
      if (own) Object.assign(own, { dynamic: true, validLft: 3000, preferredLft: 3000 });
      s.dhcpLeases = [];
    }, networkManagerServer());
    const [bridge] = buildPlan(snapshot, request()).config;
    expect(bridge?.after).toContain('[ipv4]\nmethod=auto\ndhcp-client-id=mac\n');
  });

  it("writes the uplink lease's client id (RFC 4361 here) so the bridge keeps the lease after a reboot", () => {
    const clientId = 'ff:00:11:22:33:00:04:9b:0c:14:a5:de:ad:be:ef:00:01:02:03';
    const snapshot = variant((s) => {
      const own = s.addresses.find((a) => a.local === '198.51.100.240');
      if (own) Object.assign(own, { dynamic: true, validLft: 3000, preferredLft: 3000 });
      s.dhcpLeases = [
        {
          ifname: 'ens18',
          client: 'networkmanager',
          address: '198.51.100.240',
          clientId,
          source: 'lease-file',
          file: null,
          expiresAt: null,
        },
      ];
    }, networkManagerServer());
    const [bridge] = buildPlan(snapshot, request()).config;
    expect(bridge?.after).toContain(`[ipv4]\nmethod=auto\ndhcp-client-id=${clientId}\n`);
  });

  it('derives stable, well-formed UUIDs', () => {
    expect(stableUuid('a')).toBe(stableUuid('a'));
    expect(stableUuid('a')).not.toBe(stableUuid('b'));
    expect(stableUuid('a')).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  });
});
