/**
 * Ubuntu 24.04 server installed with subiquity on Hyper-V: static netplan (two addresses, a default
 * and a second route each with a metric, nameservers and search domain) rendered by networkd.
 * Since 23.04 the installer hands the network config to cloud-init, which writes it as
 * 50-cloud-init.yaml (with cloud-init's header) on first boot; the installer then disables
 * cloud-init's network config for good (subiquity-disable-cloudinit-networking.cfg).
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
  NOT_INSTALLED,
  psOutput,
  STANDARD_RULES4,
  STANDARD_RULES6,
  UBUNTU_CLOUD_CFG,
  UBUNTU_STUB_RESOLV_CONF,
  UBUNTU_UPSTREAM_RESOLV_CONF,
} from '../tool-output.mjs';

const NETNS = '4026531840';
const MAC = '00:15:5d:0a:14:07';

const lo = loopback();
const eth0 = link({
  ifindex: 2,
  ifname: 'eth0',
  mac: MAC,
  qdisc: 'mq',
  addrGenMode: 'none',
  maxMtu: 65521,
  queues: [64, 64],
  parent: ['vmbus', '5b3e8a1c-0f2d-4c61-9d7e-2a8b4f6c1e90'],
});

const addresses = [
  addressEntry(lo, LOOPBACK_ADDRESSES),
  addressEntry(eth0, [
    inet({ local: '198.51.100.20', prefixlen: 24, broadcast: '198.51.100.255', label: 'eth0' }),
    inet({ local: '198.51.100.21', prefixlen: 24, broadcast: '198.51.100.255', secondary: true, label: 'eth0' }),
    inet6({ local: 'fe80::215:5dff:fe0a:1407' }),
  ]),
];

const routes4 = [
  { dst: 'default', gateway: '198.51.100.1', dev: 'eth0', protocol: 'static', metric: 100, flags: [] },
  { dst: '198.51.100.0/24', dev: 'eth0', protocol: 'kernel', scope: 'link', prefsrc: '198.51.100.20', flags: [] },
  { dst: '203.0.113.0/24', gateway: '198.51.100.254', dev: 'eth0', protocol: 'static', metric: 200, flags: [] },
  ...localTable4([
    { dev: 'eth0', local: '198.51.100.20', broadcast: '198.51.100.255' },
    { dev: 'eth0', local: '198.51.100.21', prefsrc: '198.51.100.20' },
  ]),
];

const routes6 = [
  { dst: 'fe80::/64', dev: 'eth0', protocol: 'kernel', metric: 256, flags: [], pref: 'medium' },
  ...localTable6({ addresses: [['fe80::215:5dff:fe0a:1407', 'eth0']], multicast: [['eth0']] }),
];

// cloud-init renders netplan with 4-space indentation and sorted keys.
const NETPLAN = `${CLOUD_INIT_NETPLAN_HEADER}network:
    ethernets:
        eth0:
            addresses:
            - 198.51.100.20/24
            - 198.51.100.21/24
            nameservers:
                addresses:
                - 198.51.100.53
                - 198.51.100.54
                search:
                - corp.example
            routes:
            -   metric: 100
                to: default
                via: 198.51.100.1
            -   metric: 200
                to: 203.0.113.0/24
                via: 198.51.100.254
    version: 2
`;

const INSTALLER_NETWORK = `# This is the network config written by 'subiquity'
network:
  ethernets:
    eth0:
      addresses:
      - 198.51.100.20/24
      - 198.51.100.21/24
      nameservers:
        addresses:
        - 198.51.100.53
        - 198.51.100.54
        search:
        - corp.example
      routes:
      - metric: 100
        to: default
        via: 198.51.100.1
      - metric: 200
        to: 203.0.113.0/24
        via: 198.51.100.254
  version: 2
`;

const CLIENT = '198.51.100.50';
const CAPTURE = 'node /usr/local/bin/bridge-migrate capture -o static.json';

export default {
  description:
    "Composed from the tools' documented output formats (iproute2 6.1 JSON as captured on the build " +
    'machine): an Ubuntu 24.04 server VM on Hyper-V (systemd-detect-virt microsoft, DMI "Microsoft ' +
    'Corporation" "Virtual Machine", not the Azure asset tag), eth0 on hv_netvsc with static ' +
    '198.51.100.20/24 and secondary 198.51.100.21/24, default route via 198.51.100.1 metric 100 and ' +
    '203.0.113.0/24 via 198.51.100.254 metric 200, nameservers and a search domain, from netplan rendered ' +
    "by systemd-networkd. The subiquity installer had cloud-init write /etc/netplan/50-cloud-init.yaml " +
    "(cloud-init's header) and then disabled cloud-init's network config in " +
    '/etc/cloud/cloud.cfg.d/subiquity-disable-cloudinit-networking.cfg. systemd-resolved stub resolv.conf, ' +
    'empty firewall, operator on SSH from 198.51.100.50. ps output abridged; cloud.cfg abridged.',
  env: { uid: 0, sshConnection: `${CLIENT} 60122 198.51.100.20 22`, rootDir: '/' },
  commands: {
    'ip -j -d link show': { stdout: ipJson([lo, eth0]) },
    'ip -j address show': { stdout: ipJson(addresses) },
    'ip -4 -j route show table all': { stdout: ipJson(routes4) },
    'ip -6 -j route show table all': { stdout: ipJson(routes6) },
    'ip -4 -j rule show': { stdout: STANDARD_RULES4 },
    'ip -6 -j rule show': { stdout: STANDARD_RULES6 },
    [`ip -j route get ${CLIENT}`]: {
      stdout: ipJson([{ dst: CLIENT, dev: 'eth0', prefsrc: '198.51.100.20', flags: [], uid: 0, cache: [] }]),
    },
    'networkctl list --no-legend --no-pager': {
      stdout: networkctlList([
        [1, 'lo', 'loopback', 'carrier', 'unmanaged'],
        [2, 'eth0', 'ether', 'routable', 'configured'],
      ]),
    },
    'nmcli -t -f DEVICE,TYPE,STATE,CONNECTION device': NOT_INSTALLED,
    'ps -eo pid=,netns=,args=': {
      stdout: psOutput([
        [1, NETNS, '/sbin/init'],
        [2, NETNS, '[kthreadd]'],
        [398, NETNS, '/usr/lib/systemd/systemd-journald'],
        [455, NETNS, '/usr/lib/systemd/systemd-udevd'],
        [578, NETNS, '/usr/sbin/hv_kvp_daemon -n'],
        [581, NETNS, '/usr/sbin/hv_vss_daemon -n'],
        [612, NETNS, '/usr/lib/systemd/systemd-networkd'],
        [630, NETNS, '/usr/lib/systemd/systemd-resolved'],
        [744, NETNS, '/usr/sbin/cron -f -P'],
        [771, NETNS, 'sshd: /usr/sbin/sshd -D [listener] 0 of 10-100 startups'],
        [2210, NETNS, 'sshd: admin [priv]'],
        [2288, NETNS, 'sshd: admin@pts/0'],
        [2289, NETNS, '-bash'],
        [2415, NETNS, `sudo ${CAPTURE}`],
        [2416, NETNS, CAPTURE],
        [2427, NETNS, 'ps -eo pid=,netns=,args='],
      ]),
    },
    'systemd-detect-virt': { stdout: 'microsoft\n' },
    'iptables-save': { stdout: '' },
    'nft -j list ruleset': { stdout: emptyNftRuleset(...NFT_1_0_9) },
    'nft -a list ruleset': { stdout: '' },
  },
  files: {
    // cloud-init's generator reads it for cloud-init=disabled|enabled; this one has neither.
    '/proc/cmdline': 'BOOT_IMAGE=/vmlinuz-6.8.0-49-generic root=/dev/mapper/ubuntu--vg-ubuntu--lv ro\n',
    '/proc/sys/kernel/hostname': 'app01\n',
    '/etc/resolv.conf': UBUNTU_STUB_RESOLV_CONF('corp.example'),
    '/run/systemd/resolve/resolv.conf': UBUNTU_UPSTREAM_RESOLV_CONF(['198.51.100.53', '198.51.100.54'], 'corp.example'),
    '/etc/netplan/50-cloud-init.yaml': NETPLAN,
    '/etc/cloud/cloud.cfg': UBUNTU_CLOUD_CFG,
    '/etc/cloud/cloud.cfg.d/05_logging.cfg': CLOUD_CFG_LOGGING,
    '/etc/cloud/cloud.cfg.d/90-installer-network.cfg': INSTALLER_NETWORK,
    '/etc/cloud/cloud.cfg.d/90_dpkg.cfg':
      '# to update this file, run dpkg-reconfigure cloud-init\ndatasource_list: [ NoCloud, None ]\n',
    '/etc/cloud/cloud.cfg.d/99-installer.cfg': 'datasource:\n  None:\n    metadata:\n      instance-id: 0f3c7b5e-6a1d-4e2b-9c8f-1d2e3f4a5b6c\n',
    '/etc/cloud/cloud.cfg.d/subiquity-disable-cloudinit-networking.cfg': 'network: {config: disabled}\n',
    '/sys/class/dmi/id/sys_vendor': 'Microsoft Corporation\n',
    '/sys/class/dmi/id/product_name': 'Virtual Machine\n',
    '/sys/class/dmi/id/product_version': 'Hyper-V UEFI Release v4.1\n',
    '/sys/class/dmi/id/bios_vendor': 'Microsoft Corporation\n',
    '/sys/class/dmi/id/bios_version': 'Hyper-V UEFI Release v4.1\n',
    '/sys/class/dmi/id/chassis_asset_tag': '1146-2530-7713-6620-5931-2574-26\n',
    '/proc/sys/net/ipv4/ip_forward': '0\n',
  },
  dirs: {
    '/etc/netplan': ['50-cloud-init.yaml'],
    '/lib/netplan': ['generate'],
    '/etc/cloud/cloud.cfg.d': [
      '05_logging.cfg',
      '90-installer-network.cfg',
      '90_dpkg.cfg',
      '99-installer.cfg',
      'README',
      'subiquity-disable-cloudinit-networking.cfg',
    ],
  },
  links: {
    '/proc/self/ns/net': `net:[${NETNS}]`,
    '/sys/class/net/eth0/device/driver': '../../../../../../bus/vmbus/drivers/hv_netvsc',
  },
};
