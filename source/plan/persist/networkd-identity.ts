/**
 * The DHCP identity of the uplink's lease (option 61, as the lease recorded it), said the way
 * systemd-networkd and netplan can send it again from the bridge. A server that binds leases by
 * client id (dnsmasq does by default) hands a different client another address, so the bridge must
 * send exactly the bytes the uplink sent.
 *
 * What networkd 252 can send (systemd.network(5) [DHCPv4], networkd.conf(5); src/network/
 * networkd-dhcp4.c dhcp4_set_client_identifier):
 * - `ClientIdentifier=mac`: type 01 + the link's own MAC. The bridge carries the uplink's MAC, so
 *   this is the uplink's "01:<mac>" only when the MACs are the same;
 * - `ClientIdentifier=duid`: RFC 4361, ff + IAID (4 bytes) + DUID. `IAID=` is per network and sent
 *   big-endian (htobe32), so the uplink's IAID bytes read as one big-endian number give them back;
 *   without `IAID=` networkd derives one from the interface, which differs on the bridge;
 * - `ClientIdentifier=duid-only`: ff + DUID, no IAID;
 * - the DUID: `DUIDType=` + `DUIDRawData=` in the [DHCPv4] section override networkd.conf's per
 *   network; the DUID sent is the 2-byte type followed by the raw data. networkd 252 takes the
 *   type only by name (vendor, uuid, link-layer-time, link-layer): "DUIDType=2" is refused with
 *   "Failed to parse DUID type" (seen in the lab), so other types cannot be written; the raw data
 *   is at most 128 bytes (MAX_DUID_LEN).
 * Nothing else can be sent (no "no client id" either: a lease without option 61 is asked for with
 * the MAC's, which a server that keyed the lease by the MAC alone matches by chaddr — dnsmasq's
 * lease_find_by_client does — so that is an approximation the caller states).
 *
 * netplan (0.106) says only `dhcp-identifier: mac|duid`; the IAID and DUID go in a networkd
 * drop-in beside netplan's generated file. Every byte comes from a lease file (hostile input): it
 * is checked as strict lowercase-or-uppercase hex pairs, and anything networkd cannot send is
 * refused with UnplannableValue, which the planner turns into a blocker.
 */
import type { DhcpLease } from '../../host/snapshot.js';
import { displaySafe } from '../display-text.js';
import { checkedMac, UnplannableValue } from '../tokens.js';

export interface NetworkdDhcpIdentity {
  /** The identity in words, for the preview: "client id 01:<mac> (from the MAC)", "IAID … and DUID …". */
  summary: string;
  /** The `[DHCPv4]` lines of a .network file that send exactly this identity. */
  dhcpv4: string[];
  /** netplan's `dhcp-identifier:` for the bridge. */
  netplanIdentifier: 'mac' | 'duid';
  /** `[DHCPv4]` lines netplan cannot say, for a networkd drop-in next to its generated file; empty when none is needed. */
  netplanDropIn: string[];
  /** Why what is sent differs from the lease's own identity, or null when it is byte for byte the same. */
  approximation: string | null;
}

/** DUID types networkd 252 accepts by name (RFC 8415 §11: 1 LLT, 2 EN, 3 LL, 4 UUID). */
const DUID_TYPE_NAMES: Readonly<Record<number, string>> = {
  1: 'link-layer-time',
  2: 'vendor',
  3: 'link-layer',
  4: 'uuid',
};
const MAX_DUID_RAW_BYTES = 128;
const HEX_BYTES = /^[0-9a-fA-F]{2}(:[0-9a-fA-F]{2})*$/;

/**
 * The networkd and netplan settings that send `lease`'s client id from a bridge whose MAC is `mac`;
 * null when there is no lease to copy (nothing is known of the identity).
 * @throws UnplannableValue when the identity is malformed or not one networkd can send.
 */
