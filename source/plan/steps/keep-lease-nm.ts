/**
 * NetworkManager keeps the lease: after the cutover, an in-memory profile (`nmcli connection add
 * save no`, kept under /run/NetworkManager/system-connections, so a reboot drops it) runs NM's DHCP
 * client on the bridge with the identity the uplink's lease used, and NM lets go of the uplink's
 * own profile. What NetworkManager 1.42 does, seen in the lab (a veth managed by NM in a namespace,
 * `ip monitor` watching):
 * - `nmcli connection up` on a device NM mirrors as "connected (externally)" first tears the
 *   external connection down and flushes the device: the bridge had no address for 165 ms and its
 *   default route was replaced. Activated from "disconnected" instead (the device set unmanaged,
 *   then managed again), NM keeps the addresses it did not add and the DHCP reply only renews the
 *   one the bridge already has: no address is ever deleted.
 * - `nmcli device set IF managed no` leaves the link as it is (no flush, no DHCP release); it only
 *   stops NM's client there. So the uplink's profile stops renewing without touching anything.
 * - A bridge profile waits for a port before it starts DHCP ("master waiting for slaves"); the
 *   uplink, managed again, becomes that port as an external connection, without being released
 *   from the bridge (activating a port profile released and re-enslaved it: a 32 ms carrier loss).
 * - After a restart NM takes both back as they were (it records the managed state and the
 *   active profile under /run/NetworkManager/devices); the hold file would make both unmanaged
 *   then and leave the lease unrenewed, so this step removes it and its inverse writes it back.
 *
 * The bridge profile has the UUID of the persisted bridge keyfile (persist/networkmanager.ts), so
 * at persist NetworkManager's reload swaps the in-memory profile for the file without touching the
 * device (txn/persist/networkmanager-renderer.ts).
 *
 * Revert: the inverse lets go of both links (unmanaged: addresses stay), deletes the profile and
 * writes the hold back, before the cutover's inverse moves the address; the renderer hold's inverse
 * then makes the uplink managed again, and NM autoconnects its own profile on it, which keeps the
 * address the revert put back and renews it.
 */
import type { DhcpLease } from '../../host/snapshot.js';
import type { PlanContext } from '../context.js';
import { displaySafe } from '../display-text.js';
import { stableUuid } from '../persist/networkmanager.js';
import { blocker, info } from '../preflight/verdict.js';
import { checkedMac } from '../tokens.js';
import type { Command, Step } from '../types.js';
import type { KeepLease } from './keep-lease.js';
import { networkManagerHoldFile, removeHoldFile, writeHoldFile } from './renderer-hold-files.js';

/** DHCP option 61 as NM's ipv4.dhcp-client-id takes it: hex bytes, the type byte first. */
const CLIENT_ID = /^[0-9a-f]{2}(:[0-9a-f]{2}){1,254}$/;

/** The UUID of the bridge profile, in memory during the window and in the persisted keyfile. */
export function nmBridgeUuid(context: Pick<PlanContext, 'snapshot' | 'target'>): string {
  return stableUuid(`${context.snapshot.hostname ?? 'host'}/${context.target.bridge}`);
}

/** The in-memory profile's name (what `nmcli connection` lists while the change is pending). */
export function nmWindowProfileName(bridge: string): string {
  return `bridge-migrate-${bridge}`;
}

export function nmcliDeviceManaged(ifname: string, managed: boolean): Command {
  return { kind: 'exec', argv: ['nmcli', 'device', 'set', ifname, 'managed', managed ? 'yes' : 'no'] };
}

/** Does this plan move a DHCP address, so NetworkManager's hold must also hand the uplink back? */
export function movesLeasedAddress(context: Pick<PlanContext, 'state'>): boolean {
  return context.state.addresses.some((moved) => moved.address.family === 4 && moved.address.dynamic);
}

function leaseOf(context: PlanContext): DhcpLease | null {
  return context.snapshot.dhcpLeases?.find((lease) => lease.ifname === context.target.nic) ?? null;
}

