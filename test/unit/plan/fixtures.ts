/**
 * HostSnapshot fixtures for the planner, shaped like what the probe reports on real hosts. The base
 * is the original plan's host: an Ubuntu 24.04 VM under Proxmox (KVM), ens18 by DHCP through
 * netplan/networkd (cloud-init's 50-cloud-init.yaml), 198.51.100.240/24 via 198.51.100.1. Variants
 * change only what makes them different.
 */
import type {
  Address,
  DhcpClient,
  HostSnapshot,
  Link,
  NatRule,
  Route,
  Rule,
} from '../../../source/host/snapshot.js';

export const UPLINK_MAC = 'bc:24:11:5e:2a:01';
export const HOST_ADDRESS = '198.51.100.240';
export const GATEWAY = '198.51.100.1';
/**
 * What the hold's revert runs after removing the file on the base host (renderer-hold.ts
 * networkdHandBack): networkd reads its config again, and hears of ens18's link-local address again.
 */
export const NETWORKD_HAND_BACK = [
  { kind: 'exec', argv: ['networkctl', 'reload'] },
  {
    kind: 'exec',
    argv: ['ip', '-6', 'addr', 'replace', 'fe80::be24:11ff:fe5e:2a01/64', 'dev', 'ens18', 'scope', 'link'],
  },
] as const;
/** networkd's default client id: RFC 4361 ff + IAID + DUID-EN (as read from a lab networkd lease file). */
export const NETWORKD_CLIENT_ID = 'ff:ca:d8:30:2e:00:02:00:00:ab:11:00:33:bd:eb:f9:5e:19:2c';

export const CLOUD_INIT_NETPLAN = `# This file is generated from information provided by the datasource.  Changes
# to it will not persist across an instance reboot.  To disable cloud-init's
# network configuration capabilities, write a file
# /etc/cloud/cloud.cfg.d/99-disable-network-config.cfg with the following:
# network: {config: disabled}
network:
    ethernets:
        ens18:
            dhcp4: true
            match:
                macaddress: ${UPLINK_MAC}
            set-name: ens18
    version: 2
`;

export function link(name: string, fields: Partial<Link> = {}): Link {
  return {
    ifindex: 2,
    name,
    kind: null,
    tunType: null,
    mac: null,
    permanentMac: null,
    mtu: 1500,
    operstate: 'UP',
    flags: ['BROADCAST', 'MULTICAST', 'UP', 'LOWER_UP'],
    master: null,
    masterKind: null,
    parent: null,
    vlanId: null,
    wireless: false,
    driver: null,
    bridge: null,
    ...fields,
  };
}

export function address(ifname: string, cidr: string, fields: Partial<Address> = {}): Address {
  const [local = '', length = '32'] = cidr.split('/');
  const family = local.includes(':') ? 6 : 4;
  return {
    ifname,
    family,
    local,
    prefixlen: Number(length),
    scope: local.startsWith('fe80') ? 'link' : 'global',
    dynamic: false,
    validLft: null,
    preferredLft: null,
    broadcast: null,
    peer: null,
    label: family === 4 ? ifname : null,
    flags: [],
    ...fields,
  };
}

export function route(dst: string, fields: Partial<Route> = {}): Route {
  return {
    family: dst.includes(':') ? 6 : 4,
    table: 'main',
    dst,
    type: 'unicast',
    gateway: null,
    dev: 'ens18',
    metric: null,
    protocol: null,
    scope: null,
    prefsrc: null,
    flags: [],
    nexthops: [],
    ...fields,
  };
}

export function rule(family: 4 | 6, priority: number, fields: Rule['fields']): Rule {
  const iif = typeof fields.iif === 'string' ? fields.iif : null;
  const oif = typeof fields.oif === 'string' ? fields.oif : null;
  return { family, priority, fields: { src: 'all', ...fields }, iif, oif };
}

export function dhcpClient(pid: number, argv: string[], fields: Partial<DhcpClient> = {}): DhcpClient {
  const program = argv[0]?.endsWith('dhclient')
    ? 'dhclient'
    : argv[0]?.endsWith('dhcpcd')
      ? 'dhcpcd'
      : 'udhcpc';
  // Root's client by default, run from where Debian installs it (udhcpc is busybox's applet).
  const exe = program === 'udhcpc' ? '/bin/busybox' : `/sbin/${program}`;
  return {
    pid,
    program,
    argv,
    ifname: argv.at(-1) ?? null,
    sameNetns: true,
    uid: 0,
    euid: 0,
    exe,
    ...fields,
  } as DhcpClient;
}

export function natRule(fields: Partial<NatRule> = {}): NatRule {
  return {
    source: 'iptables',
    text: '-A POSTROUTING -s 203.0.113.0/24 -o ens18 -j MASQUERADE',
    table: 'nat',
    chain: 'POSTROUTING',
    spec: ['-s', '203.0.113.0/24', '-o', 'ens18', '-j', 'MASQUERADE'],
    handle: null,
    family: 'ip',
    bridge: null,
    position: 1,
    sourcePrefixes: ['203.0.113.0/24'],
    interfaces: ['ens18'],
    ...fields,
  };
}

