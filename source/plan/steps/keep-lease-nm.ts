/**
 * NetworkManager keeps the lease: after the cutover, in-memory profiles (`nmcli connection add
 * save no`, kept under /run/NetworkManager/system-connections, so a reboot drops them) run NM's
 * DHCP client on the bridge with the identity the uplink's lease used, with the uplink as its port.
 * What NetworkManager 1.42 does, seen in the lab (a veth managed by NM in a namespace, `ip monitor`
 * watching):
 * - `nmcli connection up` on a device NM mirrors as "connected (externally)" first tears the
 *   external connection down and flushes the device: the bridge had no address for 165 ms and its
 *   default route was replaced. Activated from "disconnected" instead (the device set unmanaged,
 *   then managed again), NM keeps the addresses it did not add and the DHCP reply only renews the
 *   one the bridge already has: no address is ever deleted.
 * - `nmcli device set IF managed no` leaves the link as it is (no flush, no DHCP release); it only
 *   stops NM's client there. So the uplink's own profile stops renewing without touching anything.
 * - A bridge profile starts DHCP only once NM runs one of its ports ("master waiting for slaves"),
 *   so the uplink gets an in-memory port profile too. Activated on the unmanaged uplink it keeps it
 *   in the bridge (no release, no carrier loss). Merely managing the uplink again instead made NM
 *   autoconnect the uplink's own profile, which took it out of the bridge (the guardian reverted).
 * - A bridge profile's routes get NM's bridge metric (425) unless it says otherwise, beside the
 *   uplink's moved routes (its ethernet metric, 100). Seen in the lab: once NM ran fcbr0 from the
 *   written profile, the moved metric-100 routes were gone a while later and the persist's check
 *   of the moved routes failed. So the profiles carry the moved routes' metric (ipv4.route-metric):
 *   NM's routes are the moved ones, and the host routes as before the change, also after a reboot.
 * - After a restart NM takes both back as they were (it records the managed state and the active
 *   profiles under /run/NetworkManager/devices); the hold file would make both unmanaged then and
 *   leave the lease unrenewed, so this step removes it and its inverse writes it back.
 *
 * The profiles have the UUIDs of the persisted keyfiles (persist/networkmanager.ts), so at persist
 * NetworkManager's reload swaps the in-memory profiles for the files without touching the devices
 * (txn/persist/networkmanager-renderer.ts).
 *
 * Revert: the revert runs every step's `ip` lines as one batch first (txn/engine/revert.ts), so
 * by the time this inverse runs the address is back on the uplink and the bridge is deleted. NM
 * then deactivates the port profile (it flushes the uplink: 11 ms without the address in the lab)
 * and autoconnects the uplink's own profile, which gets the same address by DHCP and renews it.
 * The inverse deletes the two profiles (inactive by then) and writes the hold back; the hold's
 * inverse makes the uplink managed again in case this step stopped half way. An uplink profile
 * that does not autoconnect is left for the operator (`nmcli connection up`).
 */
import type { PlanContext } from '../context.js';
import { displaySafe } from '../display-text.js';
import { leaseFor } from '../lease-identity.js';
import { stableUuid } from '../persist/networkmanager.js';
import { isNmClientId } from '../persist/nm-dhcp-identity.js';
import { blocker, info } from '../preflight/verdict.js';
import { movedDhcpRouteMetric } from '../route-spec.js';
import { checkedMac } from '../tokens.js';
import type { Command, Step } from '../types.js';
import type { KeepLease } from './keep-lease.js';
import { networkManagerHoldFile, removeHoldFile, writeHoldFile } from './renderer-hold-files.js';

/** The UUID of the bridge profile, in memory during the window and in the persisted keyfile. */
export function nmBridgeUuid(context: Pick<PlanContext, 'snapshot' | 'target'>): string {
  return stableUuid(`${context.snapshot.hostname ?? 'host'}/${context.target.bridge}`);
}

/** The UUID of the uplink's port profile, in memory during the window and in the persisted keyfile. */
export function nmPortUuid(context: Pick<PlanContext, 'snapshot' | 'target'>): string {
  const { bridge, nic } = context.target;
  return stableUuid(`${context.snapshot.hostname ?? 'host'}/${bridge}/${nic}`);
}

/** The in-memory profile's name (what `nmcli connection` lists while the change is pending). */
export function nmWindowProfileName(bridge: string): string {
  return `bridge-migrate-${bridge}`;
}

