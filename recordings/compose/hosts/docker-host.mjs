/**
 * A Docker host: Ubuntu 22.04 on bare metal, eno1 by DHCP (netplan + networkd), Docker 27 with
 * its bridge docker0 (bip set to a TEST-NET subnet), one container publishing a port. Docker loads
 * br_netfilter (bridge-nf-call-iptables=1) and sets the FORWARD policy to DROP, which would drop
 * bridged guest traffic on a new bridge too; its MASQUERADE rules serve docker0, not the target
 * bridge, and must be left alone.
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
  MODULE_DIR,
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
const CONTAINER_NETNS = '4026532318';
const MAC = 'ac:1f:6b:4d:92:e0';
const DOCKER_MAC = '02:42:5c:8e:1a:3f';
const VETH_MAC = '9e:51:07:c4:2b:d8';

const lo = loopback();
const eno1 = link({
  ifindex: 2,
  ifname: 'eno1',
  mac: MAC,
  qdisc: 'mq',
  addrGenMode: 'none',
  maxMtu: 9216,
  queues: [8, 8],
  parent: ['pci', '0000:04:00.0'],
  altnames: ['enp4s0'],
});
const docker0 = link({
  ifindex: 3,
  ifname: 'docker0',
  mac: DOCKER_MAC,
  qdisc: 'noqueue',
  linkinfo: bridgeInfo({ mac: DOCKER_MAC, stpState: 0, forwardDelay: 1500 }),
});
const veth = link({
  ifindex: 5,
  linkIndex: 4,
  ifname: 'veth7f3a9c1',
  mac: VETH_MAC,
  qdisc: 'noqueue',
  master: 'docker0',
  linkNetnsid: 0,
  linkinfo: {
    info_kind: 'veth',
    info_slave_kind: 'bridge',
    info_slave_data: bridgePortData({ portNo: '0x1', portId: '0x8001', bridgeMac: DOCKER_MAC }),
  },
  queues: [2, 2],
  tsoMaxSize: 524280,
});

const addresses = [
  addressEntry(lo, LOOPBACK_ADDRESSES),
  addressEntry(eno1, [
    inet({
      local: '198.51.100.30',
      prefixlen: 24,
      metric: 100,
      broadcast: '198.51.100.255',
      dynamic: true,
      label: 'eno1',
      valid: 6211,
    }),
    inet6({ local: 'fe80::ae1f:6bff:fe4d:92e0' }),
  ]),
  addressEntry(docker0, [
    inet({ local: '203.0.113.1', prefixlen: 24, broadcast: '203.0.113.255', label: 'docker0' }),
    inet6({ local: 'fe80::42:5cff:fe8e:1a3f' }),
  ]),
  addressEntry(veth, [inet6({ local: 'fe80::9c51:7ff:fec4:2bd8' })]),
];

const routes4 = [
  { dst: 'default', gateway: '198.51.100.1', dev: 'eno1', protocol: 'dhcp', prefsrc: '198.51.100.30', metric: 100, flags: [] },
  { dst: '198.51.100.0/24', dev: 'eno1', protocol: 'kernel', scope: 'link', prefsrc: '198.51.100.30', metric: 100, flags: [] },
  { dst: '198.51.100.1', dev: 'eno1', protocol: 'dhcp', scope: 'link', prefsrc: '198.51.100.30', metric: 100, flags: [] },
  { dst: '203.0.113.0/24', dev: 'docker0', protocol: 'kernel', scope: 'link', prefsrc: '203.0.113.1', flags: [] },
  ...localTable4([
    { dev: 'eno1', local: '198.51.100.30', broadcast: '198.51.100.255' },
    { dev: 'docker0', local: '203.0.113.1', broadcast: '203.0.113.255' },
  ]),
];

const routes6 = [
  { dst: 'fe80::/64', dev: 'eno1', protocol: 'kernel', metric: 256, flags: [], pref: 'medium' },
  { dst: 'fe80::/64', dev: 'docker0', protocol: 'kernel', metric: 256, flags: [], pref: 'medium' },
  { dst: 'fe80::/64', dev: 'veth7f3a9c1', protocol: 'kernel', metric: 256, flags: [], pref: 'medium' },
  ...localTable6({
    addresses: [
      ['fe80::42:5cff:fe8e:1a3f', 'docker0'],
      ['fe80::9c51:7ff:fec4:2bd8', 'veth7f3a9c1'],
      ['fe80::ae1f:6bff:fe4d:92e0', 'eno1'],
    ],
    multicast: [['eno1'], ['docker0'], ['veth7f3a9c1']],
  }),
];

const NETPLAN = `# This is the network config written by 'subiquity'
network:
  ethernets:
    eno1:
      dhcp4: true
  version: 2
`;

const CLIENT = '198.51.100.50';
const CAPTURE = 'node /usr/local/bin/bridge-migrate capture -o docker01.json';

/**
 * networkd's record of the lease (its link state file names the lease file): netplan sets no
 * dhcp-identifier, so networkd sends its default RFC 4361 identity (IAID + DUID-EN).
 */
