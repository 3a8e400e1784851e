/**
 * A small capture document written by hand for the UI's end-to-end test: the original plan's
 * host shape (a Proxmox KVM guest, ens18 at 198.51.100.240/24 by networkd's DHCP via
 * 198.51.100.1, netplan from cloud-init, the operator on SSH over ens18), in the output formats of
 * iproute2's `-j`, ps, systemd-detect-virt and iptables-save. nmcli, networkctl and nft are absent.
 */
import { CAPTURE_FORMAT, type CaptureDocument, type CapturedCommand } from '../../source/system/capture.js';

const json = (value: unknown) => JSON.stringify(value);
const ok = (argv: string[], stdout: string): CapturedCommand => ({ argv, exitCode: 0, stdout, stderr: '' });
const missing = (argv: string[]): CapturedCommand => ({
  argv,
  exitCode: 127,
  stdout: '',
  stderr: '',
  notFound: true,
});

const LINK_LO = {
  ifindex: 1,
  ifname: 'lo',
  flags: ['LOOPBACK', 'UP', 'LOWER_UP'],
  mtu: 65536,
  qdisc: 'noqueue',
  operstate: 'UNKNOWN',
  linkmode: 'DEFAULT',
  group: 'default',
  txqlen: 1000,
  link_type: 'loopback',
  address: '00:00:00:00:00:00',
  broadcast: '00:00:00:00:00:00',
  promiscuity: 0,
  min_mtu: 0,
  max_mtu: 0,
};

const LINK_ENS18 = {
  ifindex: 2,
  ifname: 'ens18',
  flags: ['BROADCAST', 'MULTICAST', 'UP', 'LOWER_UP'],
  mtu: 1500,
  qdisc: 'fq_codel',
  operstate: 'UP',
  linkmode: 'DEFAULT',
  group: 'default',
  txqlen: 1000,
  link_type: 'ether',
  address: '52:54:00:12:34:56',
  broadcast: 'ff:ff:ff:ff:ff:ff',
  promiscuity: 0,
  min_mtu: 68,
  max_mtu: 65535,
  parentbus: 'virtio',
  parentdev: 'virtio2',
  altnames: ['enp0s18'],
};

const ADDRESSES = [
  {
    ...LINK_LO,
    addr_info: [
      {
        family: 'inet',
        local: '127.0.0.1',
        prefixlen: 8,
        scope: 'host',
        label: 'lo',
        valid_life_time: 4294967295,
        preferred_life_time: 4294967295,
      },
    ],
  },
  {
    ...LINK_ENS18,
    addr_info: [
      {
        family: 'inet',
        local: '198.51.100.240',
        prefixlen: 24,
        metric: 100,
        broadcast: '198.51.100.255',
        scope: 'global',
        dynamic: true,
        label: 'ens18',
        valid_life_time: 85603,
        preferred_life_time: 85603,
      },
    ],
  },
];

const ROUTES4 = [
  {
    dst: 'default',
    gateway: '198.51.100.1',
    dev: 'ens18',
    protocol: 'dhcp',
    prefsrc: '198.51.100.240',
    metric: 100,
    flags: [],
  },
  {
    dst: '198.51.100.0/24',
    dev: 'ens18',
    protocol: 'kernel',
    scope: 'link',
    prefsrc: '198.51.100.240',
    metric: 100,
    flags: [],
  },
  {
    dst: '198.51.100.1',
    dev: 'ens18',
    protocol: 'dhcp',
    scope: 'link',
    prefsrc: '198.51.100.240',
    metric: 100,
    flags: [],
  },
  {
    type: 'local',
    dst: '127.0.0.0/8',
    table: 'local',
    dev: 'lo',
    protocol: 'kernel',
    scope: 'host',
    prefsrc: '127.0.0.1',
    flags: [],
  },
  {
    type: 'local',
    dst: '198.51.100.240',
    table: 'local',
    dev: 'ens18',
    protocol: 'kernel',
    scope: 'host',
    prefsrc: '198.51.100.240',
    flags: [],
  },
  {
    type: 'broadcast',
    dst: '198.51.100.255',
    table: 'local',
    dev: 'ens18',
    protocol: 'kernel',
    scope: 'link',
    prefsrc: '198.51.100.240',
    flags: [],
  },
];

const RULES4 = [
  { priority: 0, src: 'all', table: 'local' },
  { priority: 32766, src: 'all', table: 'main' },
  { priority: 32767, src: 'all', table: 'default' },
];

