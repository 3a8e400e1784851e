/**
 * The uplink's lease in the before/after picture: the identity it was obtained with, where that was
 * read, and when the lease ends, under the uplink; the 80-column preview cuts a long DUID-based id,
 * and a path from the host is shown escaped.
 */
import { describe, expect, it } from 'vitest';
import type { DhcpLease } from '../../source/host/snapshot.js';
import type { TopologyNode } from '../../source/plan/types.js';
import { asciiGlyphs, unicodeGlyphs } from '../../source/ui/glyphs.js';
import { topologyLines } from '../../source/ui/topology-text.js';

const ENDS = Date.UTC(2026, 11, 2, 14, 32, 0);

const uplink = (lease?: DhcpLease): TopologyNode => ({
  name: 'ens18',
  role: 'uplink',
  addresses: ['198.51.100.240/24'],
  master: null,
  defaultRoute: true,
  ...(lease ? { lease } : {}),
});

const networkd: DhcpLease = {
  ifname: 'ens18',
  client: 'networkd',
  address: '198.51.100.240',
  clientId: 'ff:ca:d8:30:2e:00:02:00:00:ab:11:00:33:bd:eb:f9:5e:19:2c',
  source: 'lease-file',
  file: '/run/systemd/netif/leases/2',
  expiresAt: ENDS,
};

describe('the lease line under the uplink', () => {
  it('says the client id, where it was read and when the lease ends', () => {
    expect(topologyLines([uplink(networkd)], unicodeGlyphs)).toEqual([
      'ens18 [uplink] 198.51.100.240/24 default route',
      '  lease: client id ff:ca:d8:30:2e:00:02:00:00:ab:11:00:33:bd:eb:f9:5e:19:2c, from /run/systemd/netif/leases/2, ends 2026-12-02 14:32 UTC',
    ]);
    expect(topologyLines([uplink(networkd)], asciiGlyphs, true)).toEqual([
      'ens18 198.51.100.240/24 default',
      '  lease: client id ff:ca:d8:30:2e:00:02..., from /run/systemd/netif/leases/2, ends 14:32 UTC',
    ]);
  });

  it("names a client's default or arguments, and a lease without option 61", () => {
    const udhcpc: DhcpLease = {
      ...networkd,
      client: 'udhcpc',
      clientId: '01:02:62:6d:00:00:18',
      source: 'client-default',
      file: null,
      expiresAt: null,
    };
    expect(topologyLines([uplink(udhcpc)], unicodeGlyphs, true)[1]).toBe(
      "  lease: client id 01:02:62:6d:00:00:18, udhcpc's default",
    );
    expect(topologyLines([uplink({ ...udhcpc, source: 'argv' })], unicodeGlyphs, true)[1]).toBe(
      "  lease: client id 01:02:62:6d:00:00:18, from udhcpc's arguments",
    );
    const dhclient: DhcpLease = { ...udhcpc, client: 'dhclient', clientId: null };
    expect(topologyLines([uplink(dhclient)], unicodeGlyphs, true)[1]).toBe(
      "  lease: no client id (the server keys it by MAC), dhclient's default",
    );
  });

  it('escapes a path from the host and adds no line without a lease', () => {
    const hostile = { ...networkd, source: 'config-file' as const, file: '/etc/dhcp/x\u001b[2J.conf' };
    expect(topologyLines([uplink(hostile)], unicodeGlyphs)[1]).toContain('from /etc/dhcp/x\\x1b[2J.conf');
    expect(topologyLines([uplink()], unicodeGlyphs)).toEqual([
      'ens18 [uplink] 198.51.100.240/24 default route',
    ]);
  });
});