export function networkdDhcpIdentity(lease: DhcpLease | null, mac: string): NetworkdDhcpIdentity | null {
  if (lease === null) return null;
  const linkMac = checkedMac(mac);
  if (lease.clientId === null) {
    return {
      ...macIdentity(linkMac),
      approximation: `the lease was obtained without a client id; networkd always sends one, so it sends 01:${linkMac} (the MAC), which servers that keyed the lease by the MAC alone match`,
    };
  }
  const bytes = hexBytes(lease.clientId);
  const [type, ...rest] = bytes;
  if (type === 0x01) {
    const sent = rest.map(hex).join(':');
    if (sent !== linkMac)
      refuse(lease.clientId, `it names the MAC ${sent}, but the bridge's MAC is ${linkMac}`);
    return { ...macIdentity(linkMac), approximation: null };
  }
  if (type === 0xff) return duidIdentity(lease.clientId, rest);
  return refuse(lease.clientId, `type ${hex(type ?? 0)} is neither 01 (MAC) nor ff (RFC 4361 IAID+DUID)`);
}

function macIdentity(mac: string): Omit<NetworkdDhcpIdentity, 'approximation'> {
  return {
    summary: `client id 01:${mac} (from the MAC)`,
    dhcpv4: ['ClientIdentifier=mac'],
    netplanIdentifier: 'mac',
    netplanDropIn: [],
  };
}

/**
 * ff + IAID + DUID (networkd's default), or ff + DUID (`duid-only`). The bytes alone do not say
 * which; a known DUID type right after 4 IAID bytes reads as the first, which is what networkd
 * sends unless told otherwise, and a known type right after the ff byte as the second.
 */
function duidIdentity(clientId: string, rest: number[]): NetworkdDhcpIdentity {
  const withIaid = duidParts(rest.slice(4));
  if (rest.length > 4 && withIaid) {
    const iaid = rest.slice(0, 4).reduce((value, byte) => value * 256 + byte, 0);
    const lines = [`IAID=${iaid}`, ...withIaid.lines];
    return {
      summary: `IAID ${iaid} and DUID ${rest.slice(4).map(hex).join(':')} (RFC 4361)`,
      dhcpv4: ['ClientIdentifier=duid', ...lines],
      netplanIdentifier: 'duid',
      netplanDropIn: lines,
      approximation: null,
    };
  }
  const only = duidParts(rest);
  if (only) {
    return {
      summary: `DUID ${rest.map(hex).join(':')} without an IAID`,
      dhcpv4: ['ClientIdentifier=duid-only', ...only.lines],
      netplanIdentifier: 'duid',
      // netplan writes ClientIdentifier=duid; a drop-in is read after the file and overrides it.
      netplanDropIn: ['ClientIdentifier=duid-only', ...only.lines],
      approximation: null,
    };
  }
  return refuse(
    clientId,
    'its DUID is not of a type networkd can send (link-layer-time, vendor, link-layer or uuid) or is longer than 128 bytes',
  );
}

function duidParts(duid: number[]): { lines: string[] } | null {
  const [high, low, ...raw] = duid;
  if (high === undefined || low === undefined) return null;
  const name = DUID_TYPE_NAMES[high * 256 + low];
  if (!name || raw.length === 0 || raw.length > MAX_DUID_RAW_BYTES) return null;
  return { lines: [`DUIDType=${name}`, `DUIDRawData=${raw.map(hex).join(':')}`] };
}

function hexBytes(clientId: string): number[] {
  if (!HEX_BYTES.test(clientId)) refuse(clientId, 'it is not hex bytes separated by ":"');
  return clientId.split(':').map((pair) => Number.parseInt(pair, 16));
}

function hex(byte: number): string {
  return byte.toString(16).padStart(2, '0');
}

function refuse(clientId: string, why: string): never {
  const shown = clientId.length > 120 ? `${clientId.slice(0, 120)}…` : clientId;
  throw new UnplannableValue(`the DHCP client id of the uplink's lease (${why})`, displaySafe(shown));
}