export function nmcliDeviceManaged(ifname: string, managed: boolean): Command {
  return { kind: 'exec', argv: ['nmcli', 'device', 'set', ifname, 'managed', managed ? 'yes' : 'no'] };
}

/** `nmcli connection add save no` (in memory, under /run) of a profile that never autoconnects. */
function addInMemoryProfile(
  type: 'bridge' | 'ethernet',
  name: string,
  uuid: string,
  ifname: string,
  settings: ReadonlyArray<readonly [string, string]>,
): string[] {
  return [
    'nmcli',
    'connection',
    'add',
    'save',
    'no',
    'type',
    type,
    'con-name',
    name,
    'connection.uuid',
    uuid,
    'ifname',
    ifname,
    'connection.autoconnect',
    'no',
    ...settings.flat(),
  ];
}

/** Does this plan move a DHCP address, so NetworkManager's hold must also hand the uplink back? */
export function movesLeasedAddress(context: Pick<PlanContext, 'state'>): boolean {
  return context.state.addresses.some((moved) => moved.address.family === 4 && moved.address.dynamic);
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
  const lease = leaseFor(context.snapshot, nic);
  const clientId = lease?.clientId ?? null;
  if (clientId !== null && !isNmClientId(clientId)) {
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
  const portUuid = nmPortUuid(context);
  const hold = networkManagerHoldFile(nic, bridge);
  const metric = movedDhcpRouteMetric(context.state.routes);
  const add = addInMemoryProfile('bridge', nmWindowProfileName(bridge), uuid, bridge, [
    ['bridge.mac-address', mac],
    ['bridge.stp', 'no'],
    ['bridge.forward-delay', '0'],
    ['ipv4.method', 'auto'],
    ...(clientId === null ? [] : [['ipv4.dhcp-client-id', clientId] as const]),
    // The moved routes' metric, so NM's own routes are the ones the cutover moved (see above).
    ...(metric === null ? [] : [['ipv4.route-metric', String(metric)] as const]),
    // IPv6 stays as the kernel and the cutover left it: NM touches no IPv6 address on the bridge.
    ['ipv6.method', 'ignore'],
  ]);
  const addPort = addInMemoryProfile('ethernet', `${nmWindowProfileName(bridge)}-port`, portUuid, nic, [
    ['master', uuid],
    ['slave-type', 'bridge'],
  ]);
  const step: Step = {
    id: 'keep-lease',
    kind: 'keep-lease',
    title: `Renew ${nic}'s DHCP lease on ${bridge} with NetworkManager`,
    detail:
      `Runtime-only NetworkManager profiles run DHCP on ${bridge} with ${nic}'s MAC and ` +
      (clientId === null
        ? `NetworkManager's default client id (${lease ? 'the lease was obtained without one' : 'no lease record names one'}), `
        : `the client id ${clientId} of ${nic}'s lease, `) +
      `with ${nic} as its port, so the DHCP server renews the same address; NetworkManager stops ${nic}'s own profile ("${displaySafe(device.connection)}") ` +
      `without touching the link. The profiles live under /run (gone at reboot); revert deletes them and NetworkManager takes ${nic} back with "${displaySafe(device.connection)}" (if it autoconnects), and persisting replaces them with the written profiles.`,
    disruptive: false,
    commands: [
      nmcliDeviceManaged(nic, false),
      nmcliDeviceManaged(bridge, false),
      removeHoldFile(hold),
      { kind: 'exec', argv: add },
      { kind: 'exec', argv: addPort },
      nmcliDeviceManaged(bridge, true),
      { kind: 'exec', argv: ['nmcli', 'connection', 'up', 'uuid', uuid] },
      { kind: 'exec', argv: ['nmcli', 'connection', 'up', 'uuid', portUuid] },
    ],
    inverse: [
      { kind: 'exec', argv: ['nmcli', 'connection', 'delete', 'uuid', portUuid] },
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

/** The UUIDs a built keep-lease step brings up (`nmcli connection up uuid U`): the bridge's, then the port's. */
export function nmProfileUuidsOf(step: Step): string[] {
  const uuids: string[] = [];
  for (const command of step.commands) {
    if (command.kind !== 'exec') continue;
    const [program, object, verb, keyword, uuid] = command.argv;
    if (program === 'nmcli' && object === 'connection' && verb === 'up' && keyword === 'uuid' && uuid)
      uuids.push(uuid);
  }
  return uuids;
}
