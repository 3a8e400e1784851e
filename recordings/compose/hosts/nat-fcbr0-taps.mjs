/**
 * The original plan's NAT setup as it runs today, on TEST-NET addresses: an Ubuntu 24.04 VM under
 * Proxmox whose ens18 has its LAN address by DHCP (netplan + networkd), and fc-bridge-setup.sh's
 * work: bridge fcbr0 (made with `ip link add fcbr0 type bridge`, so STP off but the default 15 s
 * forward delay) holding 203.0.113.1/24 as the guests' gateway, two Firecracker TAPs as its ports
 * (one VM running, one stopped), ip_forward on, MASQUERADE for 203.0.113.0/24 out of ens18 and
 * FORWARD accept rules, all in iptables (nf_tables backend).
 */
import {
  addressEntry,
  bridgeInfo,
  bridgePortData,
  inet,
  inet6,
  ipJson,
  link,
  localTable4,
  localTable6,
  LOOPBACK_ADDRESSES,
  loopback,
  networkctlList,
  networkdLease,
  networkdLinkState,
  NOT_INSTALLED,
  psOutput,
  STANDARD_RULES4,
  STANDARD_RULES6,
  UBUNTU_STUB_RESOLV_CONF,
  UBUNTU_UPSTREAM_RESOLV_CONF,
} from '../tool-output.mjs';

const NETNS = '4026531840';
const MAC = 'bc:24:11:7e:21:4d';
const TAP0_MAC = 'd6:8e:4a:3c:91:07';
const TAP1_MAC = '8a:1f:c2:55:0e:6b';
// A bridge without an address of its own takes its lowest port MAC.
const BRIDGE_MAC = TAP1_MAC;

const lo = loopback();
const ens18 = link({
  ifindex: 2,
  ifname: 'ens18',
  mac: MAC,
  addrGenMode: 'none',
  parent: ['virtio', 'virtio1'],
  altnames: ['enp0s18'],
});
const fcbr0 = link({
  ifindex: 3,
  ifname: 'fcbr0',
  mac: BRIDGE_MAC,
  qdisc: 'noqueue',
  linkinfo: bridgeInfo({ mac: BRIDGE_MAC, stpState: 0, forwardDelay: 1500 }),
});
const tap = (ifindex, ifname, mac, running, portNo) =>
  link({
    ifindex,
    ifname,
    mac,
    master: 'fcbr0',
    flags: running ? ['BROADCAST', 'MULTICAST', 'UP', 'LOWER_UP'] : ['NO-CARRIER', 'BROADCAST', 'MULTICAST', 'UP'],
    // tun/tap does not report an operational state: UNKNOWN while a process holds it, DOWN without carrier.
    operstate: running ? 'UNKNOWN' : 'DOWN',
    promiscuity: 1,
    allmulti: 1,
    maxMtu: 65521,
    linkinfo: {
      info_kind: 'tun',
      info_data: { type: 'tap', pi: false, vnet_hdr: true, multi_queue: false, persist: true },
      info_slave_kind: 'bridge',
      info_slave_data: bridgePortData({
        state: running ? 'forwarding' : 'disabled',
        portNo: `0x${portNo}`,
        portId: `0x800${portNo}`,
        bridgeMac: BRIDGE_MAC,
      }),
    },
  });
const tap0 = tap(4, 'fc-tap0', TAP0_MAC, true, 1);
const tap1 = tap(5, 'fc-tap1', TAP1_MAC, false, 2);

const addresses = [
  addressEntry(lo, LOOPBACK_ADDRESSES),
  addressEntry(ens18, [
    inet({
      local: '198.51.100.240',
      prefixlen: 24,
      metric: 100,
      broadcast: '198.51.100.255',
      dynamic: true,
      label: 'ens18',
      valid: 71893,
    }),
    inet6({ local: 'fe80::be24:11ff:fe7e:214d' }),
  ]),
  addressEntry(fcbr0, [
    inet({ local: '203.0.113.1', prefixlen: 24, broadcast: '203.0.113.255', label: 'fcbr0' }),
    inet6({ local: 'fe80::881f:c2ff:fe55:e6b' }),
  ]),
  addressEntry(tap0, [inet6({ local: 'fe80::d48e:4aff:fe3c:9107' })]),
  addressEntry(tap1, []),
];

