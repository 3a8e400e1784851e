/**
 * Ubuntu 24.04 on an AWS EC2 Nitro instance (m5.large): ens5 (ena, MTU 9001) by DHCP through the
 * netplan file cloud-init wrote from the EC2 datasource, systemd-networkd, the VPC resolver at the
 * subnet's .2. The VPC only delivers frames for the MAC it assigned to the instance, so bridged
 * guests would get nothing: the plan is blocked as a public cloud.
 */
import {
  addressEntry,
  CLOUD_CFG_LOGGING,
  CLOUD_INIT_NETPLAN_HEADER,
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
  networkctlList,
  networkdLease,
  networkdLinkState,
  NOT_INSTALLED,
  psOutput,
  STANDARD_RULES4,
  STANDARD_RULES6,
  UBUNTU_CLOUD_CFG,
  UBUNTU_STUB_RESOLV_CONF,
  UBUNTU_UPSTREAM_RESOLV_CONF,
} from '../tool-output.mjs';

const NETNS = '4026531840';
const MAC = '0a:3e:5f:91:c2:7b';
const LINK_LOCAL = 'fe80::83e:5fff:fe91:c27b';

const lo = loopback();
const ens5 = link({
  ifindex: 2,
  ifname: 'ens5',
  mac: MAC,
  mtu: 9001,
  qdisc: 'mq',
  addrGenMode: 'none',
  minMtu: 128,
  maxMtu: 9216,
  queues: [2, 2],
  parent: ['pci', '0000:00:05.0'],
  altnames: ['enp0s5'],
});

const addresses = [
  addressEntry(lo, LOOPBACK_ADDRESSES),
  addressEntry(ens5, [
    inet({
      local: '198.51.100.74',
      prefixlen: 24,
      metric: 100,
      broadcast: '198.51.100.255',
      dynamic: true,
      label: 'ens5',
      valid: 2866,
    }),
    inet6({ local: LINK_LOCAL }),
  ]),
];

const routes4 = [
  { dst: 'default', gateway: '198.51.100.1', dev: 'ens5', protocol: 'dhcp', prefsrc: '198.51.100.74', metric: 100, flags: [] },
  { dst: '198.51.100.0/24', dev: 'ens5', protocol: 'kernel', scope: 'link', prefsrc: '198.51.100.74', metric: 100, flags: [] },
  { dst: '198.51.100.1', dev: 'ens5', protocol: 'dhcp', scope: 'link', prefsrc: '198.51.100.74', metric: 100, flags: [] },
  { dst: '198.51.100.2', dev: 'ens5', protocol: 'dhcp', scope: 'link', prefsrc: '198.51.100.74', metric: 100, flags: [] },
  ...localTable4([{ dev: 'ens5', local: '198.51.100.74', broadcast: '198.51.100.255' }]),
];

const routes6 = [
  { dst: 'fe80::/64', dev: 'ens5', protocol: 'kernel', metric: 256, flags: [], pref: 'medium' },
  ...localTable6({ addresses: [[LINK_LOCAL, 'ens5']], multicast: [['ens5']] }),
];

const NETPLAN = `${CLOUD_INIT_NETPLAN_HEADER}network:
    ethernets:
        ens5:
            dhcp4: true
            dhcp6: false
            match:
                macaddress: ${MAC}
            set-name: ens5
    version: 2
`;

const CLIENT = '203.0.113.77';
const CAPTURE = 'node /usr/local/bin/bridge-migrate capture -o ec2.json';

/**
 * networkd's record of the lease (its link state file names the lease file): netplan sets no
 * dhcp-identifier, so networkd sends its default RFC 4361 identity (IAID + DUID-EN).
 */
const LEASE_STATE = {
  '/run/systemd/netif/links/2': networkdLinkState({
    ifindex: 2,
    networkFile: '/run/systemd/network/10-netplan-ens5.network',
    duid: '0000ab11c2f5491e07d3a86b',
  }),
  '/run/systemd/netif/leases/2': networkdLease({
    address: '198.51.100.74',
    netmask: '255.255.255.0',
    router: '198.51.100.1',
    server: '198.51.100.1',
    broadcast: '198.51.100.255',
  mtu: 9001,
    lifetime: 3600,
    dns: ['198.51.100.2'],
    domain: 'ec2.internal',
    iaid: '8e2b07a4',
    duid: '0000ab11c2f5491e07d3a86b',
  }),
};

