/**
 * A Proxmox VE 8 host itself (Debian 12 with ifupdown2): the NIC eno1 is already the port of vmbr0,
 * which holds the static address and the default route, with two VMs' TAPs on it. The default
 * uplink is therefore vmbr0, a bridge; asking for eno1 finds a port that already has a master.
 */
import {
  addressEntry,
  bridgeInfo,
  bridgePortData,
  emptyNftRuleset,
  inet,
  inet6,
  ipJson,
  link,
  localTable4,
  localTable6,
  LOOPBACK_ADDRESSES,
  loopback,
  NFT_1_0_6,
  networkctlList,
  NOT_INSTALLED,
  psOutput,
  STANDARD_RULES4,
  STANDARD_RULES6,
} from '../tool-output.mjs';

const NETNS = '4026531840';
const MAC = '3c:ec:ef:8a:10:5c';
const LINK_LOCAL = 'fe80::3eec:efff:fe8a:105c';

const lo = loopback();
const eno1 = link({
  ifindex: 2,
  ifname: 'eno1',
  mac: MAC,
  qdisc: 'mq',
  master: 'vmbr0',
  maxMtu: 9216,
  queues: [8, 8],
  linkinfo: {
    info_slave_kind: 'bridge',
    info_slave_data: bridgePortData({ portNo: '0x1', portId: '0x8001', bridgeMac: MAC }),
  },
  parent: ['pci', '0000:03:00.0'],
  altnames: ['enp3s0f0'],
});
const eno2 = link({
  ifindex: 3,
  ifname: 'eno2',
  mac: '3c:ec:ef:8a:10:5d',
  flags: ['BROADCAST', 'MULTICAST'],
  qdisc: 'noop',
  operstate: 'DOWN',
  maxMtu: 9216,
  queues: [8, 8],
  parent: ['pci', '0000:03:00.1'],
  altnames: ['enp3s0f1'],
});
const vmbr0 = link({
  ifindex: 4,
  ifname: 'vmbr0',
  mac: MAC,
  qdisc: 'noqueue',
  linkinfo: bridgeInfo({ mac: MAC, stpState: 0, forwardDelay: 0 }),
});
const tap = (ifindex, ifname, mac, portNo) =>
  link({
    ifindex,
    ifname,
    mac,
    master: 'vmbr0',
    qdisc: 'pfifo_fast',
    flags: ['BROADCAST', 'MULTICAST', 'PROMISC', 'UP', 'LOWER_UP'],
    operstate: 'UNKNOWN',
    promiscuity: 1,
    allmulti: 1,
    maxMtu: 65521,
    linkinfo: {
      info_kind: 'tun',
      info_data: { type: 'tap', pi: false, vnet_hdr: true, multi_queue: false, persist: false },
      info_slave_kind: 'bridge',
      info_slave_data: bridgePortData({ portNo: `0x${portNo}`, portId: `0x800${portNo}`, bridgeMac: MAC }),
    },
  });
const tap100 = tap(5, 'tap100i0', 'ca:51:0e:7d:3a:12', 2);
const tap101 = tap(6, 'tap101i0', 'f2:9c:48:e1:05:b7', 3);

const addresses = [
  addressEntry(lo, LOOPBACK_ADDRESSES),
  addressEntry(eno1, []),
  addressEntry(eno2, []),
  addressEntry(vmbr0, [
    inet({ local: '198.51.100.10', prefixlen: 24, scope: 'global', label: 'vmbr0' }),
    inet6({ local: LINK_LOCAL }),
  ]),
  addressEntry(tap100, []),
  addressEntry(tap101, []),
];

const routes4 = [
  { dst: 'default', gateway: '198.51.100.1', dev: 'vmbr0', protocol: 'kernel', onlink: true, flags: ['onlink'] },
  { dst: '198.51.100.0/24', dev: 'vmbr0', protocol: 'kernel', scope: 'link', prefsrc: '198.51.100.10', flags: [] },
  ...localTable4([{ dev: 'vmbr0', local: '198.51.100.10', broadcast: '198.51.100.255' }]),
].map(({ onlink, ...route }) => route);

const routes6 = [
  { dst: 'fe80::/64', dev: 'vmbr0', protocol: 'kernel', metric: 256, flags: [], pref: 'medium' },
  ...localTable6({ addresses: [[LINK_LOCAL, 'vmbr0']], multicast: [['vmbr0'], ['tap100i0'], ['tap101i0']] }),
];

const INTERFACES = `auto lo
iface lo inet loopback

iface eno1 inet manual

iface eno2 inet manual

auto vmbr0
iface vmbr0 inet static
	address 198.51.100.10/24
	gateway 198.51.100.1
	bridge-ports eno1
	bridge-stp off
	bridge-fd 0


source /etc/network/interfaces.d/*
`;

const CLIENT = '198.51.100.50';
const QEMU = (id) =>
  `/usr/bin/kvm -id ${id} -name vm${id},debug-threads=on -no-shutdown -chardev socket,id=qmp,path=/var/run/qemu-server/${id}.qmp,server=on,wait=off -mon chardev=qmp,mode=control -pidfile /var/run/qemu-server/${id}.pid -daemonize -smp 2,sockets=1,cores=2,maxcpus=2 -m 4096 -netdev type=tap,id=net0,ifname=tap${id}i0,script=/var/lib/qemu-server/pve-bridge,downscript=/var/lib/qemu-server/pve-bridgedown,vhost=on -device virtio-net-pci,mac=BC:24:11:00:${id === 100 ? '64' : '65'}:01,netdev=net0,bus=pci.0,addr=0x12,id=net0 -machine type=pc-q35-8.1+pve0`;