const LEASE_STATE = {
  '/run/systemd/netif/links/2': networkdLinkState({
    ifindex: 2,
    networkFile: '/run/systemd/network/10-netplan-eno1.network',
    duid: '0000ab1179e3a20c5b18f4d2',
  }),
  '/run/systemd/netif/leases/2': networkdLease({
    address: '198.51.100.30',
    netmask: '255.255.255.0',
    router: '198.51.100.1',
    server: '198.51.100.1',
    broadcast: '198.51.100.255',
    lifetime: 7200,
    dns: ['198.51.100.1'],
    domain: 'lan',
    iaid: '31f0d8c6',
    duid: '0000ab1179e3a20c5b18f4d2',
  }),
};

export default {
  description:
    "Composed from the tools' documented output formats (iproute2 6.1 JSON as captured on the build " +
    'machine; iptables-save and nft output produced by loading Docker 27\'s rules into a scratch namespace ' +
    'with iptables-nft 1.8.9 / nftables 1.0.6 on the build machine): an Ubuntu 22.04 Docker host on bare ' +
    'metal (Supermicro, igb), eno1 198.51.100.30/24 by DHCP via 198.51.100.1 from the installer\'s ' +
    '/etc/netplan/00-installer-config.yaml and systemd-networkd. Docker runs docker0 with bip ' +
    '203.0.113.1/24 and one container (nginx, port 8080 published); br_netfilter is loaded with ' +
    'bridge-nf-call-iptables=1, the filter FORWARD policy is DROP, and Docker\'s MASQUERADE rules name ' +
    'docker0 and its subnet. Operator on SSH from 198.51.100.50. ps output abridged.',
  env: { uid: 0, sshConnection: `${CLIENT} 55012 198.51.100.30 22`, rootDir: '/' },
  firewallSavedAt: 'Sat Nov 28 11:58:40 2026',
  firewallRules: `*nat
:PREROUTING ACCEPT [0:0]
:INPUT ACCEPT [0:0]
:OUTPUT ACCEPT [0:0]
:POSTROUTING ACCEPT [0:0]
:DOCKER - [0:0]
-A PREROUTING -m addrtype --dst-type LOCAL -j DOCKER
-A OUTPUT ! -d 127.0.0.0/8 -m addrtype --dst-type LOCAL -j DOCKER
-A POSTROUTING -s 203.0.113.0/24 ! -o docker0 -j MASQUERADE
-A POSTROUTING -s 203.0.113.2/32 -d 203.0.113.2/32 -p tcp -m tcp --dport 80 -j MASQUERADE
-A DOCKER -i docker0 -j RETURN
-A DOCKER ! -i docker0 -p tcp -m tcp --dport 8080 -j DNAT --to-destination 203.0.113.2:80
COMMIT
*filter
:INPUT ACCEPT [0:0]
:FORWARD DROP [0:0]
:OUTPUT ACCEPT [0:0]
:DOCKER - [0:0]
:DOCKER-ISOLATION-STAGE-1 - [0:0]
:DOCKER-ISOLATION-STAGE-2 - [0:0]
:DOCKER-USER - [0:0]
-A FORWARD -j DOCKER-USER
-A FORWARD -j DOCKER-ISOLATION-STAGE-1
-A FORWARD -o docker0 -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT
-A FORWARD -o docker0 -j DOCKER
-A FORWARD -i docker0 ! -o docker0 -j ACCEPT
-A FORWARD -i docker0 -o docker0 -j ACCEPT
-A DOCKER -d 203.0.113.2/32 ! -i docker0 -o docker0 -p tcp -m tcp --dport 80 -j ACCEPT
-A DOCKER-ISOLATION-STAGE-1 -i docker0 ! -o docker0 -j DOCKER-ISOLATION-STAGE-2
-A DOCKER-ISOLATION-STAGE-1 -j RETURN
-A DOCKER-ISOLATION-STAGE-2 -o docker0 -j DROP
-A DOCKER-ISOLATION-STAGE-2 -j RETURN
-A DOCKER-USER -j RETURN
COMMIT
`,
  commands: {
    'ip -j -d link show': { stdout: ipJson([lo, eno1, docker0, veth]) },
    'ip -j address show': { stdout: ipJson(addresses) },
    'ip -4 -j route show table all': { stdout: ipJson(routes4) },
    'ip -6 -j route show table all': { stdout: ipJson(routes6) },
    'ip -4 -j rule show': { stdout: STANDARD_RULES4 },
    'ip -6 -j rule show': { stdout: STANDARD_RULES6 },
    [`ip -j route get ${CLIENT}`]: {
      stdout: ipJson([{ dst: CLIENT, dev: 'eno1', prefsrc: '198.51.100.30', flags: [], uid: 0, cache: [] }]),
    },
    'networkctl list --no-legend --no-pager': {
      stdout: networkctlList([
        [1, 'lo', 'loopback', 'carrier', 'unmanaged'],
        [2, 'eno1', 'ether', 'routable', 'configured'],
        [3, 'docker0', 'bridge', 'routable', 'unmanaged'],
        [5, 'veth7f3a9c1', 'ether', 'enslaved', 'unmanaged'],
      ]),
    },
    'nmcli -t -f DEVICE,TYPE,STATE,CONNECTION device': NOT_INSTALLED,
    'ps -eo pid=,netns=,args=': {
      stdout: psOutput([
        [1, NETNS, '/sbin/init'],
        [2, NETNS, '[kthreadd]'],
        [402, NETNS, '/lib/systemd/systemd-journald'],
        [598, NETNS, '/lib/systemd/systemd-networkd'],
        [611, NETNS, '/lib/systemd/systemd-resolved'],
        [787, NETNS, '/usr/bin/containerd'],
        [801, NETNS, 'sshd: /usr/sbin/sshd -D [listener] 0 of 10-100 startups'],
        [1033, NETNS, '/usr/bin/dockerd -H fd:// --containerd=/run/containerd/containerd.sock'],
        [1402, NETNS, '/usr/bin/docker-proxy -proto tcp -host-ip 0.0.0.0 -host-port 8080 -container-ip 203.0.113.2 -container-port 80'],
        [1425, NETNS, '/usr/bin/containerd-shim-runc-v2 -namespace moby -id 3f9a1c7e5b2d -address /run/containerd/containerd.sock'],
        [1446, CONTAINER_NETNS, 'nginx: master process nginx -g daemon off;'],
        [1498, CONTAINER_NETNS, 'nginx: worker process'],
        [2817, NETNS, 'sshd: admin [priv]'],
        [2890, NETNS, 'sshd: admin@pts/0'],
        [2891, NETNS, '-bash'],
        [3004, NETNS, `sudo ${CAPTURE}`],
        [3005, NETNS, CAPTURE],
        [3016, NETNS, 'ps -eo pid=,netns=,args='],
      ]),
    },
    'systemd-detect-virt': { exitCode: 1, stdout: 'none\n' },
  },
  files: {
    ...LEASE_STATE,
    '/proc/sys/kernel/hostname': 'docker01\n',
    '/etc/resolv.conf': UBUNTU_STUB_RESOLV_CONF('lan'),
    '/run/systemd/resolve/resolv.conf': UBUNTU_UPSTREAM_RESOLV_CONF(['198.51.100.1'], 'lan'),
    '/etc/netplan/00-installer-config.yaml': NETPLAN,
    '/sys/class/dmi/id/sys_vendor': 'Supermicro\n',
    '/sys/class/dmi/id/product_name': 'SYS-5019C-M\n',
    '/sys/class/dmi/id/product_version': '0123456789\n',
    '/sys/class/dmi/id/bios_vendor': 'American Megatrends Inc.\n',
    '/sys/class/dmi/id/bios_version': '2.6\n',
    '/sys/class/dmi/id/chassis_asset_tag': 'To be filled by O.E.M.\n',
    '/proc/sys/net/ipv4/ip_forward': '1\n',
    '/proc/sys/net/bridge/bridge-nf-call-iptables': '1\n',
    '/proc/sys/net/bridge/bridge-nf-call-ip6tables': '1\n',
  },
  dirs: {
    '/etc/netplan': ['00-installer-config.yaml'],
    '/lib/netplan': ['generate'],
    '/sys/module/br_netfilter': MODULE_DIR,
  },
  links: {
    '/proc/self/ns/net': `net:[${NETNS}]`,
    '/sys/class/net/eno1/device/driver': '../../../bus/pci/drivers/igb',
  },
};
