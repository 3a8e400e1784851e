import { randomBytes } from 'node:crypto';
import { checkedName } from '../plan/names.js';

/**
 * Every lab gets its own random prefix, so two labs (or a lab and a crashed earlier run) never
 * share a name, and everything a lab owns can be told apart from the machine's own devices.
 * `bm` + 6 hex digits = 8 bytes, leaving room for suffixes under the kernel's 15-byte limit.
 */
export function newLabPrefix(): string {
  return `bm${randomBytes(3).toString('hex')}`;
}

export interface LabNames {
  prefix: string;
  routerNs: string;
  hostNs: string;
  peerNs: string;
  /** The LAN switch inside the router namespace; it also carries the gateway address. */
  switchBridge: string;
  /** Router-side ends of the LAN veths (ports of the switch). */
  routerHostPort: string;
  routerPeerPort: string;
  /** The peer's end, inside the peer namespace. */
  peerLink: string;
}

export function labNames(prefix: string): LabNames {
  if (!/^[a-z0-9]{1,8}$/.test(prefix))
    throw new Error(`lab prefix "${prefix}" must be 1-8 lowercase letters or digits`);
  return {
    prefix,
    routerNs: `${prefix}-r`,
    hostNs: `${prefix}-h`,
    peerNs: `${prefix}-p`,
    switchBridge: checkedName('lan'),
    routerHostPort: checkedName(`${prefix}rh`),
    routerPeerPort: checkedName(`${prefix}rp`),
    peerLink: checkedName('eth0'),
  };
}

export interface VmNames {
  ns: string;
  /** The VM's end of its veth, inside the VM namespace (what a guest calls its NIC). */
  guestLink: string;
  /** The other end, left in the host namespace like a Firecracker TAP, to join the host's bridge. */
  hostLink: string;
}

export function vmNames(prefix: string, name: string, index: number): VmNames {
  if (!/^[a-z0-9]{1,6}$/.test(name))
    throw new Error(`VM name "${name}" must be 1-6 lowercase letters or digits`);
  return {
    ns: `${prefix}-${name}`,
    guestLink: checkedName('eth0'),
    hostLink: checkedName(`${prefix}t${index}`),
  };
}
