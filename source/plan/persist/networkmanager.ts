/**
 * NetworkManager persistence: two keyfiles (nm-settings-keyfile(5)) in
 * /etc/NetworkManager/system-connections: a bridge profile with the uplink's MAC and the uplink's
 * IP config as it runs now, and a bridge-port profile for the uplink. The port profile has a
 * higher autoconnect-priority than any default profile, so at boot NetworkManager picks it over
 * the profile the uplink uses today, which stays on disk untouched. NetworkManager reads keyfiles
 * only when they are root-owned and mode 0600 (the writer's job).
 */
import { createHash } from 'node:crypto';
import { addressBits } from '../../system/ip-math.js';
import type { PlanContext } from '../context.js';
import { leaseFor } from '../lease-identity.js';
import { movedDhcpRouteMetric } from '../route-spec.js';
import type { ConfigFile } from '../types.js';
import { configFile } from './diff.js';
import { isNmClientId } from './nm-dhcp-identity.js';
import { type RuntimeConfig, runtimeConfig } from './runtime-config.js';

export const NM_DIR = '/etc/NetworkManager/system-connections';
const PORT_PRIORITY = 100;

export function networkManagerConfig(context: PlanContext): ConfigFile[] {
  const { nic, bridge, uplink } = context.target;
  const host = context.snapshot.hostname ?? 'host';
  const bridgeUuid = stableUuid(`${host}/${bridge}`);
  const portUuid = stableUuid(`${host}/${bridge}/${nic}`);
  const mac = uplink.mac?.toLowerCase() ?? '';
  const config = runtimeConfig(context);
  const clientId = leaseFor(context.snapshot, nic)?.clientId ?? null;

  const bridgeFile = keyfile([
    [
      'connection',
      [
        ['id', bridge],
        ['uuid', bridgeUuid],
        ['type', 'bridge'],
        ['interface-name', bridge],
        ['autoconnect', 'true'],
      ],
    ],
    [
      'ethernet',
      [
        ['cloned-mac-address', mac],
        ...(uplink.mtu !== 1500 ? [['mtu', String(uplink.mtu)] as [string, string]] : []),
      ],
    ],
    [
      'bridge',
      [
        ['mac-address', mac],
        ['stp', 'false'],
        ['forward-delay', '0'],
      ],
    ],
    [
      'ipv4',
      ipv4Settings(
        config,
        clientId !== null && isNmClientId(clientId) ? clientId : 'mac',
        movedDhcpRouteMetric(context.state.routes),
      ),
    ],
    ['ipv6', ipv6Settings(config)],
  ]);
  const portFile = keyfile([
    [
      'connection',
      [
        ['id', `${bridge}-port-${nic}`],
        ['uuid', portUuid],
        ['type', 'ethernet'],
        ['interface-name', nic],
        ['master', bridgeUuid],
        ['slave-type', 'bridge'],
        ['autoconnect', 'true'],
        ['autoconnect-priority', String(PORT_PRIORITY)],
      ],
    ],
    ['ethernet', uplink.mtu !== 1500 ? [['mtu', String(uplink.mtu)]] : []],
  ]);
  return [
    configFile(
      `${NM_DIR}/${bridge}.nmconnection`,
      'networkmanager',
      null,
      bridgeFile,
      `Bridge ${bridge} with ${nic}'s MAC and IP config.`,
    ),
    configFile(
      `${NM_DIR}/${bridge}-port-${nic}.nmconnection`,
      'networkmanager',
      null,
      portFile,
      `${nic} as a port of ${bridge}; its priority makes NetworkManager prefer it over ${nic}'s current profile.`,
    ),
  ];
}

type Section = [string, Array<[string, string]>];

function keyfile(sections: Section[]): string {
  return `${sections
    .map(([name, entries]) => [`[${name}]`, ...entries.map(([key, value]) => `${key}=${value}`)].join('\n'))
    .join('\n\n')}\n`;
}

function ipv4Settings(
  config: RuntimeConfig,
  clientId: string,
  dhcpMetric: number | null,
): Array<[string, string]> {
  const v4 = config.addresses.filter((address) => !address.includes(':'));
  if (config.dhcp4 || v4.length === 0) {
    // The uplink lease's client id (nm-dhcp-identity.ts), else the MAC-based one, asks the DHCP
    // server for the lease the uplink had.
    return [
      ['method', 'auto'],
      ['dhcp-client-id', clientId],
      // The uplink's routes had this metric (NM's ethernet default, 100, where a bridge gets 425);
      // the window's in-memory profile uses it too (steps/keep-lease-nm.ts).
      ...(dhcpMetric === null ? [] : [['route-metric', String(dhcpMetric)] as [string, string]]),
    ];
  }
  const settings: Array<[string, string]> = [['method', 'manual']];
  v4.forEach((address, index) => {
    settings.push([
      `address${index + 1}`,
      index === 0 && config.gateway4 ? `${address},${config.gateway4.gateway}` : address,
    ]);
  });
  if (config.gateway4?.metric !== null && config.gateway4?.metric !== undefined) {
    settings.push(['route-metric', String(config.gateway4.metric)]);
  }
  for (const [index, route] of routeSettings(config, 4).entries())
    settings.push([`route${index + 1}`, route]);
  const dns = config.nameservers.filter((server) => !server.includes(':'));
  if (dns.length > 0) settings.push(['dns', `${dns.join(';')};`]);
  if (config.search.length > 0) settings.push(['dns-search', `${config.search.join(';')};`]);
  return settings;
}

function ipv6Settings(config: RuntimeConfig): Array<[string, string]> {
  const v6 = config.addresses.filter((address) => address.includes(':'));
  if (v6.length > 0) {
    const settings: Array<[string, string]> = [['method', 'manual']];
    for (const [index, address] of v6.entries()) {
      settings.push([
        `address${index + 1}`,
        index === 0 && config.gateway6 ? `${address},${config.gateway6.gateway}` : address,
      ]);
    }
    for (const [index, route] of routeSettings(config, 6).entries())
      settings.push([`route${index + 1}`, route]);
    return settings;
  }
  return [['method', config.autoconf6 ? 'auto' : 'ignore']];
}

/** keyfile routes: "DEST/PLEN,GATEWAY,METRIC" (nm-settings-keyfile(5)). */
function routeSettings(config: RuntimeConfig, family: 4 | 6): string[] {
  return config.routes
    .filter((route) => route.family === family && route.table === 'main')
    .map((route) => {
      const dest = route.dst.includes('/') ? route.dst : `${route.dst}/${addressBits(family)}`;
      const parts = [dest];
      if (route.gateway || route.metric !== null)
        parts.push(route.gateway ?? (family === 4 ? '0.0.0.0' : '::'));
      if (route.metric !== null) parts.push(String(route.metric));
      return parts.join(',');
    });
}

/** A UUID derived from the names (SHA-1, version 5 layout), so planning twice gives the same files. */
export function stableUuid(seed: string): string {
  const hex = createHash('sha1').update(`bridge-migrate:${seed}`).digest('hex').slice(0, 32).split('');
  hex[12] = '5';
  hex[16] = ((Number.parseInt(hex[16] as string, 16) & 0x3) | 0x8).toString(16);
  const text = hex.join('');
  return `${text.slice(0, 8)}-${text.slice(8, 12)}-${text.slice(12, 16)}-${text.slice(16, 20)}-${text.slice(20)}`;
}
