/**
 * The original plan's host: Ubuntu 24.04 VM under Proxmox VE, ens18 (virtio) by DHCP through the
 * netplan file cloud-init wrote (match by MAC + set-name) and systemd-networkd, 192.168.18.240/24
 * via 192.168.18.1 (the plan's own addresses: this documents the real customer host and is never
 * used for traffic), the operator's SSH session from a laptop on the same LAN.
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
const MAC = 'bc:24:11:5e:8a:01';

const lo = loopback();
const ens18 = link({
  ifindex: 2,
  ifname: 'ens18',
  mac: MAC,
  addrGenMode: 'none',
  parent: ['virtio', 'virtio1'],
  altnames: ['enp0s18'],
});

const addresses = [
  addressEntry(lo, LOOPBACK_ADDRESSES),
  addressEntry(ens18, [
    inet({
      local: '192.168.18.240',
      prefixlen: 24,
      metric: 100,
      broadcast: '192.168.18.255',
      dynamic: true,
      label: 'ens18',
      valid: 85321,
    }),
    inet6({ local: 'fe80::be24:11ff:fe5e:8a01' }),
  ]),
];

const routes4 = [
  { dst: 'default', gateway: '192.168.18.1', dev: 'ens18', protocol: 'dhcp', prefsrc: '192.168.18.240', metric: 100, flags: [] },
  { dst: '192.168.18.0/24', dev: 'ens18', protocol: 'kernel', scope: 'link', prefsrc: '192.168.18.240', metric: 100, flags: [] },
  { dst: '192.168.18.1', dev: 'ens18', protocol: 'dhcp', scope: 'link', prefsrc: '192.168.18.240', metric: 100, flags: [] },
  ...localTable4([{ dev: 'ens18', local: '192.168.18.240', broadcast: '192.168.18.255' }]),
];

const routes6 = [
  { dst: 'fe80::/64', dev: 'ens18', protocol: 'kernel', metric: 256, flags: [], pref: 'medium' },
  ...localTable6({ addresses: [['fe80::be24:11ff:fe5e:8a01', 'ens18']], multicast: [['ens18']] }),
];

const NETPLAN = `${CLOUD_INIT_NETPLAN_HEADER}network:
    ethernets:
        ens18:
            dhcp4: true
            match:
                macaddress: ${MAC}
            set-name: ens18
    version: 2
`;

const CLIENT = '192.168.18.50';
const CAPTURE = ['node', '/usr/local/bin/bridge-migrate', 'capture', '-o', 'ubuntu-fc.json'];

/**
 * networkd's record of the lease (its link state file names the lease file): netplan sets no
 * dhcp-identifier, so networkd sends its default RFC 4361 identity (IAID + DUID-EN).
 */
const LEASE_STATE = {
  '/run/systemd/netif/links/2': networkdLinkState({
    ifindex: 2,
    networkFile: '/run/systemd/network/10-netplan-ens18.network',
    duid: '0000ab11a47c19e8f3b02d56',
  }),
  '/run/systemd/netif/leases/2': networkdLease({
    address: '192.168.18.240',
    netmask: '255.255.255.0',
    router: '192.168.18.1',
    server: '192.168.18.1',
    broadcast: '192.168.18.255',
    lifetime: 86400,
    dns: ['192.168.18.1'],
    domain: 'lan',
    iaid: '5d0c31e7',
    duid: '0000ab11a47c19e8f3b02d56',
  }),
};

