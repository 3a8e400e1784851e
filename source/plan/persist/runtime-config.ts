/**
 * The uplink's layer-3 config as the running system shows it, for renderers whose current config
 * the snapshot does not hold (NetworkManager keyfiles) or that do not name the uplink yet: DHCP
 * when the kernel marks an IPv4 address dynamic, otherwise its static addresses, gateways and
 * routes; DNS as the host resolves today.
 */
import type { Address, Route } from '../../host/snapshot.js';
import type { PlanContext } from '../context.js';
import { isDefaultRoute } from '../route-spec.js';

export interface RuntimeConfig {
  dhcp4: boolean;
  /** IPv6 addresses came from router advertisements or DHCPv6. */
  autoconf6: boolean;
  /** Static addresses, "198.51.100.240/24", IPv4 first. */
  addresses: string[];
  gateway4: { gateway: string; metric: number | null } | null;
  gateway6: { gateway: string; metric: number | null } | null;
  /** Static routes other than the default ones. */
  routes: Route[];
  nameservers: string[];
  search: string[];
}

const LEARNED_PROTOCOLS = new Set(['dhcp', 'ra', 'kernel', 'redirect']);

export function runtimeConfig({ state, snapshot }: PlanContext): RuntimeConfig {
  const addresses = state.addresses.map((moved) => moved.address);
  const staticAddresses = (family: 4 | 6) =>
    addresses.filter((address) => address.family === family && !address.dynamic).map(cidr);
  const configured = state.routes.filter((route) => !LEARNED_PROTOCOLS.has(route.protocol ?? 'boot'));
  const gateway = (family: 4 | 6) => {
    const route = configured.find(
      (candidate) => candidate.family === family && candidate.table === 'main' && isDefaultRoute(candidate),
    );
    return route?.gateway ? { gateway: route.gateway, metric: route.metric } : null;
  };
  return {
    dhcp4: addresses.some((address) => address.family === 4 && address.dynamic),
    autoconf6: addresses.some((address) => address.family === 6 && address.dynamic),
    addresses: [...staticAddresses(4), ...staticAddresses(6)],
    gateway4: gateway(4),
    gateway6: gateway(6),
    routes: configured.filter((route) => !(route.table === 'main' && isDefaultRoute(route))),
    nameservers: snapshot.dns.nameservers,
    search: snapshot.dns.search,
  };
}

export function cidr(address: Address): string {
  return `${address.local}/${address.prefixlen}`;
}
