/**
 * The DHCP identity the netplan bridge sends, so the server hands it the lease the uplink had: a
 * server that binds leases by client id (dnsmasq does by default) gives a different client id
 * another address. netplan says only `dhcp-identifier: mac|duid`; what it cannot say (networkd's
 * IAID=, DUIDType=, DUIDRawData=) goes into a networkd drop-in beside netplan's generated file,
 * which networkd reads after it (systemd.network(5), "[Match]... drop-in directories").
 *
 * The mapping from the uplink's lease is networkdDhcpIdentity in networkd-identity.ts, the same the
 * pending window's runtime file uses (steps/keep-lease-networkd.ts), so the persisted bridge sends
 * what the bridge sent in the window. Without a lease record it sends the MAC-based client id
 * (networkd's `ClientIdentifier=mac`), the bridge carrying the uplink's MAC.
 */
import type { DhcpLease } from '../../host/snapshot.js';
import type { ConfigFile } from '../types.js';
import { configFile } from './diff.js';
import { networkdDhcpIdentity } from './networkd-identity.js';

export interface NetplanIdentity {
  /** netplan's `dhcp-identifier:` for the bridge. */
  identifier: 'mac' | 'duid';
  /** `[DHCPv4]` lines netplan cannot say; empty when none are needed. */
  dropIn: string[];
}

export function netplanIdentity(lease: DhcpLease | null, mac: string | null): NetplanIdentity {
  const mapped = mac === null ? null : networkdDhcpIdentity(lease, mac);
  if (mapped === null) return { identifier: 'mac', dropIn: [] };
  return { identifier: mapped.netplanIdentifier, dropIn: mapped.netplanDropIn };
}

/** netplan names its networkd file 10-netplan-NAME.network (checked with netplan 0.106). */
export function identityDropInPath(bridge: string): string {
  return `/etc/systemd/network/10-netplan-${bridge}.network.d/50-bridge-migrate-dhcp-identity.conf`;
}

/** The drop-in with the identity lines netplan cannot say, or null when there are none. */
export function identityDropIn(bridge: string, identity: NetplanIdentity): ConfigFile | null {
  if (identity.dropIn.length === 0) return null;
  const content = [
    `# Written by bridge-migrate: ${bridge} renews the lease with the uplink's DHCP identity.`,
    '[DHCPv4]',
    ...identity.dropIn,
    '',
  ].join('\n');
  return configFile(
    identityDropInPath(bridge),
    'netplan',
    null,
    content,
    `The DHCP identity netplan cannot say, so ${bridge} keeps the uplink's lease.`,
  );
}
