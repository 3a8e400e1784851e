import { checkedName } from '../plan/names.js';
import { expectSuccess, type Runner } from '../system/runner.js';
import { LAN } from './dhcp.js';
import type { LabNames, VmNames } from './names.js';
import type { StaticRoute, StaticRule } from './types.js';

/**
 * The lab's wiring, as `ip` commands. Every veth is created from inside a lab namespace with its
 * peer placed straight into another lab namespace (`peer name X netns NS`), so no device of the
 * lab ever exists, even for a moment, in the machine's own namespace.
 */
export interface Wiring {
  ip(ns: string, ...args: string[]): Promise<void>;
}

export function createWiring(runner: Runner): Wiring {
  return {
    async ip(ns, ...args) {
      expectSuccess(await runner.run(['ip', '-n', ns, ...args]));
    },
  };
}

function mtuArgs(mtu: number | null): string[] {
  return mtu === null ? [] : ['mtu', String(mtu)];
}

/** Router: the `lan` bridge (STP off, no forward delay) holding the gateway address. */
export async function buildRouter(wiring: Wiring, names: LabNames, mtu: number | null): Promise<void> {
  const { routerNs, switchBridge } = names;
  await wiring.ip(routerNs, 'link', 'set', 'lo', 'up');
  await wiring.ip(
    routerNs,
    'link',
    'add',
    switchBridge,
    ...mtuArgs(mtu),
    'type',
    'bridge',
    'stp_state',
    '0',
    'forward_delay',
    '0',
  );
  await wiring.ip(routerNs, 'addr', 'add', `${LAN.gateway}/${LAN.prefixLength}`, 'dev', switchBridge);
  await wiring.ip(routerNs, 'link', 'set', switchBridge, 'up');
}

/** A veth from the switch to a namespace on the LAN; the far end gets `farName` (and `mac`). */
export async function plugIntoSwitch(
  wiring: Wiring,
  names: LabNames,
  port: string,
  farNs: string,
  farName: string,
  options: { mtu: number | null; mac?: string },
): Promise<void> {
  const { routerNs, switchBridge } = names;
  const farMac = options.mac ? ['address', options.mac] : [];
  await wiring.ip(
    routerNs,
    'link',
    'add',
    checkedName(port),
    ...mtuArgs(options.mtu),
    'type',
    'veth',
    'peer',
    'name',
    checkedName(farName),
    'netns',
    farNs,
    ...farMac,
    ...mtuArgs(options.mtu),
  );
  await wiring.ip(routerNs, 'link', 'set', port, 'master', switchBridge);
  await wiring.ip(routerNs, 'link', 'set', port, 'up');
  // The bridge follows its ports' MTU only until one is set on it; set it so the switch carries it.
  if (options.mtu !== null)
    await wiring.ip(routerNs, 'link', 'set', switchBridge, 'mtu', String(options.mtu));
}

/** The peer (the operator's laptop): a fixed address on the LAN and the router as gateway. */
export async function buildPeer(wiring: Wiring, names: LabNames): Promise<void> {
  const { peerNs, peerLink } = names;
  await wiring.ip(peerNs, 'link', 'set', 'lo', 'up');
  await wiring.ip(peerNs, 'addr', 'add', `${LAN.peer}/${LAN.prefixLength}`, 'dev', peerLink);
  await wiring.ip(peerNs, 'link', 'set', peerLink, 'up');
  await wiring.ip(peerNs, 'route', 'add', 'default', 'via', LAN.gateway, 'dev', peerLink);
}

export async function bringUpHostLinks(wiring: Wiring, hostNs: string, uplink: string): Promise<void> {
  await wiring.ip(hostNs, 'link', 'set', 'lo', 'up');
  await wiring.ip(hostNs, 'link', 'set', uplink, 'up');
}

/** A statically configured host: addresses in order, then the default route, routes and rules. */
export async function configureStaticHost(
  wiring: Wiring,
  hostNs: string,
  uplink: string,
  config: { addresses: string[]; gateway: string | null; routes: StaticRoute[]; rules: StaticRule[] },
): Promise<void> {
  for (const address of config.addresses) await wiring.ip(hostNs, 'addr', 'add', address, 'dev', uplink);
  if (config.gateway !== null)
    await wiring.ip(hostNs, 'route', 'add', 'default', 'via', config.gateway, 'dev', uplink);
  for (const route of config.routes) {
    await wiring.ip(
      hostNs,
      'route',
      'add',
      route.to,
      ...(route.via ? ['via', route.via] : []),
      'dev',
      uplink,
      ...(route.metric !== undefined ? ['metric', String(route.metric)] : []),
      ...(route.table !== undefined ? ['table', String(route.table)] : []),
    );
  }
  for (const rule of config.rules) {
    await wiring.ip(
      hostNs,
      '-4',
      'rule',
      'add',
      'priority',
      String(rule.priority),
      ...(rule.from ? ['from', rule.from] : []),
      ...(rule.to ? ['to', rule.to] : []),
      ...(rule.iif ? ['iif', checkedName(rule.iif)] : []),
      ...(rule.oif ? ['oif', checkedName(rule.oif)] : []),
      'table',
      String(rule.table),
    );
  }
}

/** A VM: its NIC in its own namespace, the other end left up in the host namespace like a TAP. */
export async function buildVm(
  wiring: Wiring,
  hostNs: string,
  vm: VmNames,
  mtu: number | null,
): Promise<void> {
  await wiring.ip(vm.ns, 'link', 'set', 'lo', 'up');
  await wiring.ip(
    vm.ns,
    'link',
    'add',
    vm.guestLink,
    ...mtuArgs(mtu),
    'type',
    'veth',
    'peer',
    'name',
    vm.hostLink,
    'netns',
    hostNs,
    ...mtuArgs(mtu),
  );
  await wiring.ip(vm.ns, 'link', 'set', vm.guestLink, 'up');
  await wiring.ip(hostNs, 'link', 'set', vm.hostLink, 'up');
}
