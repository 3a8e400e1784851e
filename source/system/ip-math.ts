/**
 * Address arithmetic the planner and the host comparison need: parsing literals, comparing
 * prefixes, and finding the network an address belongs to. IPv6 uses BigInt so "2001:db8::/64" and
 * "2001:0db8:0::/64" compare equal however iproute2 happened to print them. Pure; here, below
 * host/ and plan/, because both use it.
 */
import { isIP } from 'node:net';

export type Family = 4 | 6;

export function familyOf(literal: string): Family | null {
  const kind = isIP(literal);
  return kind === 4 ? 4 : kind === 6 ? 6 : null;
}

export function addressBits(family: Family): number {
  return family === 4 ? 32 : 128;
}

export function toBigInt(literal: string): bigint {
  const family = familyOf(literal);
  if (family === 4) {
    return literal.split('.').reduce((value, octet) => (value << 8n) | BigInt(Number(octet)), 0n);
  }
  if (family === 6) return ipv6ToBigInt(literal);
  throw new Error(`not an IP address: ${literal}`);
}

function ipv6ToBigInt(literal: string): bigint {
  let text = literal;
  // An embedded IPv4 tail (::ffff:192.0.2.1) becomes two hex groups.
  const v4Tail = /(\d+\.\d+\.\d+\.\d+)$/.exec(text);
  if (v4Tail) {
    const v4 = toBigInt(v4Tail[1] as string);
    text = `${text.slice(0, -(v4Tail[1] as string).length)}${(v4 >> 16n).toString(16)}:${(v4 & 0xffffn).toString(16)}`;
  }
  const [head = '', tail] = text.split('::');
  const headGroups = head === '' ? [] : head.split(':');
  const tailGroups = tail === undefined || tail === '' ? [] : tail.split(':');
  const missing = 8 - headGroups.length - tailGroups.length;
  const groups =
    tail === undefined ? headGroups : [...headGroups, ...Array(missing).fill('0'), ...tailGroups];
  return groups.reduce((value, group) => (value << 16n) | BigInt(Number.parseInt(group, 16)), 0n);
}

/** The network part of `address/prefixlen`, as a number, for comparison. */
export function networkOf(address: string, prefixlen: number): bigint {
  const family = familyOf(address);
  if (!family) throw new Error(`not an IP address: ${address}`);
  const bits = BigInt(addressBits(family));
  const hostBits = bits - BigInt(prefixlen);
  return (toBigInt(address) >> hostBits) << hostBits;
}

export interface Prefix {
  family: Family;
  address: string;
  prefixlen: number;
}

/** "198.51.100.0/24", "198.51.100.7" (a host) or "default" with the family it belongs to. */
export function parsePrefix(text: string, family: Family): Prefix | null {
  if (text === 'default') return { family, address: family === 4 ? '0.0.0.0' : '::', prefixlen: 0 };
  const [address = '', length] = text.split('/');
  const parsedFamily = familyOf(address);
  if (parsedFamily !== family) return null;
  const prefixlen = length === undefined ? addressBits(family) : Number(length);
  if (!Number.isInteger(prefixlen) || prefixlen < 0 || prefixlen > addressBits(family)) return null;
  return { family, address, prefixlen };
}

export function samePrefix(a: Prefix, b: Prefix): boolean {
  return (
    a.family === b.family &&
    a.prefixlen === b.prefixlen &&
    networkOf(a.address, a.prefixlen) === networkOf(b.address, b.prefixlen)
  );
}

/** True when `address` lies inside `prefix`. */
export function prefixContains(prefix: Prefix, address: string): boolean {
  return (
    familyOf(address) === prefix.family &&
    networkOf(address, prefix.prefixlen) === networkOf(prefix.address, prefix.prefixlen)
  );
}

/** fe80::/10: link-local addresses and routes belong to each link and are never moved. */
export function isIpv6LinkLocal(address: string): boolean {
  return familyOf(address) === 6 && networkOf(address, 10) === networkOf('fe80::', 10);
}

/** ff00::/8 multicast routes live in the local table and are the kernel's. */
export function isIpv6Multicast(address: string): boolean {
  return familyOf(address) === 6 && networkOf(address, 8) === networkOf('ff00::', 8);
}
