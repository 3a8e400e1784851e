/**
 * Which bridge a NAT rule serves: a bridge it names (-i/-o, iifname/oifname; "! -o docker0" still
 * concerns docker0), else a bridge whose IPv4 network holds the rule's source prefix (the usual
 * `-s 172.16.0.0/24 -o ens18 -j MASQUERADE` names only the uplink). Pure.
 */
import type { Address, Link, NatRule } from './snapshot.js';

export function withBridgeOwners(rules: NatRule[], links: Link[], addresses: Address[]): NatRule[] {
  const bridges = new Set(links.filter((link) => link.kind === 'bridge').map((link) => link.name));
  const networks = addresses.filter((address) => address.family === 4 && bridges.has(address.ifname));
  return rules.map((rule) => {
    const named = (rule.interfaces ?? []).find((name) => bridges.has(name));
    if (named) return { ...rule, bridge: named };
    const bySubnet = networks.find((address) =>
      (rule.sourcePrefixes ?? []).some((prefix) => prefixWithin(prefix, address.local, address.prefixlen)),
    );
    return bySubnet ? { ...rule, bridge: bySubnet.ifname } : rule;
  });
}

/** Whether "A.B.C.D/N" lies inside the network of address/bits (N >= bits, same leading bits). */
export function prefixWithin(prefix: string, address: string, bits: number): boolean {
  const [start = '', length = '32'] = prefix.split('/');
  const prefixBits = Number(length);
  const inner = ipv4Value(start);
  const outer = ipv4Value(address);
  if (inner === null || outer === null || !Number.isInteger(prefixBits) || prefixBits < bits) return false;
  const mask = bits === 0 ? 0 : (0xffffffff << (32 - bits)) >>> 0;
  return (inner & mask) >>> 0 === (outer & mask) >>> 0;
}

function ipv4Value(text: string): number | null {
  const octets = text.split('.');
  if (octets.length !== 4 || !octets.every((octet) => /^\d{1,3}$/.test(octet) && Number(octet) <= 255))
    return null;
  return octets.reduce((sum, octet) => sum * 256 + Number(octet), 0);
}