/** Kernel-made entries every host has for lo and the uplink's own addresses. */
function kernelRoutes(): Route[] {
  return [
    route('127.0.0.0/8', {
      table: 'local',
      type: 'local',
      dev: 'lo',
      protocol: 'kernel',
      scope: 'host',
      prefsrc: '127.0.0.1',
    }),
    route(HOST_ADDRESS, {
      table: 'local',
      type: 'local',
      protocol: 'kernel',
      scope: 'host',
      prefsrc: HOST_ADDRESS,
    }),
    route('198.51.100.255', {
      table: 'local',
      type: 'broadcast',
      protocol: 'kernel',
      scope: 'link',
      prefsrc: HOST_ADDRESS,
    }),
    route('fe80::/64', { protocol: 'kernel', metric: 256 }),
    route('::1', { table: 'local', type: 'local', dev: 'lo', protocol: 'kernel', metric: 0 }),
    route('ff00::/8', { table: 'local', type: 'multicast', protocol: 'kernel', metric: 256 }),
  ];
}

export function defaultRules(): Rule[] {
  return [
    rule(4, 0, { table: 'local' }),
    rule(4, 32766, { table: 'main' }),
    rule(4, 32767, { table: 'default' }),
    rule(6, 0, { table: 'local' }),
    rule(6, 32766, { table: 'main' }),
  ];
}

export function baseSnapshot(): HostSnapshot {
  return {
    takenAt: '2025-06-01T10:00:00.000Z',
    hostname: 'fc-host',
    links: [
      link('lo', {
        ifindex: 1,
        mtu: 65536,
        flags: ['LOOPBACK', 'UP', 'LOWER_UP'],
        operstate: 'UNKNOWN',
        mac: '00:00:00:00:00:00',
      }),
      link('ens18', { ifindex: 2, mac: UPLINK_MAC, driver: 'virtio_net' }),
    ],
    addresses: [
      address('lo', '127.0.0.1/8', { scope: 'host', label: 'lo' }),
      address('lo', '::1/128', { scope: 'host' }),
      address('ens18', `${HOST_ADDRESS}/24`, {
        dynamic: true,
        validLft: 3456,
        preferredLft: 3456,
        broadcast: '198.51.100.255',
      }),
      address('ens18', 'fe80::be24:11ff:fe5e:2a01/64'),
    ],
    routes: [
      route('default', { gateway: GATEWAY, protocol: 'dhcp', prefsrc: HOST_ADDRESS, metric: 100 }),
      route('198.51.100.0/24', { protocol: 'kernel', scope: 'link', prefsrc: HOST_ADDRESS, metric: 100 }),
      route(GATEWAY, { protocol: 'dhcp', scope: 'link', prefsrc: HOST_ADDRESS, metric: 100 }),
      ...kernelRoutes(),
    ],
    rules: defaultRules(),
    defaultGateways: [{ family: 4, gateway: GATEWAY, dev: 'ens18', metric: 100, protocol: 'dhcp' }],
    dns: { nameservers: [GATEWAY], search: [], source: '/run/systemd/resolve/resolv.conf' },
    renderer: {
      owner: 'netplan',
      evidence: [],
      netplan: {
        files: [{ path: '/etc/netplan/50-cloud-init.yaml', content: CLOUD_INIT_NETPLAN, cloudInit: true }],
        renderer: 'networkd',
        uplinkConfig: null,
        uplinkFile: '/etc/netplan/50-cloud-init.yaml',
      },
      networkd: {
        available: true,
        links: {
          lo: { setupState: 'unmanaged', operationalState: 'carrier' },
          ens18: { setupState: 'configured', operationalState: 'routable' },
        },
      },
      networkManager: { available: false, running: false, devices: {} },
      ifupdown: { files: [], uplinkMethod: null },
      cloudInitNetwork: true,
    },
    dhcpClients: [],
    dhcpLeases: [
      {
        ifname: 'ens18',
        client: 'networkd',
        address: HOST_ADDRESS,
        clientId: NETWORKD_CLIENT_ID,
        source: 'lease-file',
        file: '/run/systemd/netif/leases/2',
        expiresAt: null,
      },
    ],
    virt: {
      kind: 'kvm',
      dmi: {
        sysVendor: 'QEMU',
        productName: 'Standard PC (i440FX + PIIX, 1996)',
        biosVendor: 'Proxmox distribution of EDK II',
      },
      cloud: null,
      hypervisorHint: 'Proxmox VE',
    },
    netfilter: {
      brNetfilterLoaded: false,
      bridgeNfCallIptables: null,
      bridgeNfCallIp6tables: null,
      forwardPolicy: 'ACCEPT',
      ipForward: false,
      natRules: [],
      iptablesAvailable: true,
      nftAvailable: true,
    },
    ssh: {
      clientAddr: '198.51.100.20',
      clientPort: 52514,
      serverAddr: HOST_ADDRESS,
      serverPort: 22,
      viaDev: 'ens18',
    },
    tools: { ip: true, nmcli: false, nft: true, 'iptables-save': true, networkctl: true, brctl: true },
    probes: [],
    isRoot: true,
    pendingMigration: null,
  };
}

/** A copy of the base snapshot changed by `change`. */
export function variant(
  change: (snapshot: HostSnapshot) => void,
  base: HostSnapshot = baseSnapshot(),
): HostSnapshot {
  const copy = structuredClone(base);
  change(copy);
  return copy;
}

export function uplinkOf(snapshot: HostSnapshot, name = 'ens18'): Link {
  const found = snapshot.links.find((candidate) => candidate.name === name);
  if (!found) throw new Error(`fixture has no link ${name}`);
  return found;
}

export const request = (fields: Partial<import('../../../source/plan/types.js').PlanRequest> = {}) => ({
  nic: null,
  bridge: 'fcbr0',
  timeoutSec: 120,
  persist: 'auto' as const,
  ...fields,
});