export default {
  description:
    "Composed from the tools' documented output formats (iproute2 6.1 JSON as captured on the build " +
    'machine): a Proxmox VE 8 host on bare metal (Debian 12, ifupdown2; systemd-detect-virt none), whose ' +
    'NIC eno1 (igb) is already the port of vmbr0 as Proxmox sets it up: /etc/network/interfaces has ' +
    '`iface eno1 inet manual` and vmbr0 static 198.51.100.10/24 with gateway 198.51.100.1, bridge-ports ' +
    'eno1, bridge-stp off, bridge-fd 0. Two running VMs have their TAPs tap100i0 and tap101i0 on vmbr0; ' +
    'eno2 is unused. ifupdown2 adds the default route with proto kernel and onlink. No ' +
    'networkd or NetworkManager running, no iptables rules loaded, nft empty. Operator on SSH from ' +
    '198.51.100.50 (the reply leaves by vmbr0). ps output abridged (and the kvm command lines shortened).',
  env: { uid: 0, sshConnection: `${CLIENT} 50412 198.51.100.10 22`, rootDir: '/' },
  commands: {
    'ip -j -d link show': { stdout: ipJson([lo, eno1, eno2, vmbr0, tap100, tap101]) },
    'ip -j address show': { stdout: ipJson(addresses) },
    'ip -4 -j route show table all': { stdout: ipJson(routes4) },
    'ip -6 -j route show table all': { stdout: ipJson(routes6) },
    'ip -4 -j rule show': { stdout: STANDARD_RULES4 },
    'ip -6 -j rule show': { stdout: STANDARD_RULES6 },
    [`ip -j route get ${CLIENT}`]: {
      stdout: ipJson([{ dst: CLIENT, dev: 'vmbr0', prefsrc: '198.51.100.10', flags: [], uid: 0, cache: [] }]),
    },
    'networkctl list --no-legend --no-pager': {
      stdout: networkctlList([
        [1, 'lo', 'loopback', 'n/a', 'unmanaged'],
        [2, 'eno1', 'ether', 'n/a', 'unmanaged'],
        [3, 'eno2', 'ether', 'n/a', 'unmanaged'],
        [4, 'vmbr0', 'bridge', 'n/a', 'unmanaged'],
        [5, 'tap100i0', 'ether', 'n/a', 'unmanaged'],
        [6, 'tap101i0', 'ether', 'n/a', 'unmanaged'],
      ]),
      stderr: 'WARNING: systemd-networkd is not running, output will be incomplete.\n',
    },
    'nmcli -t -f DEVICE,TYPE,STATE,CONNECTION device': NOT_INSTALLED,
    'ps -eo pid=,netns=,args=': {
      stdout: psOutput([
        [1, NETNS, '/sbin/init'],
        [2, NETNS, '[kthreadd]'],
        [812, NETNS, '/lib/systemd/systemd-journald'],
        [1420, NETNS, 'pmxcfs'],
        [1530, NETNS, 'sshd: /usr/sbin/sshd -D [listener] 0 of 10-100 startups'],
        [1622, NETNS, 'pve-firewall'],
        [1630, NETNS, 'pvestatd'],
        [1699, NETNS, 'pvedaemon'],
        [1707, NETNS, 'pveproxy'],
        [2344, NETNS, QEMU(100)],
        [2611, NETNS, QEMU(101)],
        [9120, NETNS, 'sshd: root@pts/0'],
        [9127, NETNS, '-bash'],
        [9344, NETNS, 'node /usr/local/bin/bridge-migrate capture -o pve1.json'],
        [9355, NETNS, 'ps -eo pid=,netns=,args='],
      ]),
    },
    'systemd-detect-virt': { exitCode: 1, stdout: 'none\n' },
    'iptables-save': { stdout: '' },
    'nft -j list ruleset': { stdout: emptyNftRuleset(...NFT_1_0_6) },
    'nft -a list ruleset': { stdout: '' },
  },
  files: {
    '/proc/sys/kernel/hostname': 'pve1\n',
    '/etc/resolv.conf': 'search lan\nnameserver 198.51.100.1\n',
    '/etc/network/interfaces': INTERFACES,
    '/sys/class/dmi/id/sys_vendor': 'Supermicro\n',
    '/sys/class/dmi/id/product_name': 'Super Server\n',
    '/sys/class/dmi/id/product_version': '0123456789\n',
    '/sys/class/dmi/id/bios_vendor': 'American Megatrends International, LLC.\n',
    '/sys/class/dmi/id/bios_version': '1.5\n',
    '/sys/class/dmi/id/chassis_asset_tag': 'To be filled by O.E.M.\n',
    '/proc/sys/net/ipv4/ip_forward': '0\n',
  },
  dirs: {
    '/etc/network/interfaces.d': [],
  },
  links: {
    '/proc/self/ns/net': `net:[${NETNS}]`,
    '/sys/class/net/eno1/device/driver': '../../../bus/pci/drivers/igb',
    '/sys/class/net/eno2/device/driver': '../../../bus/pci/drivers/igb',
  },
};