export default {
  description:
    "The original plan's host, composed from the tools' documented output formats (iproute2 6.1 JSON as " +
    'captured on the build machine): an Ubuntu 24.04 VM under Proxmox VE (systemd-detect-virt kvm, DMI ' +
    'QEMU "Standard PC (Q35 + ICH9, 2009)" with SeaBIOS; Proxmox itself shows only in the MAC prefix ' +
    'bc:24:11), ens18 on virtio_net with 192.168.18.240/24 by DHCP from the router 192.168.18.1 through ' +
    "cloud-init's /etc/netplan/50-cloud-init.yaml (match by macaddress, set-name) and systemd-networkd, " +
    'systemd-resolved stub resolv.conf, no NetworkManager, empty firewall, the operator on SSH from ' +
    '192.168.18.50 on the same LAN. These are the plan\'s real addresses (documentation only, never used ' +
    'for traffic). ps output abridged to the relevant processes; cloud.cfg abridged.',
  env: { uid: 0, sshConnection: `${CLIENT} 52814 192.168.18.240 22`, rootDir: '/' },
  commands: {
    'ip -j -d link show': { stdout: ipJson([lo, ens18]) },
    'ip -j address show': { stdout: ipJson(addresses) },
    'ip -4 -j route show table all': { stdout: ipJson(routes4) },
    'ip -6 -j route show table all': { stdout: ipJson(routes6) },
    'ip -4 -j rule show': { stdout: STANDARD_RULES4 },
    'ip -6 -j rule show': { stdout: STANDARD_RULES6 },
    [`ip -j route get ${CLIENT}`]: {
      stdout: ipJson([{ dst: CLIENT, dev: 'ens18', prefsrc: '192.168.18.240', flags: [], uid: 0, cache: [] }]),
    },
    'networkctl list --no-legend --no-pager': {
      stdout: networkctlList([
        [1, 'lo', 'loopback', 'carrier', 'unmanaged'],
        [2, 'ens18', 'ether', 'routable', 'configured'],
      ]),
    },
    'nmcli -t -f DEVICE,TYPE,STATE,CONNECTION device': NOT_INSTALLED,
    'ps -eo pid=,netns=,args=': {
      stdout: psOutput([
        [1, NETNS, '/sbin/init'],
        [2, NETNS, '[kthreadd]'],
        [412, NETNS, '/usr/lib/systemd/systemd-journald'],
        [468, NETNS, '/usr/lib/systemd/systemd-udevd'],
        [603, NETNS, '/usr/lib/systemd/systemd-networkd'],
        [617, NETNS, '/usr/lib/systemd/systemd-resolved'],
        [621, NETNS, '/usr/lib/systemd/systemd-timesyncd'],
        [702, NETNS, '/usr/sbin/qemu-ga'],
        [731, NETNS, '/usr/sbin/cron -f -P'],
        [756, NETNS, 'sshd: /usr/sbin/sshd -D [listener] 0 of 10-100 startups'],
        [1893, NETNS, 'sshd: ubuntu [priv]'],
        [1961, NETNS, 'sshd: ubuntu@pts/0'],
        [1962, NETNS, '-bash'],
        [2107, NETNS, `sudo ${CAPTURE.join(' ')}`],
        [2108, NETNS, CAPTURE.join(' ')],
        [2119, NETNS, 'ps -eo pid=,netns=,args='],
      ]),
    },
    'systemd-detect-virt': { stdout: 'kvm\n' },
    'iptables-save': { stdout: '' },
    'nft -j list ruleset': { stdout: emptyNftRuleset(...NFT_1_0_9) },
    'nft -a list ruleset': { stdout: '' },
  },
  files: {
    ...LEASE_STATE,
    // cloud-init's generator reads it for cloud-init=disabled|enabled; this one has neither.
    '/proc/cmdline': 'BOOT_IMAGE=/vmlinuz-6.8.0-49-generic root=UUID=5b1f0c1e-3d4a-4f0e-9a51-7e2c8d6b4a10 ro console=tty1 console=ttyS0\n',
    '/proc/sys/kernel/hostname': 'ubuntu-fc\n',
    '/etc/resolv.conf': UBUNTU_STUB_RESOLV_CONF('lan'),
    '/run/systemd/resolve/resolv.conf': UBUNTU_UPSTREAM_RESOLV_CONF(['192.168.18.1'], 'lan'),
    '/etc/netplan/50-cloud-init.yaml': NETPLAN,
    '/etc/cloud/cloud.cfg': UBUNTU_CLOUD_CFG,
    '/etc/cloud/cloud.cfg.d/05_logging.cfg': CLOUD_CFG_LOGGING,
    '/etc/cloud/cloud.cfg.d/90_dpkg.cfg':
      '# to update this file, run dpkg-reconfigure cloud-init\ndatasource_list: [ NoCloud, ConfigDrive, OpenNebula, DigitalOcean, Azure, AltCloud, OVF, MAAS, GCE, OpenStack, CloudSigma, SmartOS, Bigstep, Scaleway, AliYun, Ec2, CloudStack, Hetzner, IBMCloud, Oracle, Exoscale, RbxCloud, UpCloud, VMware, Vultr, LXD, NWCS, Akamai, WSL, None ]\n',
    '/sys/class/dmi/id/sys_vendor': 'QEMU\n',
    '/sys/class/dmi/id/product_name': 'Standard PC (Q35 + ICH9, 2009)\n',
    '/sys/class/dmi/id/product_version': 'pc-q35-8.1\n',
    '/sys/class/dmi/id/bios_vendor': 'SeaBIOS\n',
    '/sys/class/dmi/id/bios_version': 'rel-1.16.3-0-ga6ed6b701f0a-prebuilt.qemu.org\n',
    '/sys/class/dmi/id/chassis_asset_tag': '\n',
    '/proc/sys/net/ipv4/ip_forward': '0\n',
  },
  dirs: {
    '/etc/netplan': ['50-cloud-init.yaml'],
    '/lib/netplan': ['generate'],
    '/etc/cloud/cloud.cfg.d': ['05_logging.cfg', '90_dpkg.cfg', 'README'],
  },
  links: {
    '/proc/self/ns/net': `net:[${NETNS}]`,
    '/sys/class/net/ens18/device/driver': '../../../../bus/virtio/drivers/virtio_net',
  },
};
