/**
 * A tiny model of the kernel state the cutover touches (links and masters, addresses, routes,
 * rules, NAT chains, processes), with the behaviours that make ordering matter, so the planner's
 * commands can run without a kernel:
 * - adding an address that is already on the device fails (EEXIST);
 * - deleting a primary IPv4 address deletes its secondaries (promote_secondaries off);
 * - when a device loses its last IPv4 address, every IPv4 route through it goes (fib_disable_ip),
 *   and routes preferring a source address that is gone go too (fib_sync_down_addr);
 * - a new IPv6 address goes ahead of the others of its scope (ipv6_link_dev_addr);
 * - a route's gateway must not be local and must be reachable on its device: inside the prefix of
 *   a primary address there, or of a direct route there (fib_check_nh), unless onlink or IPv6
 *   link-local;
 * - `route replace` swaps the route with the same family/table/dst/metric; `add` fails on it;
 * - rules are kept in priority order, a new one after those of equal priority.
 * Prefix routes the kernel makes for addresses are derived from the addresses, not stored; a
 * "proto kernel" route no address makes (NetworkManager's, for its noprefixroute addresses) is
 * stored like any other route (model-snapshot.ts).
 */
import { networkOf, prefixContains } from '../../../source/system/ip-math.js';
import { fail, type ModelAddress, type ModelRoute, parseAddressAdd, parseRoute } from './ip-line-parse.js';

export { ModelError } from './ip-line-parse.js';
export type { ModelAddress, ModelRoute };

export interface ModelState {
  links: Map<
    string,
    { master: string | null; up: boolean; mac: string | null; mtu: number; bridge: boolean }
  >;
  addresses: ModelAddress[];
  routes: ModelRoute[];
  rules: Array<{ family: 4 | 6; priority: number; spec: string }>;
  /** NAT chains: "program table chain" → rule texts in order. */
  chains: Map<string, string[]>;
  /** Running processes by pid: their argv as JSON. */
  processes: Map<string, string>;
}

export function toModelAddress(
  dev: string,
  family: 4 | 6,
  local: string,
  prefixlen: number,
  peer: string | null,
  attributes: string[],
): ModelAddress {
  return { dev, family, local, prefixlen, peer, attributes: [...attributes].sort() };
}

export const routeKey = (route: ModelRoute) => `${route.family} ${route.table} ${route.dst} ${route.metric}`;

/** Apply one `ip -batch` line (the words after "ip"). */
export function applyIpLine(state: ModelState, line: string[], family6 = false): void {
  const [object, verb = '', ...rest] = line;
  if (object === 'link') applyLink(state, verb, rest);
  else if (object === 'addr' && verb === 'add') addAddress(state, rest);
  else if (object === 'addr' && verb === 'del') delAddress(state, rest);
  else if (object === 'route') applyRoute(state, verb, rest);
  else if (object === 'rule') applyRule(state, verb, rest, family6 ? 6 : 4);
  else fail(`unknown ip line ${line.join(' ')}`);
}

function applyLink(state: ModelState, verb: string, rest: string[]): void {
  if (verb === 'add') {
    const [nameKeyword, name = '', type, kind] = rest;
    if (nameKeyword !== 'name') fail('link add without "name"');
    if (type !== 'type' || kind !== 'bridge') fail(`link add ${rest.join(' ')}`);
    if (state.links.has(name)) fail(`link ${name} exists`);
    state.links.set(name, { master: null, up: false, mac: null, mtu: 1500, bridge: true });
    return;
  }
  if (verb === 'del') {
    if (rest[0] !== 'dev') fail('link del without "dev"');
    const name = rest[1] ?? '';
    if (!state.links.delete(name)) fail(`no link ${name}`);
    state.addresses = state.addresses.filter((address) => address.dev !== name);
    state.routes = state.routes.filter((route) => !route.devs.includes(name));
    for (const link of state.links.values()) if (link.master === name) link.master = null;
    return;
  }
  if (verb !== 'set') fail(`link ${verb}`);
  const [devKeyword, name = '', ...options] = rest;
  if (devKeyword !== 'dev') fail('link set without "dev"');
  const link = state.links.get(name) ?? fail(`no link ${name}`);
  for (let index = 0; index < options.length; index++) {
    const token = options[index];
    if (token === 'master') {
      const master = options[++index] ?? '';
      if (!state.links.get(master)?.bridge) fail(`master ${master} is not a bridge`);
      link.master = master;
    } else if (token === 'nomaster') link.master = null;
    else if (token === 'up') link.up = true;
    else if (token === 'down') link.up = false;
    else if (token === 'address') link.mac = options[++index] ?? null;
    else if (token === 'mtu') link.mtu = Number(options[++index]);
    else if (token === 'type' && options[index + 1] === 'bridge') index += 3;
    else fail(`link set token ${token}`);
  }
}

