/**
 * The DHCP identity NetworkManager sends for the bridge, in the window (steps/keep-lease-nm.ts) and
 * in the persisted profile (networkmanager.ts): the client id of the uplink's lease, as
 * `ipv4.dhcp-client-id` takes it (hex bytes, the type byte first: "01:<MAC>", or RFC 4361
 * "ff:<IAID>:<DUID>"). null when the lease was obtained without one or no lease record names one:
 * then NM's default is left, which is what the uplink's own profile used unless it set one.
 */
const CLIENT_ID = /^[0-9a-f]{2}(:[0-9a-f]{2}){1,254}$/;

/** A client id NM can be given as it is (hostile input otherwise: refused, never passed on). */
export function isNmClientId(clientId: string): boolean {
  return CLIENT_ID.test(clientId);
}