const routes4 = [
  { dst: 'default', gateway: '198.51.100.1', dev: 'ens18', protocol: 'dhcp', prefsrc: '198.51.100.240', metric: 100, flags: [] },
  { dst: '198.51.100.0/24', dev: 'ens18', protocol: 'kernel', scope: 'link', prefsrc: '198.51.100.240', metric: 100, flags: [] },
  { dst: '198.51.100.1', dev: 'ens18', protocol: 'dhcp', scope: 'link', prefsrc: '198.51.100.240', metric: 100, flags: [] },
  { dst: '203.0.113.0/24', dev: 'fcbr0', protocol: 'kernel', scope: 'link', prefsrc: '203.0.113.1', flags: [] },
  ...localTable4([
    { dev: 'ens18', local: '198.51.100.240', broadcast: '198.51.100.255' },
    { dev: 'fcbr0', local: '203.0.113.1', broadcast: '203.0.113.255' },
  ]),
];

const routes6 = [
  { dst: 'fe80::/64', dev: 'ens18', protocol: 'kernel', metric: 256, flags: [], pref: 'medium' },
  { dst: 'fe80::/64', dev: 'fcbr0', protocol: 'kernel', metric: 256, flags: [], pref: 'medium' },
  { dst: 'fe80::/64', dev: 'fc-tap0', protocol: 'kernel', metric: 256, flags: [], pref: 'medium' },
  ...localTable6({
    addresses: [
      ['fe80::881f:c2ff:fe55:e6b', 'fcbr0'],
      ['fe80::be24:11ff:fe7e:214d', 'ens18'],
      ['fe80::d48e:4aff:fe3c:9107', 'fc-tap0'],
    ],
    multicast: [['ens18'], ['fcbr0'], ['fc-tap0']],
  }),
];

const NETPLAN = `network:
  version: 2
  renderer: networkd
  ethernets:
    ens18:
      dhcp4: true
`;

const CLIENT = '198.51.100.50';
const CAPTURE = 'node /usr/local/bin/bridge-migrate capture -o fc-nat.json';

/**
 * networkd's record of the lease (its link state file names the lease file): netplan sets no
 * dhcp-identifier, so networkd sends its default RFC 4361 identity (IAID + DUID-EN).
 */
const LEASE_STATE = {
  '/run/systemd/netif/links/2': networkdLinkState({
    ifindex: 2,
    networkFile: '/run/systemd/network/10-netplan-ens18.network',
    duid: '0000ab1105d7e6c3921fa84e',
  }),
  '/run/systemd/netif/leases/2': networkdLease({
    address: '198.51.100.240',
    netmask: '255.255.255.0',
    router: '198.51.100.1',
    server: '198.51.100.1',
    broadcast: '198.51.100.255',
    lifetime: 86400,
    dns: ['198.51.100.1'],
    domain: 'lan',
    iaid: 'b46a92d1',
    duid: '0000ab1105d7e6c3921fa84e',
  }),
};