export default {
  description:
    "Composed from the tools' documented output formats (iproute2 6.1 JSON as captured on the build " +
    'machine): Ubuntu 24.04 on an AWS EC2 Nitro instance (systemd-detect-virt amazon; DMI sys_vendor and ' +
    'bios_vendor "Amazon EC2", product_name "m5.large"), ens5 on ena with MTU 9001 and 198.51.100.74/24 by ' +
    "DHCP through cloud-init's /etc/netplan/50-cloud-init.yaml (match by macaddress, set-name) and " +
    'systemd-networkd, which adds on-link routes to the gateway 198.51.100.1 and the VPC resolver ' +
    '198.51.100.2. The operator is on SSH from 203.0.113.77, across the internet through the default ' +
    'route. Empty firewall. ps output abridged; cloud.cfg abridged.',
  env: { uid: 0, sshConnection: `${CLIENT} 61544 198.51.100.74 22`, rootDir: '/' },
  commands: {
    'ip -j -d link show': { stdout: ipJson([lo, ens5]) },
    'ip -j address show': { stdout: ipJson(addresses) },
    'ip -4 -j route show table all': { stdout: ipJson(routes4) },
    'ip -6 -j route show table all': { stdout: ipJson(routes6) },
    'ip -4 -j rule show': { stdout: STANDARD_RULES4 },
    'ip -6 -j rule show': { stdout: STANDARD_RULES6 },
    [`ip -j route get ${CLIENT}`]: {
      stdout: ipJson([
        { dst: CLIENT, gateway: '198.51.100.1', dev: 'ens5', prefsrc: '198.51.100.74', flags: [], uid: 0, cache: [] },
      ]),
    },
    'networkctl list --no-legend --no-pager': {
      stdout: networkctlList([
        [1, 'lo', 'loopback', 'carrier', 'unmanaged'],
        [2, 'ens5', 'ether', 'routable', 'configured'],
      ]),
    },
    'nmcli -t -f DEVICE,TYPE,STATE,CONNECTION device': NOT_INSTALLED,
    'ps -eo pid=,netns=,args=': {
      stdout: psOutput([
        [1, NETNS, '/sbin/init'],
        [2, NETNS, '[kthreadd]'],
        [148, NETNS, '/usr/lib/systemd/systemd-journald'],
        [404, NETNS, '/usr/lib/systemd/systemd-networkd'],
        [417, NETNS, '/usr/lib/systemd/systemd-resolved'],
        [502, NETNS, '/usr/sbin/chronyd -F 1'],
        [611, NETNS, '/snap/amazon-ssm-agent/9881/amazon-ssm-agent'],
        [640, NETNS, 'sshd: /usr/sbin/sshd -D [listener] 0 of 10-100 startups'],
        [1877, NETNS, 'sshd: ubuntu [priv]'],
        [1940, NETNS, 'sshd: ubuntu@pts/0'],
        [1941, NETNS, '-bash'],
        [2102, NETNS, `sudo ${CAPTURE}`],
        [2103, NETNS, CAPTURE],
        [2114, NETNS, 'ps -eo pid=,netns=,args='],
      ]),
    },
    'systemd-detect-virt': { stdout: 'amazon\n' },
    'iptables-save': { stdout: '' },
    'nft -j list ruleset': { stdout: emptyNftRuleset(...NFT_1_0_9) },
    'nft -a list ruleset': { stdout: '' },
  },
  files: {
    ...LEASE_STATE,
    // cloud-init's generator reads it for cloud-init=disabled|enabled; this one has neither.
    '/proc/cmdline': 'BOOT_IMAGE=/vmlinuz-6.8.0-1018-aws root=PARTUUID=8e7c2a4d-01 ro console=tty1 console=ttyS0 nvme_core.io_timeout=4294967295 panic=-1\n',
    '/proc/sys/kernel/hostname': 'ip-198-51-100-74\n',
    '/etc/resolv.conf': UBUNTU_STUB_RESOLV_CONF('ec2.internal'),
    '/run/systemd/resolve/resolv.conf': UBUNTU_UPSTREAM_RESOLV_CONF(['198.51.100.2'], 'ec2.internal'),
    '/etc/netplan/50-cloud-init.yaml': NETPLAN,
    '/etc/cloud/cloud.cfg': UBUNTU_CLOUD_CFG,
    '/etc/cloud/cloud.cfg.d/05_logging.cfg': CLOUD_CFG_LOGGING,
    '/etc/cloud/cloud.cfg.d/90_dpkg.cfg':
      '# to update this file, run dpkg-reconfigure cloud-init\ndatasource_list: [ Ec2, None ]\n',
    '/sys/class/dmi/id/sys_vendor': 'Amazon EC2\n',
    '/sys/class/dmi/id/product_name': 'm5.large\n',
    '/sys/class/dmi/id/product_version': '\n',
    '/sys/class/dmi/id/bios_vendor': 'Amazon EC2\n',
    '/sys/class/dmi/id/bios_version': '1.0\n',
    '/sys/class/dmi/id/chassis_asset_tag': 'Amazon EC2\n',
    '/proc/sys/net/ipv4/ip_forward': '0\n',
  },
  dirs: {
    '/etc/netplan': ['50-cloud-init.yaml'],
    '/lib/netplan': ['generate'],
    '/etc/cloud/cloud.cfg.d': ['05_logging.cfg', '90_dpkg.cfg', 'README'],
  },
  links: {
    '/proc/self/ns/net': `net:[${NETNS}]`,
    '/sys/class/net/ens5/device/driver': '../../../bus/pci/drivers/ena',
  },
};
