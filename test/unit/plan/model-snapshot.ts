/**
 * Building a kernel model from a snapshot and comparing model states. The starting state takes the
 * snapshot's addresses, routes and rules as the planner's own argument builders would write them,
 * so a state restored by the plan's inverse compares equal to it.
 */
import type { HostSnapshot } from '../../../source/host/snapshot.js';
import { addressAddArgs, addressRoutePriority } from '../../../source/plan/address-spec.js';
import { routeArgs } from '../../../source/plan/route-spec.js';
import { ruleArgs } from '../../../source/plan/rule-spec.js';
import { networkOf, parsePrefix } from '../../../source/system/ip-math.js';
import { parseAddressAdd, parseRoute } from './ip-line-parse.js';
import { type ModelState, routeKey, toModelAddress } from './kernel-model.js';

export function modelFromSnapshot(snapshot: HostSnapshot): ModelState {
  const state: ModelState = {
    links: new Map(
      snapshot.links.map((link) => [
        link.name,
        {
          master: link.master,
          up: link.flags.includes('UP'),
          mac: link.mac,
          mtu: link.mtu,
          bridge: link.kind === 'bridge',
        },
      ]),
    ),
    addresses: [],
    routes: [],
    rules: [],
    chains: new Map(),
    processes: new Map(
      snapshot.dhcpClients.map((client) => [String(client.pid), JSON.stringify(client.argv)]),
    ),
  };
  for (const address of snapshot.addresses) {
    // The snapshot's own addresses carry lifetimes as the kernel shows them; the model keeps what
    // `addr add` would set, so re-added addresses compare equal.
    state.addresses.push(
      toModelAddress(
        address.ifname,
        address.family,
        address.local,
        address.prefixlen,
        address.peer,
        attributesOf(snapshot, address),
      ),
    );
  }
  for (const route of snapshot.routes) {
    if (route.table === 'local' || madeByAnAddress(snapshot, route)) continue;
    state.routes.push(parseRoute(routeArgs(route, (name) => name)));
  }
  for (const rule of snapshot.rules)
    state.rules.push({
      family: rule.family,
      priority: rule.priority,
      spec: ruleArgs(rule, (name) => name)
        .slice(2)
        .join(' '),
    });
  for (const rule of [...snapshot.netfilter.natRules].sort((a, b) => (a.position ?? 0) - (b.position ?? 0))) {
    const key = `${rule.source} ${rule.family} ${rule.table} ${rule.chain}`;
    const chain = state.chains.get(key) ?? [];
    chain.push(rule.source === 'iptables' ? rule.spec.join(' ') : `${rule.text}#${rule.handle}`);
    state.chains.set(key, chain);
  }
  return state;
}

/**
 * The model derives prefix routes from addresses (see kernel-model.ts), so only a kernel route no
 * address makes is stored: one for the subnet of a noprefixroute address, added by its owner
 * (NetworkManager adds "proto kernel metric 100" itself), or in another table.
 */
function madeByAnAddress(snapshot: HostSnapshot, route: HostSnapshot['routes'][number]): boolean {
  if (route.protocol !== 'kernel' || route.table !== 'main') return false;
  const destination = parsePrefix(route.dst, route.family);
  return snapshot.addresses.some(
    (address) =>
      address.ifname === route.dev &&
      address.family === route.family &&
      !address.flags.includes('noprefixroute') &&
      !address.flags.includes('secondary') &&
      destination !== null &&
      destination.prefixlen === address.prefixlen &&
      networkOf(destination.address, destination.prefixlen) === networkOf(address.local, address.prefixlen),
  );
}

function attributesOf(snapshot: HostSnapshot, address: HostSnapshot['addresses'][number]): string[] {
  const args = addressAddArgs(address, {
    dev: address.ifname,
    label: address.label && address.label !== address.ifname ? address.label : null,
    metric: addressRoutePriority(snapshot, address),
  });
  return parseAddressAdd(args.slice(2)).attributes;
}

/**
 * A comparable view of the state: NAT rule handles are not restorable and are left out. Address
 * order matters within a device and family (IPv4 primaries come first); IPv6 order is compared
 * only when asked, since addresses the plan leaves in place (temporary ones) keep their position
 * while the restored ones come back ahead of them.
 */
export function canonical(state: ModelState, options: { ipv6Order: boolean } = { ipv6Order: true }): unknown {
  const addresses = [...state.addresses].sort(
    (a, b) =>
      a.dev.localeCompare(b.dev) ||
      a.family - b.family ||
      (a.family === 6 && !options.ipv6Order ? a.local.localeCompare(b.local) : 0),
  );
  return {
    links: [...state.links.entries()].sort(([a], [b]) => a.localeCompare(b)),
    addresses,
    routes: state.routes
      .map((route) => `${routeKey(route)} ${route.attributes.join(' ')} ${route.onlink}`)
      .sort(),
    rules: state.rules,
    chains: [...state.chains.entries()]
      .map(([key, rules]) => [key, rules.map((rule) => rule.replace(/#\S+$/, ''))])
      .sort(),
    processes: [...state.processes.values()].sort(),
  };
}
