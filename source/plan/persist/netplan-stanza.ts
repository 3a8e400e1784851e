/**
 * The netplan stanzas of a migrated uplink: the bridge takes the uplink's layer-3 keys (DHCP or its
 * static addresses, routes, policy rules, nameservers) and the uplink keeps only what describes
 * the link itself (match, set-name, mtu, wakeonlan...) with DHCP off.
 *
 * The bridge gets the uplink's MAC so the DHCP server and ARP caches see the same host, and, under
 * networkd, the uplink's DHCP identity (`dhcp-identifier`, netplan-identity.ts): networkd sends a
 * DUID-based client identifier by default, and a server that binds leases by client id would hand
 * that another address (NetworkManager ignores this key). STP off and forward delay 0 make the port
 * forward at once.
 *
 * Under networkd the bridge is also `critical: true` (networkd's KeepConfiguration=yes, written by
 * netplan 0.106 as CriticalConnection=true): when networkd takes the bridge over at persist, the
 * address the cutover moved is a foreign one to it, and without KeepConfiguration it may drop it
 * before DHCP gets the same lease back; and a networkd restart (an upgrade) then leaves the DHCP
 * address in place instead of removing it on stop. The cost: an address whose lease really ends
 * stays until networkd gets a new one, which on a host carrying VMs is the safer side.
 */

import { addressBits } from '../../system/ip-math.js';
import type { PlanContext } from '../context.js';
import { isDefaultRoute } from '../route-spec.js';
import type { RuntimeConfig } from './runtime-config.js';

/** Keys that configure IP on a netplan device and therefore move from the uplink to the bridge. */
export const L3_KEYS = [
  'dhcp4',
  'dhcp6',
  'dhcp4-overrides',
  'dhcp6-overrides',
  'dhcp-identifier',
  'addresses',
  'gateway4',
  'gateway6',
  'routes',
  'routing-policy',
  'nameservers',
  'accept-ra',
  'ra-overrides',
  'ipv6-privacy',
  'ipv6-address-generation',
  'ipv6-address-token',
  'ipv6-mtu',
  'link-local',
  'critical',
] as const;

export type Stanza = Record<string, unknown>;

export function hasIpv4Config(stanza: Stanza): boolean {
  const truthy = (value: unknown) => value === true || value === 'true' || value === 'yes' || value === 'on';
  const addresses = Array.isArray(stanza.addresses) ? stanza.addresses : [];
  return truthy(stanza.dhcp4) || addresses.some((entry) => typeof entry === 'string' && !entry.includes(':'));
}

export function movedKeys(config: Stanza): Stanza {
  const moved: Stanza = {};
  for (const key of L3_KEYS) if (key in config) moved[key] = config[key];
  return moved;
}

export function bridgeStanza(
  context: PlanContext,
  options: { portId: string; networkd: boolean; l3: Stanza; renderer: unknown; identifier: 'mac' | 'duid' },
): Stanza {
  const { uplink } = context.target;
  const stanza: Stanza = { interfaces: [options.portId], macaddress: uplink.mac?.toLowerCase() };
  if (uplink.mtu !== 1500) stanza.mtu = uplink.mtu;
  if (options.renderer !== undefined) stanza.renderer = options.renderer;
  stanza.parameters = { stp: false, 'forward-delay': 0 };
  const { 'dhcp-identifier': _ignored, ...l3 } = options.l3;
  Object.assign(stanza, l3);
  if (options.networkd && (stanza.dhcp4 === true || stanza.dhcp6 === true))
    stanza['dhcp-identifier'] = options.identifier;
  if (options.networkd) stanza.critical = true;
  return stanza;
}

/** Netplan keys for the running config, when no netplan stanza describes the uplink yet. */
export function runtimeStanza(config: RuntimeConfig): Stanza {
  const stanza: Stanza = {};
  if (config.dhcp4) stanza.dhcp4 = true;
  if (config.autoconf6) stanza['accept-ra'] = true;
  if (config.addresses.length > 0) stanza.addresses = config.addresses;
  const routes: Stanza[] = [];
  for (const gateway of [config.gateway4, config.gateway6]) {
    if (!gateway) continue;
    routes.push({
      to: 'default',
      via: gateway.gateway,
      ...(gateway.metric !== null ? { metric: gateway.metric } : {}),
    });
  }
  for (const route of config.routes) {
    const entry: Stanza = { to: isDefaultRoute(route) ? 'default' : route.dst };
    if (!route.dst.includes('/') && route.dst !== 'default')
      entry.to = `${route.dst}/${addressBits(route.family)}`;
    if (route.gateway) entry.via = route.gateway;
    if (route.metric !== null) entry.metric = route.metric;
    if (route.table !== 'main') entry.table = Number(route.table);
    if (!route.gateway && route.scope === 'link') entry.scope = 'link';
    if (route.flags.includes('onlink')) entry['on-link'] = true;
    if (route.prefsrc) entry.from = route.prefsrc;
    routes.push(entry);
  }
  if (routes.length > 0) stanza.routes = routes;
  if (!config.dhcp4 && config.nameservers.length > 0) {
    stanza.nameservers = {
      addresses: config.nameservers,
      ...(config.search.length > 0 ? { search: config.search } : {}),
    };
  }
  return stanza;
}
