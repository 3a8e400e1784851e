/**
 * The runtime .network file that makes systemd-networkd renew the moved lease on the bridge in the
 * pending window. Written under /run (gone at reboot, read again by a restarted networkd), named
 * to sort before the hold file and netplan's 10-netplan-* files: networkd configures a link with
 * the first .network file that matches it, in lexical order (systemd.network(5)), so the bridge is
 * configured by this file while the uplink, which only the hold names, stays unmanaged.
 *
 * The uplink is deliberately not given a port file (`Bridge=`): networkd 252 has no KeepMaster=,
 * and for a bridge it did not create from a .netdev it ignores `Bridge=` ("NetDev could not be
 * found, ignoring assignment") and then sets the port's master to none — seen in the lab, it took
 * ens18 out of the bridge and the bridge lost its carrier. Unmanaged, the port stays enslaved.
 *
 * What each line is for, as networkd 252 does it (src/network/networkd-dhcp4.c, networkd-link.c;
 * checked in the lab networkd machine):
 * - `KeepConfiguration=dhcp`: networkd keeps the foreign dynamic address and the proto-dhcp routes
 *   the cutover put on the bridge instead of dropping them when it starts managing the link, and
 *   its DHCP client asks for that address (dhcp4_set_request_address); it also implies
 *   dhcp-on-stop, so a networkd restart or stop in the window leaves the lease's address in place.
 *   The cost, stated in the preview: networkd then sets the address without a lifetime and does not
 *   remove it when the lease expires; the window ends at confirm (netplan's own files take over
 *   at persist) or at revert (the uplink's renderer takes over again);
 * - `SendRelease=no`: a revert or a restart must never give the lease back to the server;
 * - the identity lines (networkd-identity.ts): the same client id, so the server renews the same
 *   lease rather than handing out another address;
 * - `RouteMetric=`: the metric of the default route that moved, so networkd's route replaces it
 *   instead of adding a second default route beside it.
 */
import { literalNetworkdName } from './renderer-hold-files.js';

export const NETWORKD_LEASE_PATH = '/run/systemd/network/00-bridge-migrate-bridge.network';

export interface NetworkdLeaseFileInput {
  nic: string;
  bridge: string;
  /** `[DHCPv4]` identity lines (networkdDhcpIdentity().dhcpv4). */
  identity: readonly string[];
  /** The moved IPv4 default route's metric; null when no DHCP default route moved. */
  routeMetric: number | null;
}

export function networkdLeaseFile({ nic, bridge, identity, routeMetric }: NetworkdLeaseFileInput): {
  path: string;
  content: string;
} {
  const name = literalNetworkdName(bridge);
  return {
    path: NETWORKD_LEASE_PATH,
    content: [
      `# bridge-migrate: ${name} renews the DHCP lease ${literalNetworkdName(nic)} had, with the same client id,`,
      '# while the migration is pending. Runtime only: replaced by the persisted config at confirm,',
      '# removed by a revert, gone after a reboot.',
      '[Match]',
      `Name=${name}`,
      '',
      '[Network]',
      'DHCP=ipv4',
      'KeepConfiguration=dhcp',
      '',
      '[DHCPv4]',
      ...identity,
      'SendRelease=no',
      ...(routeMetric === null ? [] : [`RouteMetric=${routeMetric}`]),
      '',
    ].join('\n'),
  };
}
