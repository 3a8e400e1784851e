/**
 * `ip route` arguments for a route from the snapshot with its devices renamed. The route keeps
 * what identifies it to the kernel (destination, metric, table; `route replace` matches on
 * dst/tos/metric/table) and what it says (gateway, protocol, scope, preferred source, onlink,
 * next hops with weights).
 *
 * In an `ip -batch` file there is no -6, so the family must follow from the line itself: iproute2
 * takes it from the first address it parses. A default route is therefore written "default" for
 * IPv4 and "::/0" for IPv6.
 */
import type { Route } from '../host/snapshot.js';
import { checkedName } from './names.js';
import { checkedAddress, checkedNumber, checkedPrefix, checkedWord } from './tokens.js';

export type Rename = (ifname: string) => string;

export function routeDestination(route: Route): string {
  if (route.dst === 'default') return route.family === 4 ? 'default' : '::/0';
  return checkedPrefix(route.dst, route.family);
}

export function isDefaultRoute(route: Route): boolean {
  return route.dst === 'default' || route.dst === '0.0.0.0/0' || route.dst === '::/0';
}

/**
 * The metric of the IPv4 default route a renderer's DHCP client put on the uplink and the cutover
 * moved, or null. A renderer that renews the lease on the bridge must use it: NetworkManager's
 * default for a bridge is 425 where the uplink's ethernet profile had 100, and networkd's is 1024.
 */
export function movedDhcpRouteMetric(routes: readonly Route[]): number | null {
  const moved = routes.find(
    (route) =>
      route.family === 4 && isDefaultRoute(route) && route.table === 'main' && route.protocol === 'dhcp',
  );
  if (!moved) return null;
  return Number(checkedNumber(moved.metric ?? 0, 'default route metric'));
}

/** Arguments after `route replace|del`. */
export function routeArgs(route: Route, rename: Rename): string[] {
  const args: string[] = [];
  if (route.type !== 'unicast') args.push(checkedWord(route.type, 'route type'));
  args.push(routeDestination(route));
  const multipath = route.nexthops.length > 0;
  if (!multipath) {
    if (route.gateway) args.push('via', checkedAddress(route.gateway));
    if (route.dev) args.push('dev', checkedName(rename(route.dev)));
  }
  if (route.protocol) args.push('proto', checkedWord(route.protocol, 'route protocol'));
  // IPv6 ignores scope; IPv4 needs it kept (a gateway-less route is "scope link").
  if (route.family === 4 && route.scope) args.push('scope', checkedWord(route.scope, 'route scope'));
  if (route.metric !== null) args.push('metric', checkedNumber(route.metric, 'route metric'));
  if (route.prefsrc) args.push('src', checkedAddress(route.prefsrc, route.family));
  if (!multipath && route.flags.includes('onlink')) args.push('onlink');
  args.push('table', checkedWord(route.table, 'routing table'));
  for (const hop of route.nexthops) {
    args.push('nexthop');
    if (hop.gateway) args.push('via', checkedAddress(hop.gateway));
    if (hop.dev) args.push('dev', checkedName(rename(hop.dev)));
    if (hop.weight !== null) args.push('weight', checkedNumber(hop.weight, 'next hop weight'));
  }
  return args;
}

export function routesThrough(route: Route, ifname: string): boolean {
  return route.dev === ifname || route.nexthops.some((hop) => hop.dev === ifname);
}