export function networkManagerKeepLease(context: PlanContext): KeepLease {
  const { nic, bridge, uplink } = context.target;
  const device = context.renderer.networkManager.devices[nic];
  if (!context.renderer.networkManager.running || !device?.connection) {
    return {
      step: null,
      verdicts: [
        blocker(
          'lease-no-keeper',
          `${nic}'s address is leased by DHCP through NetworkManager, but ${
            context.renderer.networkManager.running
              ? `nmcli shows no active profile on ${nic}`
              : 'NetworkManager is not running'
          }, so nothing could renew the lease on ${bridge} or take ${nic} back on a revert.`,
          `Start NetworkManager and activate ${nic}'s profile (nmcli connection up), then plan again.`,
        ),
      ],
    };
  }
  const lease = leaseOf(context);
  const clientId = lease?.clientId ?? null;
  if (clientId !== null && !CLIENT_ID.test(clientId)) {
    return {
      step: null,
      verdicts: [
        blocker(
          'lease-no-keeper',
          `${nic}'s lease names the DHCP client id "${displaySafe(clientId)}", which is not hex bytes, so ${bridge} could not ask for the same lease.`,
          `Renew ${nic}'s lease with NetworkManager (nmcli device reapply ${nic}), then plan again.`,
        ),
      ],
    };
  }
  const mac = checkedMac(uplink.mac);
  const uuid = nmBridgeUuid(context);
  const hold = networkManagerHoldFile(nic, bridge);
  const identity = clientId === null ? [] : ['ipv4.dhcp-client-id', clientId];
  const add = [
    'nmcli',
    'connection',
    'add',
    'save',
    'no',
    'type',
    'bridge',
    'con-name',
    nmWindowProfileName(bridge),
    'connection.uuid',
    uuid,
    'ifname',
    bridge,
    'connection.autoconnect',
    'no',
    'bridge.mac-address',
    mac,
    'bridge.stp',
    'no',
    'bridge.forward-delay',
    '0',
    'ipv4.method',
    'auto',
    ...identity,
    // IPv6 stays as the kernel and the cutover left it: NM touches no IPv6 address on the bridge.
    'ipv6.method',
    'ignore',
  ];
  const step: Step = {
    id: 'keep-lease',
    kind: 'keep-lease',
    title: `Renew ${nic}'s DHCP lease on ${bridge} with NetworkManager`,
    detail:
      `A runtime-only NetworkManager profile runs DHCP on ${bridge} with ${nic}'s MAC and ` +
      (clientId === null
        ? `NetworkManager's default client id (${lease ? 'the lease was obtained without one' : 'no lease record names one'}), `
        : `the client id ${clientId} of ${nic}'s lease, `) +
      `so the DHCP server renews the same address; NetworkManager stops renewing it on ${nic} ("${displaySafe(device.connection)}") ` +
      'without touching the link. The profile lives under /run (gone at reboot); revert deletes it, and persisting replaces it with the written profile.',
    disruptive: false,
    commands: [
      nmcliDeviceManaged(nic, false),
      nmcliDeviceManaged(bridge, false),
      removeHoldFile(hold),
      { kind: 'exec', argv: add },
      nmcliDeviceManaged(bridge, true),
      { kind: 'exec', argv: ['nmcli', 'connection', 'up', 'uuid', uuid] },
      nmcliDeviceManaged(nic, true),
    ],
    inverse: [
      nmcliDeviceManaged(bridge, false),
      nmcliDeviceManaged(nic, false),
      { kind: 'exec', argv: ['nmcli', 'connection', 'delete', 'uuid', uuid] },
      writeHoldFile(hold),
    ],
    expect: [
      ...context.state.addresses
        .filter((moved) => moved.address.family === 4)
        .map((moved) => ({
          kind: 'address-on' as const,
          ifname: bridge,
          family: 4 as const,
          local: moved.address.local,
          prefixlen: moved.address.prefixlen,
        })),
      { kind: 'link-master', ifname: nic, master: bridge },
    ],
  };
  const verdicts =
    lease === null
      ? [
          info(
            'lease-identity-default',
            `No lease record of ${nic} was found, so ${bridge} asks with NetworkManager's default DHCP client id (01 and the MAC with the internal client), the one ${nic}'s profile uses unless it sets ipv4.dhcp-client-id.`,
            `If ${nic}'s profile sets ipv4.dhcp-client-id, check that the address stays the same after the change.`,
          ),
        ]
      : [];
  return { step, verdicts };
}

/** The bridge profile's UUID as a built keep-lease step names it (its `nmcli connection up uuid U`), or null. */
export function nmBridgeUuidOf(step: Step): string | null {
  for (const command of step.commands) {
    if (command.kind !== 'exec') continue;
    const [program, object, verb, keyword, uuid] = command.argv;
    if (program === 'nmcli' && object === 'connection' && verb === 'up' && keyword === 'uuid' && uuid)
      return uuid;
  }
  return null;
}
