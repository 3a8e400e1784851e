/**
 * What the cutover moves from the uplink to the bridge: its addresses, the routes through it and
 * the rules naming it. What it leaves is what the kernel owns and rebuilds by itself:
 * - IPv6 link-local addresses and fe80::/64 routes belong to each link;
 * - IPv6 temporary (privacy) addresses cannot be created by hand; the bridge makes its own;
 * - the local table's local/broadcast entries come back with the addresses;
 * - a "proto kernel" prefix route comes back only when `addr add` of a moved address makes exactly
 *   that route (net/ipv4/fib_frontend.c fib_add_ifaddr, net/ipv6/addrconf.c addrconf_prefix_route),
 *   and one an address that stays (temporary) makes stays with it. Any other is moved like every
 *   route: NetworkManager adds its addresses with noprefixroute and the prefix route itself, as
 *   "proto kernel metric 100", and without it the bridge has no route to the gateway, so the
 *   default route through the bridge is refused ("Nexthop has invalid gateway").
 */
import type { Address, HostSnapshot, Route, Rule } from '../host/snapshot.js';
import { isIpv6LinkLocal, isIpv6Multicast, networkOf, parsePrefix } from '../system/ip-math.js';
import { addressRoutePriority } from './address-spec.js';
import { addressPrefixRoute, isSameKernelRoute } from './prefix-route.js';
import { isDefaultRoute, routesThrough } from './route-spec.js';

export interface MovedAddress {
  address: Address;
  /** Route priority of its prefix route (IFA_RT_PRIORITY), null for the kernel's default. */
  metric: number | null;
  /** IPv4 secondary: removed before its primary, or the kernel removes it with the primary. */
  secondary: boolean;
}

export interface UplinkState {
  addresses: MovedAddress[];
  /** In the order the cutover adds them: direct routes, then default routes, then the rest. */
  routes: Route[];
  rules: Rule[];
}

export function uplinkState(
  snapshot: Pick<HostSnapshot, 'addresses' | 'routes' | 'rules'>,
  nic: string,
): UplinkState {
  const own = snapshot.addresses.filter((address) => address.ifname === nic && isMovable(address));
  const addresses = own.map((address, index) => ({
    address,
    metric: addressRoutePriority(snapshot, address),
    secondary: isSecondary(address, own.slice(0, index)),
  }));
  // Addresses that stay (link-local, temporary) keep the prefix routes they make, too.
  const staying = snapshot.addresses
    .filter((address) => address.ifname === nic && !isMovable(address))
    .map((address) => ({ address, metric: addressRoutePriority(snapshot, address), secondary: false }));
  const kernelMade = [...addresses, ...staying].flatMap((moved) => {
    const made = addressPrefixRoute(moved.address, moved.metric, moved.secondary);
    return made ? [made] : [];
  });
  const routes = snapshot.routes.filter(
    (route) =>
      routesThrough(route, nic) &&
      isMovableRoute(route) &&
      !kernelMade.some((made) => isSameKernelRoute(made, route)),
  );
  const rules = snapshot.rules.filter((rule) => rule.iif === nic || rule.oif === nic);
  return { addresses, routes: orderForAdding(routes), rules };
}

export function isMovable(address: Address): boolean {
  if (address.family === 4) return true;
  return !isIpv6LinkLocal(address.local) && address.scope !== 'link' && !address.flags.includes('temporary');
}

function isMovableRoute(route: Route): boolean {
  if (route.table === 'local') return false;
  if (route.type !== 'unicast' && route.type !== 'local') return false;
  const prefix = parsePrefix(route.dst, route.family);
  if (prefix && route.family === 6 && (isIpv6LinkLocal(prefix.address) || isIpv6Multicast(prefix.address))) {
    return false;
  }
  return true;
}

/**
 * The kernel marks an IPv4 address secondary when an earlier one on the device has the same
 * prefix length and network (net/ipv4/devinet.c __inet_insert_ifa).
 */
function isSecondary(address: Address, earlier: Address[]): boolean {
  if (address.family !== 4) return false;
  if (address.flags.includes('secondary')) return true;
  const network = networkOf(address.local, address.prefixlen);
  return earlier.some(
    (other) =>
      other.family === 4 &&
      other.prefixlen === address.prefixlen &&
      networkOf(other.local, other.prefixlen) === network,
  );
}

/**
 * A route with a gateway is accepted only when the gateway is reachable on its device
 * (fib_check_nh), so routes without a gateway go first; the default route follows at once, since
 * it carries the operator's session; the remaining gateway routes come last.
 */
function orderForAdding(routes: Route[]): Route[] {
  const hasGateway = (route: Route) =>
    route.gateway !== null || route.nexthops.some((hop) => hop.gateway !== null);
  const direct = routes.filter((route) => !hasGateway(route));
  const defaults = routes.filter((route) => hasGateway(route) && isDefaultRoute(route));
  const others = routes.filter((route) => hasGateway(route) && !isDefaultRoute(route));
  return [...direct, ...defaults, ...others];
}

/**
 * Order to add addresses so the device lists them as before: IPv4 in listing order (the first of a
 * subnet becomes primary again), IPv6 in reverse, since the kernel puts a new IPv6 address ahead
 * of the others of its scope (net/ipv6/addrconf.c ipv6_link_dev_addr).
 */
export function additionOrder<T>(items: T[], familyOf: (item: T) => 4 | 6): T[] {
  return [
    ...items.filter((item) => familyOf(item) === 4),
    ...items.filter((item) => familyOf(item) === 6).reverse(),
  ];
}

/** Removal order: secondaries before primaries, each group last-added first. */
export function removalOrder(addresses: MovedAddress[]): MovedAddress[] {
  const reversed = [...addresses].reverse();
  return [...reversed.filter((moved) => moved.secondary), ...reversed.filter((moved) => !moved.secondary)];
}