function addAddress(state: ModelState, tokens: string[]): void {
  const { address, attributes } = parseAddressAdd(tokens);
  if (!state.links.has(address.dev)) fail(`no device ${address.dev}`);
  const label = attributes.find((attribute) => attribute.startsWith('label '));
  if (label && !label.slice(6).startsWith(address.dev))
    fail(`label ${label} does not start with ${address.dev}`);
  if (
    state.addresses.some(
      (other) =>
        other.dev === address.dev && other.local === address.local && other.prefixlen === address.prefixlen,
    )
  ) {
    fail(`address ${address.local}/${address.prefixlen} already on ${address.dev}`);
  }
  const added = toModelAddress(
    address.dev,
    address.family,
    address.local,
    address.prefixlen,
    address.peer,
    attributes,
  );
  if (added.family === 4) {
    state.addresses.push(added);
    return;
  }
  // IPv6: ahead of the device's first address of the same or a wider scope (ipv6_link_dev_addr).
  const scope = ipv6Scope(added.local);
  const before = state.addresses.findIndex(
    (other) => other.dev === added.dev && other.family === 6 && ipv6Scope(other.local) <= scope,
  );
  if (before < 0) state.addresses.push(added);
  else state.addresses.splice(before, 0, added);
}

/** IPV6_ADDR_SCOPE_*: global 0x00, host (::1) 0x10, link 0x20. */
function ipv6Scope(local: string): number {
  if (local === '::1') return 0x10;
  return local.toLowerCase().startsWith('fe80:') ? 0x20 : 0;
}

function delAddress(state: ModelState, tokens: string[]): void {
  const { address } = parseAddressAdd(tokens);
  const index = state.addresses.findIndex(
    (other) =>
      other.dev === address.dev && other.local === address.local && other.prefixlen === address.prefixlen,
  );
  if (index < 0) fail(`address ${address.local}/${address.prefixlen} not on ${address.dev}`);
  const [removed] = state.addresses.splice(index, 1) as [ModelAddress];
  if (removed.family === 4 && !isSecondary(state, removed, index)) {
    // Its secondaries go with it.
    const network = networkOf(removed.local, removed.prefixlen);
    state.addresses = state.addresses.filter(
      (other) =>
        !(
          other.dev === removed.dev &&
          other.family === 4 &&
          other.prefixlen === removed.prefixlen &&
          networkOf(other.local, other.prefixlen) === network
        ),
    );
  }
  if (removed.family === 4) {
    const stillLocal = state.addresses.some((other) => other.local === removed.local);
    if (!stillLocal)
      state.routes = state.routes.filter((route) => !route.attributes.includes(`src ${removed.local}`));
    if (!state.addresses.some((other) => other.dev === removed.dev && other.family === 4)) {
      state.routes = state.routes.filter(
        (route) => route.family !== 4 || !route.devs.every((dev) => dev === removed.dev),
      );
    }
  }
}

