/**
 * Which networking mode the host is in, from a fresh probe (pure):
 * - bridged: the default route leaves through a bridge that has a port other than a TAP device
 *   (a physical uplink is in the bridge, so guests on it are on the LAN);
 * - nat: a bridge is served by a MASQUERADE rule (guests reach the LAN through NAT);
 * - none: neither.
 */
import type { HostSnapshot, Link } from '../host/snapshot.js';

export type HostModeName = 'bridged' | 'nat' | 'none';

export interface HostMode {
  mode: HostModeName;
  bridge: string | null;
  /** One line: why this mode. */
  detail: string;
}

function isTap(link: Link): boolean {
  return link.tunType === 'tap' || link.kind === 'tun';
}

export function hostMode(snapshot: HostSnapshot): HostMode {
  const gateways = [...snapshot.defaultGateways].sort((a, b) => a.family - b.family);
  for (const gateway of gateways) {
    const device = snapshot.links.find((link) => link.name === gateway.dev);
    if (device?.kind !== 'bridge') continue;
    const ports = snapshot.links.filter((link) => link.master === device.name && !isTap(link));
    if (ports.length > 0) {
      return {
        mode: 'bridged',
        bridge: device.name,
        detail: `the default route leaves through bridge ${device.name}, whose uplink port is ${ports.map((port) => port.name).join(', ')}`,
      };
    }
  }
  const bridges = new Set(snapshot.links.filter((link) => link.kind === 'bridge').map((link) => link.name));
  const nat = snapshot.netfilter.natRules.find((rule) => rule.bridge !== null && bridges.has(rule.bridge));
  if (nat?.bridge) {
    return {
      mode: 'nat',
      bridge: nat.bridge,
      detail: `bridge ${nat.bridge} is masqueraded (${nat.source}: ${nat.text})`,
    };
  }
  return {
    mode: 'none',
    bridge: null,
    detail: 'no bridge carries the default route and no bridge is masqueraded',
  };
}
