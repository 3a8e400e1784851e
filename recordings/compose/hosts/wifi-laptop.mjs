/**
 * An Ubuntu 22.04 desktop laptop on Wi-Fi: wlp2s0 (iwlwifi) is the uplink, the wired port has no
 * cable, NetworkManager manages everything (netplan hands all devices to it). A Wi-Fi station can
 * only send frames with its own MAC, so a bridge over it cannot carry guests: the plan is blocked.
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
  NFT_1_0_2,
  networkctlList,
  PHY80211_DIR,
  psOutput,
  STANDARD_RULES4,
  STANDARD_RULES6,
  UBUNTU_STUB_RESOLV_CONF,
  UBUNTU_UPSTREAM_RESOLV_CONF,
  WIRELESS_DIR,
} from '../tool-output.mjs';

const NETNS = '4026531840';
const WIFI_MAC = '3c:a9:f4:5d:12:8e';
const WIRED_MAC = '8c:8c:aa:31:c5:02';
const LINK_LOCAL = 'fe80::c1a4:7f2e:9b30:5d16';

const lo = loopback();
const wired = link({
  ifindex: 2,
  ifname: 'enp0s31f6',
  mac: WIRED_MAC,
  flags: ['NO-CARRIER', 'BROADCAST', 'MULTICAST', 'UP'],
  operstate: 'DOWN',
  addrGenMode: 'none',
  maxMtu: 9000,
  parent: ['pci', '0000:00:1f.6'],
});
const wifi = link({
  ifindex: 3,
  ifname: 'wlp2s0',
  mac: WIFI_MAC,
  qdisc: 'noqueue',
  linkmode: 'DORMANT',
  addrGenMode: 'none',
  minMtu: 256,
  maxMtu: 2304,
  queues: [4, 1],
  parent: ['pci', '0000:02:00.0'],
});

const addresses = [
  addressEntry(lo, LOOPBACK_ADDRESSES),
  addressEntry(wired, []),
  addressEntry(wifi, [
    inet({
      local: '198.51.100.142',
      prefixlen: 24,
      broadcast: '198.51.100.255',
      dynamic: true,
      noprefixroute: true,
      label: 'wlp2s0',
      valid: 80412,
    }),
    inet6({ local: LINK_LOCAL, noprefixroute: true }),
  ]),
];

const routes4 = [
  { dst: 'default', gateway: '198.51.100.1', dev: 'wlp2s0', protocol: 'dhcp', metric: 600, flags: [] },
  { dst: '169.254.0.0/16', dev: 'wlp2s0', scope: 'link', metric: 1000, flags: [] },
  { dst: '198.51.100.0/24', dev: 'wlp2s0', protocol: 'kernel', scope: 'link', prefsrc: '198.51.100.142', metric: 600, flags: [] },
  ...localTable4([{ dev: 'wlp2s0', local: '198.51.100.142', broadcast: '198.51.100.255' }]),
];

const routes6 = [
  { dst: 'fe80::/64', dev: 'wlp2s0', protocol: 'kernel', metric: 1024, flags: [], pref: 'medium' },
  ...localTable6({ addresses: [[LINK_LOCAL, 'wlp2s0']], multicast: [['wlp2s0']] }),
];

const CAPTURE = 'node /usr/local/bin/bridge-migrate capture -o laptop.json';

export default {
  description:
    "Composed from the tools' documented output formats (iproute2 6.1 JSON as captured on the build " +
    'machine, nmcli terse output): an Ubuntu 22.04 desktop on a ThinkPad (bare metal), uplink wlp2s0 ' +
    '(iwlwifi; /sys/class/net/wlp2s0/wireless and phy80211 present) with 198.51.100.142/24 by ' +
    "NetworkManager's DHCP (route metric 600, plus the 169.254.0.0/16 route Ubuntu desktops add), " +
    'the wired enp0s31f6 without a cable; netplan\'s 01-network-manager-all.yaml hands every device to ' +
    'NetworkManager, networkd installed but not running, empty firewall. Run from a local terminal with ' +
    'sudo (no SSH session). ps output abridged. /var/lib/NetworkManager holds the internal client\'s ' +
    'lease file, which records only the address (nm-dhcp-nettools.c lease_save).',
  env: { uid: 0, sshConnection: null, rootDir: '/' },
  commands: {
    'ip -j -d link show': { stdout: ipJson([lo, wired, wifi]) },
    'ip -j address show': { stdout: ipJson(addresses) },
    'ip -4 -j route show table all': { stdout: ipJson(routes4) },
    'ip -6 -j route show table all': { stdout: ipJson(routes6) },
    'ip -4 -j rule show': { stdout: STANDARD_RULES4 },
    'ip -6 -j rule show': { stdout: STANDARD_RULES6 },
    'networkctl list --no-legend --no-pager': {
      stdout: networkctlList([
        [1, 'lo', 'loopback', 'n/a', 'unmanaged'],
        [2, 'enp0s31f6', 'ether', 'n/a', 'unmanaged'],
        [3, 'wlp2s0', 'wlan', 'n/a', 'unmanaged'],
      ]),
      stderr: 'WARNING: systemd-networkd is not running, output will be incomplete.\n',
    },
    'nmcli -t -f DEVICE,TYPE,STATE,CONNECTION device': {
      stdout:
        'wlp2s0:wifi:connected:HomeNet\np2p-dev-wlp2s0:wifi-p2p:disconnected:\nenp0s31f6:ethernet:unavailable:\nlo:loopback:unmanaged:\n',
    },
    'ps -eo pid=,netns=,args=': {
      stdout: psOutput([
        [1, NETNS, '/sbin/init splash'],
        [2, NETNS, '[kthreadd]'],
        [341, NETNS, '/lib/systemd/systemd-journald'],
        [702, NETNS, '/lib/systemd/systemd-resolved'],
        [861, NETNS, '/usr/sbin/NetworkManager --no-daemon'],
        [889, NETNS, '/sbin/wpa_supplicant -u -s -O /run/wpa_supplicant'],
        [1502, NETNS, '/usr/libexec/gdm-wayland-session env GNOME_SHELL_SESSION_MODE=ubuntu /usr/bin/gnome-session --session=ubuntu'],
        [2377, NETNS, '/usr/libexec/gnome-terminal-server'],
        [2391, NETNS, 'bash'],
        [4120, NETNS, `sudo ${CAPTURE}`],
        [4121, NETNS, CAPTURE],
        [4132, NETNS, 'ps -eo pid=,netns=,args='],
      ]),
    },
    'systemd-detect-virt': { exitCode: 1, stdout: 'none\n' },
    'iptables-save': { stdout: '' },
    'nft -j list ruleset': { stdout: emptyNftRuleset(...NFT_1_0_2) },
    'nft -a list ruleset': { stdout: '' },
  },
  files: {
    // NetworkManager's internal DHCP client (nettools) saves only the address it holds.
    '/var/lib/NetworkManager/internal-b7e4d2a9-3c51-4f86-9e0b-61a8c7d5f213-wlp2s0.lease': '# This is private data. Do not parse.\nADDRESS=198.51.100.142\n',
    '/proc/sys/kernel/hostname': 'thinkpad\n',
    '/etc/resolv.conf': UBUNTU_STUB_RESOLV_CONF('lan'),
    '/run/systemd/resolve/resolv.conf': UBUNTU_UPSTREAM_RESOLV_CONF(['198.51.100.1'], 'lan'),
    '/etc/netplan/01-network-manager-all.yaml':
      '# Let NetworkManager manage all devices on this system\nnetwork:\n  version: 2\n  renderer: NetworkManager\n',
    '/sys/class/dmi/id/sys_vendor': 'LENOVO\n',
    '/sys/class/dmi/id/product_name': '20W000T3US\n',
    '/sys/class/dmi/id/product_version': 'ThinkPad T14 Gen 2i\n',
    '/sys/class/dmi/id/bios_vendor': 'LENOVO\n',
    '/sys/class/dmi/id/bios_version': 'N34ET58W (1.58 )\n',
    '/sys/class/dmi/id/chassis_asset_tag': 'No Asset Information\n',
    '/proc/sys/net/ipv4/ip_forward': '0\n',
  },
  dirs: {
    '/var/lib/NetworkManager': ['NetworkManager-intern.conf', 'NetworkManager.state', 'internal-b7e4d2a9-3c51-4f86-9e0b-61a8c7d5f213-wlp2s0.lease', 'secret_key', 'seen-bssids', 'timestamps'],
    '/etc/netplan': ['01-network-manager-all.yaml'],
    '/lib/netplan': ['generate'],
    '/sys/class/net/wlp2s0/wireless': WIRELESS_DIR,
    '/sys/class/net/wlp2s0/phy80211': PHY80211_DIR,
  },
  links: {
    '/proc/self/ns/net': `net:[${NETNS}]`,
    '/sys/class/net/enp0s31f6/device/driver': '../../../bus/pci/drivers/e1000e',
    '/sys/class/net/wlp2s0/device/driver': '../../../../bus/pci/drivers/iwlwifi',
  },
};
