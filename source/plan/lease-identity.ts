/**
 * The DHCP identity of the uplink's lease, for the planners that keep the lease alive on the bridge
 * (keep-lease-networkd, keep-lease-client) and the persisted config: the bridge must renew with the
 * same client id, or a server that binds leases by client id hands out another address.
 */
import type { DhcpLease, HostSnapshot } from '../host/snapshot.js';

/**
 * The lease `nic` holds, as the probe read it (snapshot.dhcpLeases), or null when the probe found
 * none: the interface has no dynamic address, its identity could not be read (the probe's
 * `dhcp-leases` note says why), or the snapshot predates the probe (old recordings and journals).
 * A lease whose clientId is null is a lease obtained without option 61 (keyed by the MAC): not the
 * same as no lease.
 */
export function leaseFor(snapshot: Pick<HostSnapshot, 'dhcpLeases'>, nic: string): DhcpLease | null {
  return snapshot.dhcpLeases?.find((lease) => lease.ifname === nic) ?? null;
}
