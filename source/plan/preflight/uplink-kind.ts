/**
 * Only an Ethernet-like device can be a bridge port: the kernel's br_add_if() refuses loopback and
 * any device whose type is not ARPHRD_ETHER (a tun, an ipip or GRE tunnel, PPP), and a device with
 * no MAC address has no frames for the bridge to forward. `ip -j link` names the type as link_type.
 */
import type { Link } from '../../host/snapshot.js';
import type { Verdict } from '../types.js';
import { blocker } from './verdict.js';

export function uplinkNotEthernet(nic: string, uplink: Link): Verdict | null {
  if (uplink.linkType === 'loopback' || uplink.flags.includes('LOOPBACK')) {
    return blocker(
      'uplink-is-loopback',
      `${nic} is the loopback device, which never reaches the LAN and cannot join a bridge.`,
      'Name the Ethernet uplink with --nic (by default the interface of the default route).',
    );
  }
  if (uplink.linkType && uplink.linkType !== 'ether') {
    return blocker(
      'uplink-not-ethernet',
      `${nic} is not Ethernet (link type ${uplink.linkType}), and only Ethernet devices can join a bridge.`,
      'Name an Ethernet uplink with --nic, or route to the guests instead.',
    );
  }
  if (!uplink.mac) {
    return blocker(
      'uplink-not-ethernet',
      `${nic} has no MAC address (a tunnel or point-to-point link), and only Ethernet can join a bridge.`,
      'Name an Ethernet uplink with --nic, or route to the guests instead.',
    );
  }
  return null;
}
