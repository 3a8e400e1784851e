/**
 * A bonded uplink: Ubuntu 22.04 on bare metal, bond0 in 802.3ad (LACP) over eno1 and eno2 with a
 * static address, all from a hand-written netplan file rendered by networkd. The bond is the
 * uplink; the bridge would sit on top of it, so the switch sees guest MACs over the LACP group.
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
  NOT_INSTALLED,
  psOutput,
  STANDARD_RULES4,
  STANDARD_RULES6,
  UBUNTU_STUB_RESOLV_CONF,
  UBUNTU_UPSTREAM_RESOLV_CONF,
} from '../tool-output.mjs';

const NETNS = '4026531840';
const ENO1_MAC = 'b4:96:91:2c:7e:40';
const ENO2_MAC = 'b4:96:91:2c:7e:41';
// networkd gives the bond a MAC derived from its machine id and name (MACAddressPolicy=persistent).
const BOND_MAC = '6a:f0:5d:23:c9:8b';
const LINK_LOCAL = 'fe80::68f0:5dff:fe23:c98b';

const port = (ifindex, ifname, permaddr, pciFunction, aggregatorId) =>
  link({
    ifindex,
    ifname,
    mac: BOND_MAC,
    permaddr,
    flags: ['BROADCAST', 'MULTICAST', 'SLAVE', 'UP', 'LOWER_UP'],
    qdisc: 'mq',
    master: 'bond0',
    maxMtu: 9710,
    queues: [8, 8],
    linkinfo: {
      info_slave_kind: 'bond',
      info_slave_data: {
        state: 'ACTIVE',
        mii_status: 'UP',
        link_failure_count: 0,
        perm_hwaddr: permaddr,
        queue_id: 0,
        prio: 0,
        ad_aggregator_id: aggregatorId,
        ad_actor_oper_port_state: 63,
        ad_actor_oper_port_state_str: ['active', 'short_timeout', 'aggregating', 'in_sync', 'collecting', 'distributing'],
        ad_partner_oper_port_state: 61,
        ad_partner_oper_port_state_str: ['active', 'aggregating', 'in_sync', 'collecting', 'distributing'],
      },
    },
    parent: ['pci', `0000:18:00.${pciFunction}`],
    altnames: [`enp24s0f${pciFunction}`],
  });

const lo = loopback();
const eno1 = port(2, 'eno1', ENO1_MAC, 0, 1);
const eno2 = port(3, 'eno2', ENO2_MAC, 1, 1);
const bond0 = link({
  ifindex: 4,
  ifname: 'bond0',
  mac: BOND_MAC,
  flags: ['BROADCAST', 'MULTICAST', 'MASTER', 'UP', 'LOWER_UP'],
  qdisc: 'noqueue',
  addrGenMode: 'none',
  linkinfo: {
    info_kind: 'bond',
    info_data: {
      mode: '802.3ad',
      miimon: 100,
      updelay: 0,
      downdelay: 0,
      peer_notify_delay: 0,
      use_carrier: 1,
      arp_interval: 0,
      arp_validate: null,
      arp_all_targets: 'any',
      primary_reselect: 'always',
      fail_over_mac: 'none',
      xmit_hash_policy: 'layer3+4',
      resend_igmp: 1,
      num_peer_notif: 1,
      all_slaves_active: 0,
      min_links: 0,
      lp_interval: 1,
      packets_per_slave: 1,
      ad_lacp_active: 'on',
      ad_lacp_rate: 'fast',
      ad_select: 'stable',
      ad_info: {
        aggregator: 1,
        num_ports: 2,
        actor_key: 15,
        partner_key: 32773,
        partner_mac: '00:1c:73:4a:0b:f2',
      },
      ad_actor_sys_prio: 65535,
      ad_user_port_key: 0,
      ad_actor_system: '00:00:00:00:00:00',
      tlb_dynamic_lb: 1,
    },
  },
  queues: [16, 16],
});

const addresses = [
  addressEntry(lo, LOOPBACK_ADDRESSES),
  addressEntry(eno1, []),
  addressEntry(eno2, []),
  addressEntry(bond0, [
    inet({ local: '198.51.100.20', prefixlen: 24, broadcast: '198.51.100.255', label: 'bond0' }),
    inet6({ local: LINK_LOCAL }),
  ]),
];

const routes4 = [
  { dst: 'default', gateway: '198.51.100.1', dev: 'bond0', protocol: 'static', flags: [] },
  { dst: '198.51.100.0/24', dev: 'bond0', protocol: 'kernel', scope: 'link', prefsrc: '198.51.100.20', flags: [] },
  ...localTable4([{ dev: 'bond0', local: '198.51.100.20', broadcast: '198.51.100.255' }]),
];

const routes6 = [
  { dst: 'fe80::/64', dev: 'bond0', protocol: 'kernel', metric: 256, flags: [], pref: 'medium' },
  ...localTable6({ addresses: [[LINK_LOCAL, 'bond0']], multicast: [['bond0']] }),
];

const NETPLAN = `network:
  version: 2
  renderer: networkd
  ethernets:
    eno1: {}
    eno2: {}
  bonds:
    bond0:
      interfaces: [eno1, eno2]
      addresses: [198.51.100.20/24]
      routes:
        - to: default
          via: 198.51.100.1
      nameservers:
        addresses: [198.51.100.53]
        search: [dc.example]
      parameters:
        mode: 802.3ad
        lacp-rate: fast
        mii-monitor-interval: 100
        transmit-hash-policy: layer3+4
`;

const CLIENT = '198.51.100.50';
const CAPTURE = 'node /usr/local/bin/bridge-migrate capture -o db02.json';

export default {
  description:
    "Composed from the tools' documented output formats (iproute2 6.1 JSON as captured on the build " +
    'machine): an Ubuntu 22.04 server on bare metal (systemd-detect-virt none), bond0 in 802.3ad mode ' +
    '(LACP rate fast, layer3+4 hashing) over eno1 and eno2 (i40e; both carry the bond\'s MAC, permaddr ' +
    'shows their own), static 198.51.100.20/24 with a default route via 198.51.100.1 on bond0, from ' +
    'a hand-written /etc/netplan/01-netcfg.yaml (ethernets eno1/eno2, bonds.bond0 with parameters) ' +
    'rendered by systemd-networkd. Empty firewall. Operator on SSH from 198.51.100.50. ps output abridged.',
  env: { uid: 0, sshConnection: `${CLIENT} 58101 198.51.100.20 22`, rootDir: '/' },
  commands: {
    'ip -j -d link show': { stdout: ipJson([lo, eno1, eno2, bond0]) },
    'ip -j address show': { stdout: ipJson(addresses) },
    'ip -4 -j route show table all': { stdout: ipJson(routes4) },
    'ip -6 -j route show table all': { stdout: ipJson(routes6) },
    'ip -4 -j rule show': { stdout: STANDARD_RULES4 },
    'ip -6 -j rule show': { stdout: STANDARD_RULES6 },
    [`ip -j route get ${CLIENT}`]: {
      stdout: ipJson([{ dst: CLIENT, dev: 'bond0', prefsrc: '198.51.100.20', flags: [], uid: 0, cache: [] }]),
    },
    'networkctl list --no-legend --no-pager': {
      stdout: networkctlList([
        [1, 'lo', 'loopback', 'carrier', 'unmanaged'],
        [2, 'eno1', 'ether', 'enslaved', 'configured'],
        [3, 'eno2', 'ether', 'enslaved', 'configured'],
        [4, 'bond0', 'bond', 'routable', 'configured'],
      ]),
    },
    'nmcli -t -f DEVICE,TYPE,STATE,CONNECTION device': NOT_INSTALLED,
    'ps -eo pid=,netns=,args=': {
      stdout: psOutput([
        [1, NETNS, '/sbin/init'],
        [2, NETNS, '[kthreadd]'],
        [388, NETNS, '/lib/systemd/systemd-journald'],
        [702, NETNS, '/lib/systemd/systemd-networkd'],
        [716, NETNS, '/lib/systemd/systemd-resolved'],
        [790, NETNS, 'sshd: /usr/sbin/sshd -D [listener] 0 of 10-100 startups'],
        [2630, NETNS, 'sshd: admin [priv]'],
        [2702, NETNS, 'sshd: admin@pts/0'],
        [2703, NETNS, '-bash'],
        [2851, NETNS, `sudo ${CAPTURE}`],
        [2852, NETNS, CAPTURE],
        [2863, NETNS, 'ps -eo pid=,netns=,args='],
      ]),
    },
    'systemd-detect-virt': { exitCode: 1, stdout: 'none\n' },
    'iptables-save': { stdout: '' },
    'nft -j list ruleset': { stdout: emptyNftRuleset(...NFT_1_0_2) },
    'nft -a list ruleset': { stdout: '' },
  },
  files: {
    '/proc/sys/kernel/hostname': 'db02\n',
    '/etc/resolv.conf': UBUNTU_STUB_RESOLV_CONF('dc.example'),
    '/run/systemd/resolve/resolv.conf': UBUNTU_UPSTREAM_RESOLV_CONF(['198.51.100.53'], 'dc.example'),
    '/etc/netplan/01-netcfg.yaml': NETPLAN,
    '/sys/class/dmi/id/sys_vendor': 'Dell Inc.\n',
    '/sys/class/dmi/id/product_name': 'PowerEdge R650\n',
    '/sys/class/dmi/id/product_version': '\n',
    '/sys/class/dmi/id/bios_vendor': 'Dell Inc.\n',
    '/sys/class/dmi/id/bios_version': '1.10.2\n',
    '/sys/class/dmi/id/chassis_asset_tag': '\n',
    '/proc/sys/net/ipv4/ip_forward': '0\n',
  },
  dirs: {
    '/etc/netplan': ['01-netcfg.yaml'],
    '/lib/netplan': ['generate'],
  },
  links: {
    '/proc/self/ns/net': `net:[${NETNS}]`,
    '/sys/class/net/eno1/device/driver': '../../../bus/pci/drivers/i40e',
    '/sys/class/net/eno2/device/driver': '../../../bus/pci/drivers/i40e',
  },
};
