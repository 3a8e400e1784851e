import { describe, expect, it } from 'vitest';
import type { DhcpLease } from '../../../source/host/snapshot.js';
import { networkdDhcpIdentity } from '../../../source/plan/persist/networkd-identity.js';
import { UnplannableValue } from '../../../source/plan/tokens.js';
import { NETWORKD_CLIENT_ID } from './fixtures.js';

const MAC = '02:62:6d:00:00:18';

function lease(clientId: string | null, fields: Partial<DhcpLease> = {}): DhcpLease {
  return {
    ifname: 'ens18',
    client: 'networkd',
    address: '198.51.100.158',
    clientId,
    source: 'lease-file',
    file: '/run/systemd/netif/leases/2',
    expiresAt: null,
    ...fields,
  };
}

describe('networkdDhcpIdentity', () => {
  it("sends networkd's default RFC 4361 id again: IAID as one big-endian number, the DUID by type name and raw bytes", () => {
    // The client id networkd 252 sent in the lab (lease file CLIENTID=ffcad8302e0002…), and the
    // bridge sent the same bytes back with these lines.
    expect(networkdDhcpIdentity(lease(NETWORKD_CLIENT_ID), MAC)).toEqual({
      summary: 'IAID 3403165742 and DUID 00:02:00:00:ab:11:00:33:bd:eb:f9:5e:19:2c (RFC 4361)',
      dhcpv4: [
        'ClientIdentifier=duid',
        'IAID=3403165742',
        'DUIDType=vendor',
        'DUIDRawData=00:00:ab:11:00:33:bd:eb:f9:5e:19:2c',
      ],
      netplanIdentifier: 'duid',
      netplanDropIn: [
        'IAID=3403165742',
        'DUIDType=vendor',
        'DUIDRawData=00:00:ab:11:00:33:bd:eb:f9:5e:19:2c',
      ],
      approximation: null,
    });
    expect(0xcad8302e).toBe(3403165742);
  });

  it.each([
    ['00:01', 'link-layer-time', '00:01:2a:5f:1c:00:02:62:6d:00:00:18'],
    ['00:03', 'link-layer', '00:01:02:62:6d:00:00:18'],
    ['00:04', 'uuid', '6f:8a:1c:2e:00:00:40:00:80:00:00:00:00:00:00:01'],
  ])('names DUID type %s as %s (networkd 252 refuses numbers)', (type, name, raw) => {
    const identity = networkdDhcpIdentity(lease(`ff:00:00:00:01:${type}:${raw}`), MAC);
    expect(identity?.dhcpv4).toEqual([
      'ClientIdentifier=duid',
      'IAID=1',
      `DUIDType=${name}`,
      `DUIDRawData=${raw}`,
    ]);
  });

  it('sends a MAC client id as ClientIdentifier=mac when it is the MAC the bridge carries', () => {
    const identity = networkdDhcpIdentity(lease(`01:${MAC.toUpperCase()}`), MAC.toUpperCase());
    expect(identity).toEqual({
      summary: `client id 01:${MAC} (from the MAC)`,
      dhcpv4: ['ClientIdentifier=mac'],
      netplanIdentifier: 'mac',
      netplanDropIn: [],
      approximation: null,
    });
  });

  it('says when the lease had no client id: networkd sends the MAC one, an approximation', () => {
    const identity = networkdDhcpIdentity(lease(null, { client: 'dhclient' }), MAC);
    expect(identity?.dhcpv4).toEqual(['ClientIdentifier=mac']);
    expect(identity?.approximation).toMatch(/without a client id.*01:02:62:6d:00:00:18/);
  });

  it('reads ff + DUID with no IAID as duid-only, which netplan needs a drop-in for', () => {
    const identity = networkdDhcpIdentity(lease('ff:00:02:00:00:ab:11:f9:2a:c2:77:29:f9:5c:00'), MAC);
    expect(identity?.dhcpv4).toEqual([
      'ClientIdentifier=duid-only',
      'DUIDType=vendor',
      'DUIDRawData=00:00:ab:11:f9:2a:c2:77:29:f9:5c:00',
    ]);
    expect(identity?.netplanDropIn[0]).toBe('ClientIdentifier=duid-only');
  });

  it('knows nothing without a lease', () => {
    expect(networkdDhcpIdentity(null, MAC)).toBeNull();
  });

  it.each([
    ['a MAC id naming another MAC', '01:02:62:6d:00:00:19', /names the MAC 02:62:6d:00:00:19/],
    ['a MAC id of the wrong length', '01:02:62:6d:00:00', /names the MAC/],
    ['another id type', '00:66:6f:6f', /type 00/],
    ['a DUID type networkd cannot name', 'ff:00:00:00:01:00:07:01:02', /not of a type networkd can send/],
    ['an IAID with no DUID', 'ff:00:00:00:01', /not of a type/],
    [
      'a DUID longer than 128 bytes',
      `ff:00:00:00:01:00:02:${Array(129).fill('aa').join(':')}`,
      /longer than 128/,
    ],
    ['a newline', `${NETWORKD_CLIENT_ID}\nDUIDType=uuid`, /not hex bytes/],
    ['a setting smuggled in', 'ff:00\nIAID=1', /not hex bytes/],
    ['odd hex', 'ff:0:1', /not hex bytes/],
    ['empty text', '', /not hex bytes/],
  ])('refuses %s', (_what, clientId, why) => {
    let thrown: unknown;
    try {
      networkdDhcpIdentity(lease(clientId), MAC);
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(UnplannableValue);
    expect((thrown as Error).message).toMatch(why);
    expect((thrown as Error).message).not.toMatch(/\n/);
  });

  it('refuses a bridge MAC that is not one', () => {
    expect(() => networkdDhcpIdentity(lease(NETWORKD_CLIENT_ID), 'ff:ff')).toThrow(UnplannableValue);
  });
});
