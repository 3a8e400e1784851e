/**
 * Host shapes the planner must handle, each a variant of the base fixture changing only what makes
 * it what it is. The verdict table and the step tests run over these.
 */
import type { HostSnapshot } from '../../../source/host/snapshot.js';
import {
  address,
  baseSnapshot,
  dhcpClient,
  GATEWAY,
  HOST_ADDRESS,
  link,
  natRule,
  route,
  UPLINK_MAC,
  uplinkOf,
  variant,
} from './fixtures.js';

export const noNetplan = (snapshot: HostSnapshot) => {
  snapshot.renderer.netplan.files = [];
  snapshot.renderer.netplan.uplinkFile = null;
  snapshot.renderer.cloudInitNetwork = false;
  snapshot.renderer.networkd = { available: false, links: {} };
};

function renameUplink(snapshot: HostSnapshot, name: string) {
  for (const item of snapshot.links) if (item.name === 'ens18') item.name = name;
  for (const item of snapshot.addresses) {
    if (item.ifname !== 'ens18') continue;
    item.ifname = name;
    if (item.label === 'ens18') item.label = name;
  }
  for (const item of snapshot.routes) if (item.dev === 'ens18') item.dev = name;
  for (const item of snapshot.defaultGateways) if (item.dev === 'ens18') item.dev = name;
}

export const wifiLaptop = () =>
  variant((s) => {
    noNetplan(s);
    renameUplink(s, 'wlp2s0');
    Object.assign(uplinkOf(s, 'wlp2s0'), { wireless: true, driver: 'iwlwifi' });
    s.renderer.networkManager = {
      available: true,
      running: true,
      devices: { wlp2s0: { type: 'wifi', state: 'connected', connection: 'HomeWifi' } },
    };
    s.virt = {
      kind: 'none',
      dmi: { sysVendor: 'LENOVO', productName: '20XW', biosVendor: 'LENOVO' },
      cloud: null,
      hypervisorHint: null,
    };
    s.ssh = null;
  });

export const bondUplink = () =>
  variant((s) => {
    Object.assign(uplinkOf(s), { kind: 'bond', driver: null });
    s.links.push(
      link('eno1', { ifindex: 3, mac: UPLINK_MAC, master: 'ens18', masterKind: 'bond', driver: 'e1000e' }),
    );
  });

export const vlanUplink = () =>
  variant((s) => {
    Object.assign(uplinkOf(s), { kind: 'vlan', parent: 'eno1', vlanId: 42, driver: null });
    s.links.push(link('eno1', { ifindex: 3, mac: UPLINK_MAC, driver: 'e1000e' }));
  });

/** The uplink is already a port of a bridge someone made by hand. */
export const uplinkInBridge = () =>
  variant((s) => {
    Object.assign(uplinkOf(s), { master: 'br0', masterKind: 'bridge' });
    s.links.push(
      link('br0', {
        ifindex: 5,
        kind: 'bridge',
        mac: UPLINK_MAC,
        bridge: { stpState: 0, forwardDelay: 1500 },
      }),
    );
  });

/** fcbr0 exists with a non-TAP port besides the TAPs. */
export const bridgeWithPorts = () =>
  variant((s) => {
    s.links.push(
      link('fcbr0', {
        ifindex: 6,
        kind: 'bridge',
        mac: '02:00:00:00:00:06',
        bridge: { stpState: 0, forwardDelay: 0 },
      }),
      link('tap0', {
        ifindex: 7,
        kind: 'tun',
        tunType: 'tap',
        mac: '02:fc:00:00:00:01',
        master: 'fcbr0',
        masterKind: 'bridge',
      }),
      link('veth-lab', {
        ifindex: 8,
        kind: 'veth',
        mac: '02:00:00:00:00:08',
        master: 'fcbr0',
        masterKind: 'bridge',
      }),
    );
  });

export const ec2Instance = () =>
  variant((s) => {
    noNetplan(s);
    s.virt = {
      kind: 'amazon',
      dmi: { sysVendor: 'Amazon EC2', productName: 't3.medium', biosVendor: 'Amazon EC2' },
      cloud: 'aws',
      hypervisorHint: null,
    };
  });

export const dockerHost = () =>
  variant((s) => {
    s.netfilter = {
      ...s.netfilter,
      brNetfilterLoaded: true,
      bridgeNfCallIptables: true,
      bridgeNfCallIp6tables: true,
      forwardPolicy: 'DROP',
      ipForward: true,
    };
    s.links.push(
      link('docker0', {
        ifindex: 4,
        kind: 'bridge',
        mac: '02:42:ac:11:00:01',
        flags: ['NO-CARRIER', 'BROADCAST', 'MULTICAST', 'UP'],
      }),
    );
  });

/** A server whose ens18 is managed by NetworkManager (static address, no netplan). */
export const networkManagerServer = () =>
  variant((s) => {
    noNetplan(s);
    const own = s.addresses.find((a) => a.local === HOST_ADDRESS);
    Object.assign(own ?? {}, { dynamic: false, validLft: null, preferredLft: null });
    for (const r of s.routes) if (r.protocol === 'dhcp') r.protocol = 'static';
    s.routes = s.routes.filter((r) => r.dst !== GATEWAY);
    s.renderer.networkManager = {
      available: true,
      running: true,
      devices: { ens18: { type: 'ethernet', state: 'connected', connection: 'Wired connection 1' } },
    };
    s.dns = { nameservers: ['198.51.100.53'], search: ['lab.example'], source: '/etc/resolv.conf' };
  });

export const INTERFACES_DHCP = `# This file describes the network interfaces available on your system
# and how to activate them. For more information, see interfaces(5).

source /etc/network/interfaces.d/*

# The loopback network interface
auto lo
iface lo inet loopback

# The primary network interface
allow-hotplug ens18
iface ens18 inet dhcp
`;

