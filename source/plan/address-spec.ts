/**
 * `ip addr add|del` arguments for an address from the snapshot, on a chosen device. Everything the
 * kernel keeps about the address is carried: peer, broadcast, label, scope, lifetimes, the flags a
 * user may set, and the route priority (IFA_RT_PRIORITY) its prefix route gets.
 */
import type { Address, HostSnapshot } from '../host/snapshot.js';
import { addressBits, networkOf, parsePrefix } from '../system/ip-math.js';
import { checkedName } from './names.js';
import { checkedAddress, checkedNumber, checkedWord, UnplannableValue } from './tokens.js';

/** Flags `ip addr add` accepts (ip-address(8) CONFFLAG); the rest are kernel state. */
const SETTABLE_FLAGS = ['home', 'mngtmpaddr', 'nodad', 'optimistic', 'noprefixroute', 'autojoin'];

export interface AddressPlacement {
  dev: string;
  /** Label to write (already translated to `dev`), or null for the kernel default. */
  label: string | null;
  /** Route priority of the address's prefix route, or null for the kernel default. */
  metric: number | null;
  /** Flags to add on top of the address's own (e.g. nodad on the bridge). */
  extraFlags?: string[];
}

/** "198.51.100.240/24", or "LOCAL peer PEER/LEN" for a point-to-point address. */
export function addressKey(address: Address): string[] {
  const local = checkedAddress(address.local, address.family);
  const length = checkedNumber(address.prefixlen, 'prefix length');
  if (address.peer) return [local, 'peer', `${checkedAddress(address.peer, address.family)}/${length}`];
  return [`${local}/${length}`];
}

export function addressAddArgs(address: Address, placement: AddressPlacement): string[] {
  const args = ['addr', 'add', ...addressKey(address)];
  if (address.family === 4 && address.broadcast) args.push('broadcast', checkedAddress(address.broadcast, 4));
  if (placement.label) args.push('label', checkedLabel(placement.label, placement.dev));
  // IPv6 derives scope from the address; IPv4 keeps what was set (host, link) when not global.
  if (address.family === 4 && address.scope !== 'global')
    args.push('scope', checkedWord(address.scope, 'scope'));
  if (placement.metric !== null) args.push('metric', checkedNumber(placement.metric, 'address metric'));
  if (address.validLft !== null) {
    args.push('valid_lft', checkedNumber(address.validLft, 'valid lifetime'));
    args.push(
      'preferred_lft',
      address.preferredLft === null ? 'forever' : checkedNumber(address.preferredLft, 'preferred lifetime'),
    );
  }
  const flags = SETTABLE_FLAGS.filter(
    (flag) => address.flags.includes(flag) || placement.extraFlags?.includes(flag),
  );
  args.push(...flags, 'dev', checkedName(placement.dev));
  return args;
}

export function addressDelArgs(address: Address, dev: string): string[] {
  return ['addr', 'del', ...addressKey(address), 'dev', checkedName(dev)];
}

/**
 * A label names its device ("ens18" or the alias "ens18:1"). Moving an alias to another device
 * renames its prefix; when the result would exceed the kernel's 15 bytes the label is dropped.
 */
export function translateLabel(label: string | null, from: string, to: string): string | null {
  if (!label || label === from) return null;
  if (!label.startsWith(`${from}:`)) return null;
  const moved = `${to}${label.slice(from.length)}`;
  return Buffer.byteLength(moved, 'utf8') <= 15 ? moved : null;
}

function checkedLabel(label: string, dev: string): string {
  const [prefix = '', ...rest] = label.split(':');
  checkedName(prefix);
  if (prefix !== dev || rest.length > 1 || !/^[A-Za-z0-9_.-]*$/.test(rest[0] ?? '')) {
    throw new UnplannableValue('address label', label);
  }
  return label;
}

/**
 * The kernel gives an address's prefix route the address's IFA_RT_PRIORITY as metric; networkd
 * sets it (Ubuntu: "198.51.100.0/24 dev ens18 proto kernel ... metric 100"). Reading it back from
 * that route keeps the moved and restored prefix routes identical to today's.
 */
export function addressRoutePriority(
  snapshot: Pick<HostSnapshot, 'routes'>,
  address: Address,
): number | null {
  if (address.peer || address.flags.includes('noprefixroute')) return null;
  // The kernel reports the priority itself when it is set; the prefix route is only a fallback
  // for snapshots (and recordings) taken without it.
  if (address.metric !== undefined && address.metric !== null) return address.metric;
  const network = networkOf(address.local, address.prefixlen);
  const route = snapshot.routes.find((candidate) => {
    if (candidate.family !== address.family || candidate.table !== 'main' || candidate.protocol !== 'kernel')
      return false;
    if (candidate.dev !== address.ifname) return false;
    if (address.family === 4 && candidate.prefsrc !== address.local) return false;
    const prefix = parsePrefix(candidate.dst, address.family);
    return (
      prefix !== null &&
      prefix.prefixlen === address.prefixlen &&
      networkOf(prefix.address, prefix.prefixlen) === network
    );
  });
  const metric = route?.metric ?? null;
  // No priority set: IPv4 prefix routes get metric 0, IPv6 ones IP6_RT_PRIO_ADDRCONF (256).
  const kernelDefault = address.family === 4 ? 0 : 256;
  return metric === null || metric === kernelDefault || address.prefixlen === addressBits(address.family)
    ? null
    : metric;
}
