/**
 * Hosts whose uplink is already a bridge, or already a port of one: another tool (Proxmox VE's
 * vmbr0, a hand-written bridge, an earlier migration) has done what this tool would do, so the
 * useful answer is where the guests' TAP devices go, not another --nic to try. A port of a bond is
 * different: the bond is the uplink to move.
 */
import type { HostSnapshot, Link } from '../../host/snapshot.js';
import { commandLine, type ExecCommand } from '../operator-commands.js';
import type { Verdict } from '../types.js';
import { blocker } from './verdict.js';

/** How to attach a guest TAP to an existing bridge, for the fix texts. */
export function attachTapsTo(bridge: string): string {
  return `attach the guests' TAP devices to ${bridge} (\`ip link set dev TAP master ${bridge}\`)`;
}

/** Ports of a bridge that reach a network, i.e. not guest TAPs. */
function physicalPorts(snapshot: Pick<HostSnapshot, 'links'>, bridge: string): string[] {
  return snapshot.links
    .filter((link) => link.master === bridge && link.tunType !== 'tap')
    .map((link) => link.name);
}

/** The uplink (the default route's device, or --nic) is itself a bridge. */
export function uplinkIsBridge(snapshot: Pick<HostSnapshot, 'links'>, nic: string): Verdict {
  const ports = physicalPorts(snapshot, nic);
  if (ports.length === 0) {
    return blocker(
      'uplink-is-bridge',
      `${nic} is a bridge with no port but TAP devices, so it does not reach the LAN itself and cannot be moved into another bridge.`,
      'Name the physical NIC that reaches the LAN with --nic.',
    );
  }
  return blocker(
    'uplink-is-bridge',
    `${nic} is already a bridge with ${ports.join(', ')} as its port${ports.length === 1 ? '' : 's'}, so this host's LAN is bridged already and there is nothing to migrate.`,
    `Instead of migrating, ${attachTapsTo(nic)}, and let them take LAN addresses by DHCP.`,
  );
}

/** The uplink is a port of a master device (bridge, bond, team, ...). */
export function uplinkHasMaster(uplink: Link, bridge: string, status: ExecCommand): Verdict {
  const nic = uplink.name;
  const master = uplink.master ?? '';
  if (master === bridge) {
    return blocker(
      'uplink-has-master',
      `${nic} is already a port of ${bridge}: the host is already bridged.`,
      `Nothing to migrate: ${attachTapsTo(bridge)}; \`${commandLine(status)}\` shows the mode.`,
    );
  }
  if (uplink.masterKind === 'bridge') {
    return blocker(
      'uplink-has-master',
      `${nic} is already a port of the bridge ${master}, so this host's LAN is bridged already and there is nothing to migrate.`,
      `Instead of migrating, ${attachTapsTo(master)}, and let them take LAN addresses by DHCP.`,
    );
  }
  if (uplink.masterKind === 'bond' || uplink.masterKind === 'team') {
    return blocker(
      'uplink-has-master',
      `${nic} is a member of the ${uplink.masterKind} ${master}, which is the device that carries the addresses.`,
      `Move the ${uplink.masterKind} instead with --nic ${master}.`,
    );
  }
  return blocker(
    'uplink-has-master',
    `${nic} is already a port of ${uplink.masterKind ?? 'the device'} ${master}, and this tool does not move a port from one master to another.`,
    `Release ${nic} from ${master} first, or name another uplink with --nic.`,
  );
}

/** A port has no address of its own: say where the addresses are instead of asking for one. */
export function portHasNoAddress(uplink: Link, bridge: string): Verdict {
  const nic = uplink.name;
  const master = uplink.master ?? '';
  const kind = uplink.masterKind;
  const fix =
    kind === 'bond' || kind === 'team'
      ? `Name the ${kind} with --nic ${master}.`
      : kind === 'bridge' || master === bridge
        ? `Leave ${nic} as it is, and ${attachTapsTo(master)}.`
        : `Release ${nic} from ${master} first, or name another uplink with --nic.`;
  return blocker(
    'no-ipv4-on-uplink',
    `${nic} has no IPv4 address, as usual for a port of ${master}: the host's addresses are on ${master}.`,
    fix,
  );
}