/** Debian 12 with ifupdown and dhclient on ens18. */
export const ifupdownDhclient = () =>
  variant((s) => {
    noNetplan(s);
    s.renderer.ifupdown = {
      files: [{ path: '/etc/network/interfaces', content: INTERFACES_DHCP }],
      uplinkMethod: 'dhcp',
    };
    s.dhcpClients = [
      dhcpClient(612, [
        '/sbin/dhclient',
        '-4',
        '-v',
        '-i',
        '-pf',
        '/run/dhclient.ens18.pid',
        '-lf',
        '/var/lib/dhcp/dhclient.ens18.leases',
        '-I',
        '-df',
        '/var/lib/dhcp/dhclient6.ens18.leases',
        'ens18',
      ]),
    ];
    // The base host's lease record is networkd's; this host's lease is dhclient's, whose file names no id.
    s.dhcpLeases = [];
    s.routes = s.routes.filter((r) => r.dst !== GATEWAY);
    for (const r of s.routes) if (r.metric === 100) r.metric = null;
    s.virt = {
      kind: 'none',
      dmi: { sysVendor: 'Dell Inc.', productName: 'PowerEdge R240', biosVendor: 'Dell Inc.' },
      cloud: null,
      hypervisorHint: null,
    };
  });

/** The original plan's current setup: fcbr0 with a gateway address, MASQUERADE, and two TAPs. */
export const natSetup = () =>
  variant((s) => {
    s.links.push(
      link('fcbr0', {
        ifindex: 6,
        kind: 'bridge',
        mac: '02:5a:00:00:00:06',
        bridge: { stpState: 0, forwardDelay: 1500 },
      }),
      link('tap0', {
        ifindex: 7,
        kind: 'tun',
        tunType: 'tap',
        mac: '02:fc:00:00:00:01',
        master: 'fcbr0',
        masterKind: 'bridge',
      }),
      link('tap1', {
        ifindex: 8,
        kind: 'tun',
        tunType: 'tap',
        mac: '02:fc:00:00:00:02',
        master: 'fcbr0',
        masterKind: 'bridge',
      }),
    );
    s.addresses.push(address('fcbr0', '203.0.113.1/24', { broadcast: '203.0.113.255' }));
    s.routes.push(
      route('203.0.113.0/24', { dev: 'fcbr0', protocol: 'kernel', scope: 'link', prefsrc: '203.0.113.1' }),
    );
    s.netfilter = {
      ...s.netfilter,
      ipForward: true,
      natRules: [
        natRule(),
        natRule({
          source: 'nftables',
          text: 'ip saddr 203.0.113.0/24 oifname "ens18" masquerade',
          table: 'fcnat',
          chain: 'postrouting',
          spec: [],
          handle: 4,
          family: 'ip',
          position: 2,
        }),
      ],
    };
  });

/** Static host: two addresses in one subnet and one in another, an extra route, MTU 9000. */
export const staticMulti = () =>
  variant((s) => {
    uplinkOf(s).mtu = 9000;
    s.addresses = s.addresses.filter((a) => a.ifname !== 'ens18' || a.scope === 'link');
    s.addresses.push(
      address('ens18', `${HOST_ADDRESS}/24`, { broadcast: '198.51.100.255' }),
      address('ens18', '198.51.100.241/24', {
        broadcast: '198.51.100.255',
        flags: ['secondary'],
        label: 'ens18:1',
      }),
      address('ens18', '203.0.113.9/28', { broadcast: '203.0.113.15' }),
    );
    s.routes = s.routes.filter((r) => r.dev !== 'ens18' || r.table === 'local' || r.family === 6);
    s.routes.push(
      route('198.51.100.0/24', { protocol: 'kernel', scope: 'link', prefsrc: HOST_ADDRESS }),
      route('203.0.113.0/28', { protocol: 'kernel', scope: 'link', prefsrc: '203.0.113.9' }),
      route('default', { gateway: GATEWAY, protocol: 'static', metric: 10 }),
      route('192.0.2.0/24', { gateway: '203.0.113.14', protocol: 'static', metric: 50, table: '100' }),
    );
    s.renderer.netplan.files = [
      {
        path: '/etc/netplan/01-static.yaml',
        content: `# static uplink, kept by hand
network:
  version: 2
  renderer: networkd
  ethernets:
    ens18:
      mtu: 9000
      addresses:
        - ${HOST_ADDRESS}/24
        - 198.51.100.241/24
        - 203.0.113.9/28
      routes:
        - to: default
          via: ${GATEWAY}
          metric: 10
        - to: 192.0.2.0/24
          via: 203.0.113.14
          metric: 50
          table: 100
      nameservers:
        addresses: [${GATEWAY}]
`,
        cloudInit: false,
      },
    ];
    s.renderer.cloudInitNetwork = false;
  });

/** IPv6 by SLAAC on the uplink next to DHCPv4, with the RA default route. */
export const slaacHost = () =>
  variant((s) => {
    s.addresses.push(
      address('ens18', '2001:db8:18::be24:11ff:fe5e:2a01/64', {
        dynamic: true,
        validLft: 86400,
        preferredLft: 14400,
        flags: ['mngtmpaddr', 'noprefixroute'],
      }),
      address('ens18', '2001:db8:18::5c1e:77aa:1:2/64', {
        dynamic: true,
        validLft: 86400,
        preferredLft: 3600,
        flags: ['temporary'],
      }),
    );
    s.routes.push(
      route('2001:db8:18::/64', { protocol: 'ra', metric: 100, flags: [] }),
      route('default', { family: 6, gateway: 'fe80::1', protocol: 'ra', metric: 100 }),
    );
  });

export { baseSnapshot };