const NETPLAN = `# This file is generated from information provided by the datasource.  Changes
# to it will not persist across an instance reboot.  To disable cloud-init's
# network configuration capabilities, write a file
# /etc/cloud/cloud.cfg.d/99-disable-network-config.cfg with the following:
# network: {config: disabled}
network:
    ethernets:
        ens18:
            dhcp4: true
            match:
                macaddress: 52:54:00:12:34:56
            set-name: ens18
    version: 2
`;

export function replayHostDocument(): CaptureDocument {
  return {
    format: CAPTURE_FORMAT,
    header: {
      name: 'ui-proxmox-dhcp',
      description:
        'Proxmox KVM guest, ens18 by DHCP via netplan/networkd, SSH over ens18 (UI end-to-end test)',
      origin: 'composed',
      capturedAt: '2025-01-15T10:00:00.000Z',
    },
    env: { uid: 0, sshConnection: '198.51.100.23 52144 198.51.100.240 22', rootDir: '/' },
    commands: [
      ok(['ip', '-j', '-d', 'link', 'show'], json([LINK_LO, LINK_ENS18])),
      ok(['ip', '-j', 'address', 'show'], json(ADDRESSES)),
      ok(['ip', '-4', '-j', 'route', 'show', 'table', 'all'], json(ROUTES4)),
      ok(['ip', '-6', '-j', 'route', 'show', 'table', 'all'], '[]'),
      ok(['ip', '-4', '-j', 'rule', 'show'], json(RULES4)),
      ok(['ip', '-6', '-j', 'rule', 'show'], json(RULES4.slice(0, 2))),
      ok(
        ['ip', '-j', 'route', 'get', '198.51.100.23'],
        json([
          { dst: '198.51.100.23', dev: 'ens18', prefsrc: '198.51.100.240', flags: [], uid: 0, cache: [] },
        ]),
      ),
      ok(
        ['ps', '-eo', 'pid=,netns=,args='],
        '    1 4026531840 /sbin/init\n  640 4026531840 /lib/systemd/systemd-networkd\n',
      ),
      ok(['systemd-detect-virt'], 'kvm\n'),
      ok(
        ['iptables-save'],
        '*filter\n:INPUT ACCEPT [0:0]\n:FORWARD ACCEPT [0:0]\n:OUTPUT ACCEPT [0:0]\nCOMMIT\n',
      ),
      missing(['nft', '-j', 'list', 'ruleset']),
      missing(['nft', '-a', 'list', 'ruleset']),
      missing(['networkctl', 'list', '--no-legend', '--no-pager']),
      missing(['nmcli', '-t', '-f', 'DEVICE,TYPE,STATE,CONNECTION', 'device']),
    ],
    files: {
      '/proc/sys/kernel/hostname': 'fc-host\n',
      '/etc/resolv.conf': 'nameserver 127.0.0.53\noptions edns0 trust-ad\nsearch lan\n',
      '/run/systemd/resolve/resolv.conf': 'nameserver 198.51.100.1\nsearch lan\n',
      '/etc/netplan/50-cloud-init.yaml': NETPLAN,
      '/etc/network/interfaces': null,
      '/etc/cloud/cloud.cfg': null,
      '/proc/sys/net/bridge/bridge-nf-call-iptables': null,
      '/proc/sys/net/bridge/bridge-nf-call-ip6tables': null,
      '/proc/sys/net/ipv4/ip_forward': '0\n',
      '/sys/class/dmi/id/sys_vendor': 'QEMU\n',
      '/sys/class/dmi/id/product_name': 'Standard PC (i440FX + PIIX, 1996)\n',
      '/sys/class/dmi/id/product_version': 'pc-i440fx-8.1\n',
      '/sys/class/dmi/id/bios_vendor': 'SeaBIOS\n',
      '/sys/class/dmi/id/bios_version': 'rel-1.16.3-0-ga6ed6b701f0a-prebuilt.qemu.org\n',
      '/sys/class/dmi/id/chassis_asset_tag': '\n',
      // networkd's state for ens18 (index 2), where its DHCP lease would be named: none.
      '/run/systemd/netif/links/2': null,
    },
    dirs: {
      '/etc/netplan': ['50-cloud-init.yaml'],
      '/run/netplan': null,
      '/lib/netplan': null,
      '/etc/cloud/cloud.cfg.d': null,
      '/sys/module/br_netfilter': null,
      '/sys/class/net/lo/wireless': null,
      '/sys/class/net/lo/phy80211': null,
      '/sys/class/net/ens18/wireless': null,
      '/sys/class/net/ens18/phy80211': null,
    },
    links: {
      '/proc/self/ns/net': 'net:[4026531840]',
      '/sys/class/net/lo/device/driver': null,
      '/sys/class/net/ens18/device/driver': '../../../../bus/virtio/drivers/virtio_net',
    },
  };
}
