/**
 * The prefix route the kernel adds by itself when `ip addr add` puts an address on an up device,
 * so the cutover knows which "proto kernel" routes come back with the addresses and which must be
 * moved like any other route. Checked against Linux 6.x in a namespace:
 * - IPv4 (net/ipv4/fib_frontend.c fib_add_ifaddr): only a primary address without noprefixroute,
 *   and not a /32 without a peer; the route is the network of the peer (or of the address) in the
 *   main table, unicast, scope link, preferred source the address, metric its IFA_RT_PRIORITY
 *   (0, which `ip -j` leaves out, when none);
 * - IPv6 (net/ipv6/addrconf.c addrconf_prefix_route): every address without noprefixroute, /128
 *   included; the route is the address's network in the main table, metric its IFA_RT_PRIORITY or
 *   IP6_RT_PRIO_ADDRCONF (256), no preferred source.
 */
import type { Address, Route } from '../host/snapshot.js';
import { addressBits, networkOf, parsePrefix } from '../system/ip-math.js';

/** The identity and content of a kernel prefix route; everything else a route has is absent. */
export interface KernelPrefixRoute {
  family: 4 | 6;
  dev: string;
  /** The network number and length (compared as numbers, however ip printed them). */
  network: bigint;
  prefixlen: number;
  /** IPv4 only: the address that made it. */
  prefsrc: string | null;
  metric: number;
}

const IP6_RT_PRIO_ADDRCONF = 256;

/**
 * What `addr add` of this address (with route priority `metric`, as the cutover writes it) adds to
 * the main table, or null when it adds nothing there.
 */
export function addressPrefixRoute(
  address: Address,
  metric: number | null,
  secondary: boolean,
): KernelPrefixRoute | null {
  if (address.flags.includes('noprefixroute')) return null;
  if (address.family === 6) {
    return {
      family: 6,
      dev: address.ifname,
      network: networkOf(address.local, address.prefixlen),
      prefixlen: address.prefixlen,
      prefsrc: null,
      metric: metric ?? IP6_RT_PRIO_ADDRCONF,
    };
  }
  if (secondary) return null;
  const destination = address.peer ?? address.local;
  const network = networkOf(destination, address.prefixlen);
  if (network === 0n) return null;
  if (address.prefixlen === addressBits(4) && destination === address.local) return null;
  return {
    family: 4,
    dev: address.ifname,
    network,
    prefixlen: address.prefixlen,
    prefsrc: address.local,
    metric: metric ?? 0,
  };
}

/** Whether the snapshot's route is exactly the one the kernel makes, so re-adding makes it again. */
export function isSameKernelRoute(made: KernelPrefixRoute, route: Route): boolean {
  if (route.protocol !== 'kernel' || route.table !== 'main' || route.type !== 'unicast') return false;
  if (route.family !== made.family || route.dev !== made.dev) return false;
  if (route.gateway !== null || route.nexthops.length > 0) return false;
  const prefix = parsePrefix(route.dst, route.family);
  if (
    !prefix ||
    prefix.prefixlen !== made.prefixlen ||
    networkOf(prefix.address, prefix.prefixlen) !== made.network
  )
    return false;
  const defaultMetric = made.family === 4 ? 0 : IP6_RT_PRIO_ADDRCONF;
  if ((route.metric ?? defaultMetric) !== made.metric) return false;
  if (made.family === 4 && (route.prefsrc !== made.prefsrc || (route.scope ?? 'link') !== 'link'))
    return false;
  return true;
}
