/**
 * A Rocky Linux 9 server VM on VMware ESXi, managed by NetworkManager (no netplan, no ifupdown, no
 * networkd): ens192 (vmxnet3) connected with the auto-created profile "Wired connection 1" (the
 * template's profile was removed before cloning), IPv4 by NetworkManager's internal DHCP client and
 * IPv6 by SLAAC, firewalld disabled.
 */
import {
  addressEntry,
  emptyNftRuleset,
  inet,
  inet6,
  ipJson,
  link,
  localTable4,
  localTable6,
  LOOPBACK_ADDRESSES,
  loopback,
  NFT_1_0_9,
  NOT_INSTALLED,
  psOutput,
  STANDARD_RULES4,
  STANDARD_RULES6,
} from '../tool-output.mjs';

const NETNS = '4026531840';
const MAC = '00:50:56:9a:3b:7c';
const LINK_LOCAL = 'fe80::250:56ff:fe9a:3b7c';
const GLOBAL6 = '2001:db8:10::250:56ff:fe9a:3b7c';

const lo = loopback();
const ens192 = link({
  ifindex: 2,
  ifname: 'ens192',
  mac: MAC,
  qdisc: 'mq',
  addrGenMode: 'none',
  maxMtu: 9000,
  minMtu: 60,
  queues: [2, 2],
  parent: ['pci', '0000:0b:00.0'],
  altnames: ['enp11s0'],
});

const addresses = [
  addressEntry(lo, LOOPBACK_ADDRESSES),
  addressEntry(ens192, [
    inet({
      local: '198.51.100.37',
      prefixlen: 24,
      broadcast: '198.51.100.255',
      dynamic: true,
      noprefixroute: true,
      label: 'ens192',
      valid: 42917,
    }),
    inet6({ local: GLOBAL6, scope: 'global', dynamic: true, noprefixroute: true, valid: 2591943, preferred: 604743 }),
    inet6({ local: LINK_LOCAL, noprefixroute: true }),
  ]),
];

const routes4 = [
  { dst: 'default', gateway: '198.51.100.1', dev: 'ens192', protocol: 'dhcp', prefsrc: '198.51.100.37', metric: 100, flags: [] },
  { dst: '198.51.100.0/24', dev: 'ens192', protocol: 'kernel', scope: 'link', prefsrc: '198.51.100.37', metric: 100, flags: [] },
  ...localTable4([{ dev: 'ens192', local: '198.51.100.37', broadcast: '198.51.100.255' }]),
];

const routes6 = [
  { dst: '2001:db8:10::/64', dev: 'ens192', protocol: 'ra', metric: 100, flags: [], pref: 'medium' },
  { dst: 'fe80::/64', dev: 'ens192', protocol: 'kernel', metric: 1024, flags: [], pref: 'medium' },
  { dst: 'default', gateway: 'fe80::1', dev: 'ens192', protocol: 'ra', metric: 100, flags: [], pref: 'medium' },
  ...localTable6({
    addresses: [
      [GLOBAL6, 'ens192'],
      [LINK_LOCAL, 'ens192'],
    ],
    multicast: [['ens192']],
  }),
];

const CLIENT = '198.51.100.50';
const CAPTURE = 'node /usr/local/bin/bridge-migrate capture -o rocky.json';

