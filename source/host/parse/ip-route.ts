/**
 * `ip -4|-6 -j route show table all` → Route[], and the default gateways derived from them.
 * iproute2 leaves out what is default: no "table" means main, no "type" means unicast, no
 * "metric" (IPv4) means 0, no "protocol" means boot. We keep absent fields as null so a route can be
 * replayed exactly as it was added; only table and type get their names, since every consumer needs
 * them to address the route.
 */
import type { DefaultGateway, Family, Route } from '../snapshot.js';
import {
  checkOptionalAddress,
  checkOptionalNumber,
  MalformedHostValue,
  prefixProblem,
  shown,
  U32_MAX,
} from './host-values.js';
import { isObject, type JsonObject, num, parseJsonArray, str, strings } from './json-fields.js';

export function parseIpRoutes(text: string, family: Family): Route[] {
  const what = `ip -${family} -j route`;
  return parseJsonArray(text, `ip -${family} -j route show table all`).map((entry) =>
    toRoute(checkedRoute(what, entry, family), family),
  );
}

/**
 * The fields the cutover writes into `ip route replace` lines, checked: a value no kernel reports
 * fails the probe with the field named, rather than a route moved wrongly or not at all.
 */
function checkedRoute(what: string, entry: JsonObject, family: Family): JsonObject {
  const dst = entry.dst ?? 'default';
  const subject = `route ${typeof dst === 'string' ? dst : shown(dst)}${typeof entry.dev === 'string' ? ` dev ${entry.dev}` : ''}`;
  if (typeof dst !== 'string')
    throw new MalformedHostValue(what, subject, `dst ${shown(dst)} is not a prefix`);
  const problem = dst === 'default' ? null : prefixProblem(dst, family);
  if (problem) throw new MalformedHostValue(what, subject, problem);
  // A gateway of the other family comes as "via" (RFC 5549), never as "gateway".
  checkOptionalAddress(what, subject, 'gateway', entry.gateway, family);
  checkOptionalAddress(what, subject, 'prefsrc', entry.prefsrc, family);
  checkOptionalNumber(what, subject, 'metric', entry.metric, 0, U32_MAX);
  const hops = Array.isArray(entry.nexthops) ? entry.nexthops.filter(isObject) : [];
  for (const hop of hops) {
    checkOptionalAddress(what, subject, 'nexthop gateway', hop.gateway, family);
    checkOptionalNumber(what, subject, 'nexthop weight', hop.weight, 1, 256);
  }
  return entry;
}

function toRoute(entry: JsonObject, family: Family): Route {
  const hops = Array.isArray(entry.nexthops) ? entry.nexthops.filter(isObject) : [];
  return {
    family,
    table: str(entry, 'table') ?? 'main',
    dst: str(entry, 'dst') ?? 'default',
    type: str(entry, 'type') ?? 'unicast',
    gateway: str(entry, 'gateway'),
    dev: str(entry, 'dev'),
    metric: num(entry, 'metric'),
    protocol: str(entry, 'protocol'),
    scope: str(entry, 'scope'),
    prefsrc: str(entry, 'prefsrc'),
    flags: strings(entry, 'flags'),
    nexthops: hops.map((hop) => ({
      gateway: str(hop, 'gateway'),
      dev: str(hop, 'dev'),
      weight: num(hop, 'weight'),
    })),
  };
}

/**
 * Default routes of the main table that have a gateway, lowest metric first (the one the kernel
 * uses), IPv4 before IPv6. A multipath default contributes one entry per next hop. A default route
 * without a gateway (a point-to-point device) has no gateway to probe and is left out.
 */
export function defaultGateways(routes: Route[]): DefaultGateway[] {
  const gateways: DefaultGateway[] = [];
  for (const route of routes) {
    if (route.table !== 'main' || route.dst !== 'default' || route.type !== 'unicast') continue;
    const hops = route.nexthops.length > 0 ? route.nexthops : [{ gateway: route.gateway, dev: route.dev }];
    for (const hop of hops) {
      if (!hop.gateway || !hop.dev) continue;
      gateways.push({
        family: route.family,
        gateway: hop.gateway,
        dev: hop.dev,
        metric: route.metric,
        protocol: route.protocol,
      });
    }
  }
  return gateways
    .map((gateway, index) => ({ gateway, index }))
    .sort(
      (a, b) =>
        a.gateway.family - b.gateway.family ||
        (a.gateway.metric ?? 0) - (b.gateway.metric ?? 0) ||
        a.index - b.index,
    )
    .map(({ gateway }) => gateway);
}

/** `ip -j route get ADDR` → the device the reply leaves by. */
export function parseRouteGetDev(text: string): string | null {
  const [first] = parseJsonArray(text, 'ip -j route get');
  return first ? str(first, 'dev') : null;
}