export default {
  description:
    "The original plan's current NAT setup, composed from the tools' documented output formats (iproute2 " +
    '6.1 JSON as captured on the build machine; iptables-save and nft output produced by loading these ' +
    'rules into a scratch namespace with iptables-nft 1.8.9 / nftables 1.0.6 on the build machine) with ' +
    'TEST-NET addresses: an Ubuntu 24.04 VM under Proxmox (kvm), ens18 198.51.100.240/24 by DHCP via ' +
    '198.51.100.1 from /etc/netplan/01-netcfg.yaml and systemd-networkd. fc-bridge-setup.sh made bridge ' +
    'fcbr0 (STP off, forward delay 15 s) with 203.0.113.1/24 as the guests\' gateway and two Firecracker ' +
    'TAPs as ports (fc-tap0 with its VM running, fc-tap1 with its VM stopped), set ip_forward=1, and added ' +
    '`-A POSTROUTING -s 203.0.113.0/24 -o ens18 -j MASQUERADE` and FORWARD accept rules between fcbr0 ' +
    'and ens18. Operator on SSH from 198.51.100.50. ps output abridged.',
  env: { uid: 0, sshConnection: `${CLIENT} 53370 198.51.100.240 22`, rootDir: '/' },
  firewallSavedAt: 'Sat Nov 28 11:58:02 2026',
  firewallRules: `*nat
:PREROUTING ACCEPT [0:0]
:INPUT ACCEPT [0:0]
:OUTPUT ACCEPT [0:0]
:POSTROUTING ACCEPT [0:0]
-A POSTROUTING -s 203.0.113.0/24 -o ens18 -j MASQUERADE
COMMIT
*filter
:INPUT ACCEPT [0:0]
:FORWARD ACCEPT [0:0]
:OUTPUT ACCEPT [0:0]
-A FORWARD -i fcbr0 -o ens18 -j ACCEPT
-A FORWARD -i ens18 -o fcbr0 -m state --state RELATED,ESTABLISHED -j ACCEPT
COMMIT
`,
  commands: {
    'ip -j -d link show': { stdout: ipJson([lo, ens18, fcbr0, tap0, tap1]) },
    'ip -j address show': { stdout: ipJson(addresses) },
    'ip -4 -j route show table all': { stdout: ipJson(routes4) },
    'ip -6 -j route show table all': { stdout: ipJson(routes6) },
    'ip -4 -j rule show': { stdout: STANDARD_RULES4 },
    'ip -6 -j rule show': { stdout: STANDARD_RULES6 },
    [`ip -j route get ${CLIENT}`]: {
      stdout: ipJson([{ dst: CLIENT, dev: 'ens18', prefsrc: '198.51.100.240', flags: [], uid: 0, cache: [] }]),
    },
    'networkctl list --no-legend --no-pager': {
      stdout: networkctlList([
        [1, 'lo', 'loopback', 'carrier', 'unmanaged'],
        [2, 'ens18', 'ether', 'routable', 'configured'],
        [3, 'fcbr0', 'bridge', 'routable', 'unmanaged'],
        [4, 'fc-tap0', 'ether', 'enslaved', 'unmanaged'],
        [5, 'fc-tap1', 'ether', 'no-carrier', 'unmanaged'],
      ]),
    },
    'nmcli -t -f DEVICE,TYPE,STATE,CONNECTION device': NOT_INSTALLED,
    'ps -eo pid=,netns=,args=': {
      stdout: psOutput([
        [1, NETNS, '/sbin/init'],
        [2, NETNS, '[kthreadd]'],
        [415, NETNS, '/usr/lib/systemd/systemd-journald'],
        [601, NETNS, '/usr/lib/systemd/systemd-networkd'],
        [615, NETNS, '/usr/lib/systemd/systemd-resolved'],
        [704, NETNS, '/usr/sbin/qemu-ga'],
        [758, NETNS, 'sshd: /usr/sbin/sshd -D [listener] 0 of 10-100 startups'],
        [1120, NETNS, '/opt/fc/bin/fc-agent --config /etc/fc/agent.toml'],
        [4471, NETNS, '/opt/fc/bin/firecracker --id vm-0001 --api-sock /run/fc/vm-0001.sock'],
        [5210, NETNS, 'sshd: ops [priv]'],
        [5288, NETNS, 'sshd: ops@pts/0'],
        [5289, NETNS, '-bash'],
        [5402, NETNS, `sudo ${CAPTURE}`],
        [5403, NETNS, CAPTURE],
        [5414, NETNS, 'ps -eo pid=,netns=,args='],
      ]),
    },
    'systemd-detect-virt': { stdout: 'kvm\n' },
  },
  files: {
    ...LEASE_STATE,
    '/proc/sys/kernel/hostname': 'fc-host\n',
    '/etc/resolv.conf': UBUNTU_STUB_RESOLV_CONF('lan'),
    '/run/systemd/resolve/resolv.conf': UBUNTU_UPSTREAM_RESOLV_CONF(['198.51.100.1'], 'lan'),
    '/etc/netplan/01-netcfg.yaml': NETPLAN,
    '/sys/class/dmi/id/sys_vendor': 'QEMU\n',
    '/sys/class/dmi/id/product_name': 'Standard PC (Q35 + ICH9, 2009)\n',
    '/sys/class/dmi/id/product_version': 'pc-q35-8.1\n',
    '/sys/class/dmi/id/bios_vendor': 'SeaBIOS\n',
    '/sys/class/dmi/id/bios_version': 'rel-1.16.3-0-ga6ed6b701f0a-prebuilt.qemu.org\n',
    '/sys/class/dmi/id/chassis_asset_tag': '\n',
    '/proc/sys/net/ipv4/ip_forward': '1\n',
  },
  dirs: {
    '/etc/netplan': ['01-netcfg.yaml'],
    '/lib/netplan': ['generate'],
  },
  links: {
    '/proc/self/ns/net': `net:[${NETNS}]`,
    '/sys/class/net/ens18/device/driver': '../../../../bus/virtio/drivers/virtio_net',
  },
};