export default {
  description:
    "Composed from the tools' documented output formats (iproute2 6.1 JSON as captured on the build " +
    'machine, nmcli terse output): a Rocky Linux 9 server VM on VMware ESXi (systemd-detect-virt vmware, ' +
    'DMI "VMware, Inc." "VMware7,1"), ens192 on vmxnet3 managed by NetworkManager, which shows it ' +
    'connected with the auto-created profile "Wired connection 1": 198.51.100.37/24 by NetworkManager\'s ' +
    'internal DHCP client (noprefixroute, its own prefix route with metric 100) and a SLAAC address in ' +
    '2001:db8:10::/64 with a default route via fe80::1 from router advertisements. No netplan, no ' +
    'ifupdown, no networkd (networkctl absent), no iptables (nft with an empty ruleset; firewalld ' +
    'disabled), no DHCP client process. resolv.conf written by NetworkManager. Operator on SSH from ' +
    '198.51.100.50. ps output abridged. /var/lib/NetworkManager holds the internal client\'s lease file, ' +
    'which records only the address (nm-dhcp-nettools.c lease_save).',
  env: { uid: 0, sshConnection: `${CLIENT} 49822 198.51.100.37 22`, rootDir: '/' },
  commands: {
    'ip -j -d link show': { stdout: ipJson([lo, ens192]) },
    'ip -j address show': { stdout: ipJson(addresses) },
    'ip -4 -j route show table all': { stdout: ipJson(routes4) },
    'ip -6 -j route show table all': { stdout: ipJson(routes6) },
    'ip -4 -j rule show': { stdout: STANDARD_RULES4 },
    'ip -6 -j rule show': { stdout: STANDARD_RULES6 },
    [`ip -j route get ${CLIENT}`]: {
      stdout: ipJson([{ dst: CLIENT, dev: 'ens192', prefsrc: '198.51.100.37', flags: [], uid: 0, cache: [] }]),
    },
    'networkctl list --no-legend --no-pager': NOT_INSTALLED,
    'nmcli -t -f DEVICE,TYPE,STATE,CONNECTION device': {
      stdout: 'ens192:ethernet:connected:Wired connection 1\nlo:loopback:connected (externally):lo\n',
    },
    'ps -eo pid=,netns=,args=': {
      stdout: psOutput([
        [1, NETNS, '/usr/lib/systemd/systemd --switched-root --system --deserialize 31'],
        [2, NETNS, '[kthreadd]'],
        [655, NETNS, '/usr/lib/systemd/systemd-journald'],
        [669, NETNS, '/usr/lib/systemd/systemd-udevd'],
        [771, NETNS, '/usr/bin/vmtoolsd'],
        [803, NETNS, '/usr/sbin/NetworkManager --no-daemon'],
        [811, NETNS, '/usr/sbin/chronyd -F 2'],
        [842, NETNS, 'sshd: /usr/sbin/sshd -D [listener] 0 of 10-100 startups'],
        [3120, NETNS, 'sshd: admin [priv]'],
        [3124, NETNS, 'sshd: admin@pts/0'],
        [3125, NETNS, '-bash'],
        [3311, NETNS, `sudo ${CAPTURE}`],
        [3313, NETNS, CAPTURE],
        [3324, NETNS, 'ps -eo pid=,netns=,args='],
      ]),
    },
    'systemd-detect-virt': { stdout: 'vmware\n' },
    'iptables-save': NOT_INSTALLED,
    'nft -j list ruleset': { stdout: emptyNftRuleset(...NFT_1_0_9) },
    'nft -a list ruleset': { stdout: '' },
  },
  files: {
    // NetworkManager's internal DHCP client (nettools) saves only the address it holds.
    '/var/lib/NetworkManager/internal-4f2a8c1e-7b3d-4e59-a0c6-2d91e5b7f304-ens192.lease': '# This is private data. Do not parse.\nADDRESS=198.51.100.37\n',
    '/proc/sys/kernel/hostname': 'rocky-app02\n',
    '/etc/resolv.conf': '# Generated by NetworkManager\nsearch example.internal\nnameserver 198.51.100.1\n',
    '/sys/class/dmi/id/sys_vendor': 'VMware, Inc.\n',
    '/sys/class/dmi/id/product_name': 'VMware7,1\n',
    '/sys/class/dmi/id/product_version': 'None\n',
    '/sys/class/dmi/id/bios_vendor': 'VMware, Inc.\n',
    '/sys/class/dmi/id/bios_version': 'VMW71.00V.21100432.B64.2301110304\n',
    '/sys/class/dmi/id/chassis_asset_tag': 'No Asset Tag\n',
    '/proc/sys/net/ipv4/ip_forward': '0\n',
  },
  dirs: {
    '/var/lib/NetworkManager': ['NetworkManager-intern.conf', 'NetworkManager.state', 'internal-4f2a8c1e-7b3d-4e59-a0c6-2d91e5b7f304-ens192.lease', 'secret_key', 'timestamps'],
  },
  links: {
    '/proc/self/ns/net': `net:[${NETNS}]`,
    '/sys/class/net/ens192/device/driver': '../../../../bus/pci/drivers/vmxnet3',
  },
};
