/**
 * Before/after pictures of the devices the migration touches: the uplink, the bridge and the
 * bridge's ports. The preview draws them; addresses are shown as CIDR, link-local ones left out.
 */
import type { HostSnapshot, Link } from '../host/snapshot.js';
import { leaseFor } from './lease-identity.js';
import { defaultRouteDevice } from './resolve.js';
import type { Topology, TopologyNode } from './types.js';
import { isMovable } from './uplink-state.js';

export function buildTopology(snapshot: HostSnapshot, nic: string, bridge: string): Topology {
  const addressesOf = (ifname: string) =>
    snapshot.addresses
      .filter((address) => address.ifname === ifname && isMovable(address))
      .map((a) => `${a.local}/${a.prefixlen}`);
  const defaultDev = defaultRouteDevice(snapshot.routes);
  const ports = snapshot.links.filter((link) => link.master === bridge && link.name !== nic);
  const portNode = (link: Link): TopologyNode => ({
    name: link.name,
    role: link.tunType === 'tap' ? 'tap' : 'port',
    addresses: addressesOf(link.name),
    master: bridge,
    defaultRoute: false,
  });
  const uplink = snapshot.links.find((link) => link.name === nic);
  const existing = snapshot.links.find((link) => link.name === bridge);
  // The operator sees with which identity the uplink's lease was obtained (and so will be renewed).
  const lease = leaseFor(snapshot, nic);

  const before: TopologyNode[] = [
    {
      name: nic,
      role: 'uplink',
      addresses: addressesOf(nic),
      master: uplink?.master ?? null,
      defaultRoute: defaultDev === nic,
      ...(lease ? { lease } : {}),
    },
  ];
  if (existing) {
    before.push({
      name: bridge,
      role: 'bridge',
      addresses: addressesOf(bridge),
      master: null,
      defaultRoute: defaultDev === bridge,
    });
  }
  before.push(...ports.map(portNode));

  const after: TopologyNode[] = [
    {
      name: bridge,
      role: 'bridge',
      addresses: addressesOf(nic),
      master: null,
      defaultRoute: defaultDev === nic || defaultDev === bridge,
    },
    { name: nic, role: 'port', addresses: [], master: bridge, defaultRoute: false },
    ...ports.map(portNode),
  ];
  return { before, after };
}
