/**
 * systemd-networkd keeps the lease: after the cutover, a runtime .network file gives the bridge
 * DHCP with the identity the uplink's lease used (networkd-lease-file.ts), and `networkctl reload`
 * (a D-Bus call: no systemd as PID 1 needed) makes networkd read it. The same reload is the first
 * time networkd reads the renderer hold, so it also stops its DHCP client on the uplink, which is
 * a bridge port by then (seen in the lab: "ens18: Unmanaging interface", no DHCPRELEASE reached
 * the server) — left running there it would renew the lease on the port and put the address back
 * on it.
 *
 * The inverse only removes the file. Reloading there would make networkd unmanage the bridge and
 * drop the address and routes it now owns (networkd 252 drops a link's managed config when it
 * stops managing it, KeepConfiguration= or not; seen in the lab), before the cutover's inverse
 * has moved them back to the uplink. The renderer hold's inverse reloads once everything is back
 * (renderer-hold.ts): networkd then lets the bridge go, with no release (SendRelease=no,
 * KeepConfiguration=dhcp), and takes the uplink back with its own config.
 */
import type { PlanContext } from '../context.js';
import { leaseFor } from '../lease-identity.js';
import { networkdDhcpIdentity } from '../persist/networkd-identity.js';
import { blocker, warning } from '../preflight/verdict.js';
import { movedDhcpRouteMetric } from '../route-spec.js';
import type { Step, Verdict } from '../types.js';
import type { KeepLease } from './keep-lease.js';
import { clientKeepLease } from './keep-lease-client.js';
import { networkdLeaseFile } from './networkd-lease-file.js';
import { networkdManages } from './renderer-hold.js';
import { HOLD_FILE_MODE, NETWORKCTL_RELOAD } from './renderer-hold-files.js';

export function networkdKeepLease(context: PlanContext): KeepLease {
  const { nic, bridge, uplink } = context.target;
  // netplan names networkd, but networkd does not run (or has let the uplink go): whoever renews
  // the lease is a client of its own, if any.
  if (!networkdManages(context.renderer, nic)) return clientKeepLease(context);

  const lease = leaseFor(context.snapshot, nic);
  const identity = networkdDhcpIdentity(lease, uplink.mac ?? '');
  if (identity === null) {
    return {
      step: null,
      verdicts: [
        blocker(
          'lease-identity-unknown',
          `systemd-networkd leases ${nic}'s address, but its lease could not be read, so the client id it uses is unknown; ${bridge} would ask with another one and may get another address.`,
          `Check that networkd holds a lease for ${nic} (networkctl status ${nic} shows "DHCP4"), then plan again.`,
        ),
      ],
    };
  }
  const file = networkdLeaseFile({
    nic,
    bridge,
    identity: identity.dhcpv4,
    routeMetric: movedDhcpRouteMetric(context.state.routes),
  });
  const verdicts: Verdict[] = identity.approximation
    ? [
        warning(
          'lease-identity-approximate',
          `${bridge} cannot ask for ${nic}'s lease with the same identity: ${identity.approximation}.`,
          `Add a DHCP reservation for ${uplink.mac} on the server if it keys leases by client id, or acknowledge.`,
        ),
      ]
    : [];
  const step: Step = {
    id: 'keep-lease',
    kind: 'keep-lease',
    title: `systemd-networkd renews ${nic}'s lease on ${bridge}`,
    detail:
      `${file.path} gives ${bridge} DHCP with ${nic}'s lease identity (${identity.summary}) and networkctl reload ` +
      `makes networkd use it, so the same address is renewed from now on; ${nic} stays held. networkd keeps the ` +
      'moved address and routes while it asks (KeepConfiguration=dhcp: the address shows no lifetime until the ' +
      'persisted config takes over) and never releases the lease (SendRelease=no). Runtime only: a revert ' +
      'removes it, confirming replaces it with the persisted config, a reboot drops it.',
    disruptive: false,
    commands: [
      { kind: 'write-file', path: file.path, content: file.content, mode: HOLD_FILE_MODE },
      { kind: 'exec', argv: [...NETWORKCTL_RELOAD] },
    ],
    inverse: [{ kind: 'remove-file', path: file.path }],
    expect: [
      { kind: 'file-content', path: file.path, content: file.content },
      // networkd must not have dropped the moved address while it took the bridge over.
      ...context.state.addresses
        .filter((moved) => moved.address.family === 4 && moved.address.dynamic)
        .map(({ address }) => ({
          kind: 'address-on' as const,
          ifname: bridge,
          family: 4 as const,
          local: address.local,
          prefixlen: address.prefixlen,
        })),
    ],
  };
  return { step, verdicts };
}
