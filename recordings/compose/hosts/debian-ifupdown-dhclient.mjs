/**
 * Debian 12 on bare metal (an Intel NUC, e1000e), configured the Debian-installer way: ifupdown's
 * /etc/network/interfaces with `iface eno1 inet dhcp`, ISC dhclient started by ifup and left
 * running with ifupdown's exact command line, resolv.conf written by dhclient-script.
 */
import {
  addressEntry,
  cmdline,
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
const MAC = '1c:69:7a:0b:5e:21';
const LINK_LOCAL = 'fe80::1e69:7aff:fe0b:5e21';

export const DHCLIENT_ARGV = [
  '/sbin/dhclient',
  '-4',
  '-v',
  '-i',
  '-pf',
  '/run/dhclient.eno1.pid',
  '-lf',
  '/var/lib/dhcp/dhclient.eno1.leases',
  '-I',
  '-df',
  '/var/lib/dhcp/dhclient6.eno1.leases',
  'eno1',
];

const lo = loopback();
const eno1 = link({
  ifindex: 2,
  ifname: 'eno1',
  mac: MAC,
  maxMtu: 9000,
  tsoMaxSize: 65536,
  parent: ['pci', '0000:00:1f.6'],
  altnames: ['enp0s31f6'],
});

const addresses = [
  addressEntry(lo, LOOPBACK_ADDRESSES),
  // dhclient-script adds the lease address without lifetimes (ip addr add ... label eno1).
  addressEntry(eno1, [
    inet({ local: '198.51.100.23', prefixlen: 24, broadcast: '198.51.100.255', label: 'eno1' }),
    inet6({ local: LINK_LOCAL }),
  ]),
];

const routes4 = [
  { dst: 'default', gateway: '198.51.100.1', dev: 'eno1', flags: [] },
  { dst: '198.51.100.0/24', dev: 'eno1', protocol: 'kernel', scope: 'link', prefsrc: '198.51.100.23', flags: [] },
  ...localTable4([{ dev: 'eno1', local: '198.51.100.23', broadcast: '198.51.100.255' }]),
];

const routes6 = [
  { dst: 'fe80::/64', dev: 'eno1', protocol: 'kernel', metric: 256, flags: [], pref: 'medium' },
  ...localTable6({ addresses: [[LINK_LOCAL, 'eno1']], multicast: [['eno1']] }),
];

const INTERFACES = `# This file describes the network interfaces available on your system
# and how to activate them. For more information, see interfaces(5).

source-directory /etc/network/interfaces.d

# The loopback network interface
auto lo
iface lo inet loopback

# The primary network interface
allow-hotplug eno1
iface eno1 inet dhcp
`;

const CLIENT = '198.51.100.50';
const CAPTURE = 'node /usr/local/bin/bridge-migrate capture -o nuc.json';

/**
 * dhclient's lease database (-lf): with -i it keeps its DUID as default-duid (DUID-LLT: type 1,
 * hardware type 1, a time, eno1's MAC; non-printing bytes as octal escapes, as dhclient 4.4 writes
 * them), then a lease block per bind or renewal in the format captured from dhclient 4.4.3 in the lab
 * (test/unit/host/fixtures/dhclient-leases-duid-lab.txt), here a one-day lease from the LAN router.
 */
const LEASES = String.raw`default-duid "\000\001\000\001,\217:a\034iz\013^!";
lease {
  interface "eno1";
  fixed-address 198.51.100.23;
  option subnet-mask 255.255.255.0;
  option routers 198.51.100.1;
  option dhcp-lease-time 86400;
  option dhcp-message-type 5;
  option domain-name-servers 198.51.100.1;
  option dhcp-server-identifier 198.51.100.1;
  option dhcp-renewal-time 43200;
  option broadcast-address 198.51.100.255;
  option dhcp-rebinding-time 75600;
  option domain-name "lan";
  renew 6 2026/11/28 19:41:52;
  rebind 0 2026/11/29 04:41:52;
  expire 0 2026/11/29 07:41:52;
}
`;

export default {
  description:
    "Composed from the tools' documented output formats (iproute2 6.1 JSON as captured on the build " +
    'machine, which runs the same Debian 12 tools): a Debian 12 server on bare metal (an Intel NUC: ' +
    'systemd-detect-virt prints none and exits 1), eno1 on e1000e configured by ifupdown ' +
    '(/etc/network/interfaces: source-directory /etc/network/interfaces.d, allow-hotplug eno1, iface eno1 ' +
    'inet dhcp). ISC dhclient runs as ifup started it (/sbin/dhclient -4 -v -i -pf /run/dhclient.eno1.pid ' +
    '-lf /var/lib/dhcp/dhclient.eno1.leases -I -df /var/lib/dhcp/dhclient6.eno1.leases eno1, pid 612, ' +
    "in the host's own network namespace) and holds 198.51.100.23/24 with a default route via " +
    '198.51.100.1, both added by dhclient-script (no lifetimes, proto boot); resolv.conf written by ' +
    'dhclient-script. networkd is installed but not running, no NetworkManager, no iptables, nft with an ' +
    'empty ruleset. Operator on SSH from 198.51.100.50. ps output abridged. The owner (/proc/612/status, ' +
    'root) and program (/proc/612/exe, /usr/sbin/dhclient, where Debian 12 installs it; /sbin is a ' +
    'symlink to usr/sbin) of the dhclient are part of the composition; its status abridged. Its lease ' +
    'database (-lf) holds the default-duid dhclient -i sends with (DUID-LLT of eno1\'s MAC) and the ' +
    'current one-day lease, in the format dhclient 4.4.3 wrote in the lab.',
  env: { uid: 0, sshConnection: `${CLIENT} 41736 198.51.100.23 22`, rootDir: '/' },
  commands: {
    'ip -j -d link show': { stdout: ipJson([lo, eno1]) },
    'ip -j address show': { stdout: ipJson(addresses) },
    'ip -4 -j route show table all': { stdout: ipJson(routes4) },
    'ip -6 -j route show table all': { stdout: ipJson(routes6) },
    'ip -4 -j rule show': { stdout: STANDARD_RULES4 },
    'ip -6 -j rule show': { stdout: STANDARD_RULES6 },
    [`ip -j route get ${CLIENT}`]: {
      stdout: ipJson([{ dst: CLIENT, dev: 'eno1', prefsrc: '198.51.100.23', flags: [], uid: 0, cache: [] }]),
    },
    // networkctl lists links from the kernel even when systemd-networkd is not running, and says so.
    'networkctl list --no-legend --no-pager': {
      stdout: networkctlList([
        [1, 'lo', 'loopback', 'n/a', 'unmanaged'],
        [2, 'eno1', 'ether', 'n/a', 'unmanaged'],
      ]),
      stderr: 'WARNING: systemd-networkd is not running, output will be incomplete.\n',
    },
    'nmcli -t -f DEVICE,TYPE,STATE,CONNECTION device': NOT_INSTALLED,
    'ps -eo pid=,netns=,args=': {
      stdout: psOutput([
        [1, NETNS, '/sbin/init'],
        [2, NETNS, '[kthreadd]'],
        [301, NETNS, '/lib/systemd/systemd-journald'],
        [329, NETNS, '/lib/systemd/systemd-udevd'],
        [612, NETNS, DHCLIENT_ARGV.join(' ')],
        [640, NETNS, '/usr/sbin/cron -f'],
        [655, NETNS, 'sshd: /usr/sbin/sshd -D [listener] 0 of 10-100 startups'],
        [1802, NETNS, 'sshd: root@pts/0'],
        [1809, NETNS, '-bash'],
        [1994, NETNS, CAPTURE],
        [2005, NETNS, 'ps -eo pid=,netns=,args='],
      ]),
    },
    'systemd-detect-virt': { exitCode: 1, stdout: 'none\n' },
    'iptables-save': NOT_INSTALLED,
    'nft -j list ruleset': { stdout: emptyNftRuleset(...NFT_1_0_6) },
    'nft -a list ruleset': { stdout: '' },
  },
  files: {
    '/var/lib/dhcp/dhclient.eno1.leases': LEASES,
    '/proc/sys/kernel/hostname': 'nuc\n',
    '/etc/resolv.conf': 'domain lan\nsearch lan\nnameserver 198.51.100.1\n',
    '/etc/network/interfaces': INTERFACES,
    '/proc/612/cmdline': cmdline(DHCLIENT_ARGV),
    '/proc/612/status':
      'Name:\tdhclient\nUmask:\t0022\nState:\tS (sleeping)\nTgid:\t612\nNgid:\t0\nPid:\t612\nTracerPid:\t0\nUid:\t0\t0\t0\t0\nGid:\t0\t0\t0\t0\nFDSize:\t64\nGroups:\t \n',
    '/sys/class/dmi/id/sys_vendor': 'Intel(R) Client Systems\n',
    '/sys/class/dmi/id/product_name': 'NUC11TNHi5\n',
    '/sys/class/dmi/id/product_version': 'M11904-404\n',
    '/sys/class/dmi/id/bios_vendor': 'Intel Corp.\n',
    '/sys/class/dmi/id/bios_version': 'TNTGL357.0064.2022.0217.1533\n',
    '/sys/class/dmi/id/chassis_asset_tag': 'Default string\n',
    '/proc/sys/net/ipv4/ip_forward': '0\n',
  },
  dirs: {
    '/etc/network/interfaces.d': [],
  },
  links: {
    '/proc/self/ns/net': `net:[${NETNS}]`,
    '/proc/612/exe': '/usr/sbin/dhclient',
    '/sys/class/net/eno1/device/driver': '../../../bus/pci/drivers/e1000e',
  },
};