/** Secondary: an address before it on the device has the same prefix length and network. */
function isSecondary(state: ModelState, address: ModelAddress, position: number): boolean {
  if (address.family !== 4) return false;
  const network = networkOf(address.local, address.prefixlen);
  return state.addresses
    .slice(0, position)
    .some(
      (other) =>
        other.dev === address.dev &&
        other.family === 4 &&
        other.prefixlen === address.prefixlen &&
        networkOf(other.local, other.prefixlen) === network,
    );
}

function applyRoute(state: ModelState, verb: string, tokens: string[]): void {
  const route = parseRoute(tokens);
  const index = state.routes.findIndex((other) => routeKey(other) === routeKey(route));
  if (verb === 'del') {
    const match = state.routes.findIndex(
      (other) =>
        routeKey(other) === routeKey(route) && other.attributes.join(' ') === route.attributes.join(' '),
    );
    if (match < 0) fail(`no route ${tokens.join(' ')}`);
    state.routes.splice(match, 1);
    return;
  }
  for (const dev of route.devs) if (!state.links.has(dev)) fail(`no device ${dev}`);
  route.gateways.forEach((gateway, hop) => {
    const dev = route.devs[hop] ?? route.devs[0] ?? fail('gateway without dev');
    if (state.addresses.some((address) => address.local === gateway))
      fail(`gateway ${gateway} is a local address`);
    if (!route.onlink && !reachable(state, route.family, route.table, gateway, dev))
      fail(`gateway ${gateway} unreachable on ${dev}`);
  });
  const src = route.attributes.find((attribute) => attribute.startsWith('src '));
  if (src && !state.addresses.some((address) => address.local === src.slice(4)))
    fail(`${src} is not a local address`);
  if (verb === 'add' && index >= 0) fail(`route ${tokens.join(' ')} exists`);
  if (verb !== 'add' && verb !== 'replace') fail(`route ${verb}`);
  if (index >= 0) state.routes[index] = route;
  else state.routes.push(route);
}

function reachable(state: ModelState, family: 4 | 6, table: string, gateway: string, dev: string): boolean {
  if (family === 6 && gateway.toLowerCase().startsWith('fe80:')) return true;
  // Only a primary address without noprefixroute gives its subnet a prefix route.
  const onDev = state.addresses.filter(
    (address, position) =>
      address.dev === dev &&
      address.family === family &&
      !address.attributes.includes('noprefixroute') &&
      !isSecondary(state, address, position),
  );
  if (
    onDev.some(
      (address) =>
        address.local !== gateway &&
        prefixContains({ family, address: address.local, prefixlen: address.prefixlen }, gateway),
    )
  )
    return true;
  return state.routes.some((route) => {
    if (route.family !== family || route.gateways.length > 0 || !route.devs.includes(dev)) return false;
    if (route.table !== table && route.table !== 'main') return false;
    const [network = '', length = '0'] = route.dst.split('/');
    return networkOf(gateway, Number(length)) === BigInt(`0x${network}`);
  });
}

export function applyRule(state: ModelState, verb: string, tokens: string[], family: 4 | 6): void {
  if (tokens[0] !== 'priority') fail('rule without priority');
  const priority = Number(tokens[1]);
  for (const [index, token] of tokens.entries()) {
    if ((token === 'iif' || token === 'oif') && !tokens[index + 1]) fail(`${token} without name`);
  }
  const spec = tokens.slice(2).join(' ');
  const index = state.rules.findIndex(
    (rule) => rule.family === family && rule.priority === priority && rule.spec === spec,
  );
  if (verb === 'del') {
    if (index < 0) fail(`no rule ${tokens.join(' ')}`);
    state.rules.splice(index, 1);
    return;
  }
  if (verb !== 'add') fail(`rule ${verb}`);
  if (index >= 0) fail(`rule exists ${tokens.join(' ')}`);
  let at = state.rules.length;
  for (let position = state.rules.length - 1; position >= 0; position--) {
    const rule = state.rules[position] as ModelState['rules'][number];
    if (rule.family === family && rule.priority > priority) at = position;
  }
  state.rules.splice(at, 0, { family, priority, spec });
}
