/**
 * Composition aid: builders for the exact text the probed tools print, so a composed host reads
 * like a captured one. Field names and their order follow the real outputs captured on the build
 * machine (recordings/hosts/lab-*.json, test/unit/host/fixtures/*-lab.*): iproute2 6.1 `-j` (one
 * line of compact JSON), nft 1.0 `-j` (one line, ", " and ": " separators), ps with blank headers,
 * NUL-separated /proc/PID/cmdline. Nothing here is used by the tests.
 */

export const FOREVER = 4294967295;

/** `ip -j ...` prints one line of compact JSON; bridge timers always with two decimals ("0.00"). */
export const ipJson = (value) =>
  `${JSON.stringify(value).replace(/"(\w+_timer)":(\d+(?:\.\d+)?)/g, (_, key, number) => `"${key}":${Number(number).toFixed(2)}`)}\n`;

/** `nft -j list ruleset` prints one line with ", " and ": " separators (jansson). */
export function nftJson(value) {
  const encode = (item) => {
    if (Array.isArray(item)) return `[${item.map(encode).join(', ')}]`;
    if (item !== null && typeof item === 'object') {
      return `{${Object.entries(item)
        .map(([key, inner]) => `${JSON.stringify(key)}: ${encode(inner)}`)
        .join(', ')}}`;
    }
    return JSON.stringify(item);
  };
  return `${encode(value)}\n`;
}

/** An empty ruleset as nft prints it: only the metainfo object. */
export function emptyNftRuleset(version, releaseName) {
  return nftJson({ nftables: [{ metainfo: { version, release_name: releaseName, json_schema_version: 1 } }] });
}

export const NFT_1_0_9 = ['1.0.9', 'Old Doc Yak #3'];
export const NFT_1_0_6 = ['1.0.6', 'Lester Gooch #5'];
export const NFT_1_0_2 = ['1.0.2', 'Lester Gooch'];

/** /proc/PID/cmdline: every argument NUL-terminated. */
export const cmdline = (argv) => argv.map((arg) => `${arg}\0`).join('');

/**
 * `ps -eo pid=,netns=,args=`: blank headers, PID right-aligned to the width of pid_max (7 digits
 * where systemd raised it to 4194304), the netns inode, then the command line joined by spaces.
 */
export function psOutput(rows, pidWidth = 7) {
  return rows.map(([pid, netns, args]) => `${String(pid).padStart(pidWidth)} ${netns} ${args}`).join('\n') + '\n';
}

/** `networkctl list --no-legend --no-pager`: IDX LINK TYPE OPERATIONAL SETUP, columns padded. */
export function networkctlList(rows) {
  const widths = [0, 1, 2, 3].map((column) => Math.max(...rows.map((row) => String(row[column]).length)));
  return (
    rows
      .map((row) =>
        [
          String(row[0]).padStart(Math.max(widths[0], 3)),
          String(row[1]).padEnd(widths[1]),
          String(row[2]).padEnd(widths[2]),
          String(row[3]).padEnd(widths[3]),
          String(row[4]),
        ].join(' '),
      )
      .join('\n') + '\n'
  );
}

const LINK_TAIL_KEYS = [
  'inet6_addr_gen_mode',
  'num_tx_queues',
  'num_rx_queues',
  'gso_max_size',
  'gso_max_segs',
  'tso_max_size',
  'tso_max_segs',
  'gro_max_size',
];

/**
 * One entry of `ip -j -d link show`, in iproute2's field order. `o` gives what differs from a
 * plain up Ethernet NIC.
 */
export function link(o) {
  const entry = { ifindex: o.ifindex };
  if (o.linkIndex !== undefined) entry.link_index = o.linkIndex;
  if (o.link !== undefined) entry.link = o.link;
  entry.ifname = o.ifname;
  entry.flags = o.flags ?? ['BROADCAST', 'MULTICAST', 'UP', 'LOWER_UP'];
  entry.mtu = o.mtu ?? 1500;
  entry.qdisc = o.qdisc ?? 'fq_codel';
  if (o.master) entry.master = o.master;
  entry.operstate = o.operstate ?? 'UP';
  entry.linkmode = o.linkmode ?? 'DEFAULT';
  entry.group = 'default';
  entry.txqlen = o.txqlen ?? 1000;
  entry.link_type = o.linkType ?? 'ether';
  if (o.mac !== null) {
    entry.address = o.mac;
    entry.broadcast = o.linkType === 'loopback' ? '00:00:00:00:00:00' : 'ff:ff:ff:ff:ff:ff';
  }
  if (o.permaddr) entry.permaddr = o.permaddr;
  if (o.linkNetnsid !== undefined) entry.link_netnsid = o.linkNetnsid;
  entry.promiscuity = o.promiscuity ?? 0;
  entry.allmulti = o.allmulti ?? 0;
  entry.min_mtu = o.minMtu ?? 68;
  entry.max_mtu = o.maxMtu ?? 65535;
  if (o.linkinfo) entry.linkinfo = o.linkinfo;
  const tail = {
    inet6_addr_gen_mode: o.addrGenMode ?? 'eui64',
    num_tx_queues: o.queues?.[0] ?? 1,
    num_rx_queues: o.queues?.[1] ?? 1,
    gso_max_size: 65536,
    gso_max_segs: 65535,
    tso_max_size: o.tsoMaxSize ?? 65536,
    tso_max_segs: 65535,
    gro_max_size: 65536,
  };
  for (const key of LINK_TAIL_KEYS) entry[key] = tail[key];
  if (o.parent) {
    entry.parentbus = o.parent[0];
    entry.parentdev = o.parent[1];
  }
  if (o.altnames) entry.altnames = o.altnames;
  return entry;
}

export function loopback() {
  return link({
    ifindex: 1,
    ifname: 'lo',
    flags: ['LOOPBACK', 'UP', 'LOWER_UP'],
    mtu: 65536,
    qdisc: 'noqueue',
    operstate: 'UNKNOWN',
    linkType: 'loopback',
    mac: '00:00:00:00:00:00',
    minMtu: 0,
    maxMtu: 0,
    tsoMaxSize: 524280,
  });
}

/** linkinfo of a bridge with the attributes iproute2 6.1 prints for it on the build machine's kernel. */
export function bridgeInfo({ mac, stpState = 0, forwardDelay = 1500, nfCallIptables = 0 }) {
  const id = `8000.${mac}`;
  return {
    info_kind: 'bridge',
    info_data: {
      forward_delay: forwardDelay,
      hello_time: 200,
      max_age: 2000,
      ageing_time: 30000,
      stp_state: stpState,
      priority: 32768,
      vlan_filtering: 0,
      bridge_id: id,
      root_id: id,
      root_port: 0,
      root_path_cost: 0,
      topology_change: 0,
      topology_change_detected: 0,
      hello_timer: 0.0,
      tcn_timer: 0.0,
      topology_change_timer: 0.0,
      gc_timer: 12.48,
      group_fwd_mask: '0',
      group_addr: '01:80:c2:00:00:00',
      mcast_snooping: 1,
      no_linklocal_learn: 0,
      mcast_vlan_snooping: 0,
      mcast_router: 1,
      mcast_query_use_ifaddr: 0,
      mcast_querier: 0,
      mcast_hash_elasticity: 16,
      mcast_hash_max: 4096,
      mcast_last_member_cnt: 2,
      mcast_startup_query_cnt: 2,
      mcast_last_member_intvl: 100,
      mcast_membership_intvl: 26000,
      mcast_querier_intvl: 25500,
      mcast_query_intvl: 12500,
      mcast_query_response_intvl: 1000,
      mcast_startup_query_intvl: 3124,
      mcast_stats_enabled: 0,
      mcast_igmp_version: 2,
      mcast_mld_version: 1,
      nf_call_iptables: nfCallIptables,
      nf_call_ip6tables: nfCallIptables,
      nf_call_arptables: 0,
    },
  };
}

/** info_slave_data of a bridge port, as the kernel reports it. */
export function bridgePortData({ state = 'forwarding', portNo, portId, bridgeMac, designatedCost = 0 }) {
  return {
    state,
    priority: 32,
    cost: 2,
    hairpin: false,
    guard: false,
    root_block: false,
    fastleave: false,
    learning: true,
    flood: true,
    id: portId,
    no: portNo,
    designated_port: Number.parseInt(portId, 16),
    designated_cost: designatedCost,
    bridge_id: `8000.${bridgeMac}`,
    root_id: `8000.${bridgeMac}`,
    hold_timer: 0.0,
    message_age_timer: 0.0,
    forward_delay_timer: 0.0,
    topology_change_ack: 0,
    config_pending: 0,
    proxy_arp: false,
    proxy_arp_wifi: false,
    multicast_router: 1,
    mcast_flood: true,
    bcast_flood: true,
    mcast_to_unicast: false,
    neigh_suppress: false,
    group_fwd_mask: '0',
    group_fwd_mask_str: '0x0',
    vlan_tunnel: false,
    isolated: false,
    locked: false,
  };
}

/** One entry of `ip -j address show`: the link's header fields, then its addresses. */
export function addressEntry(linkEntry, addrInfo) {
  const keys = [
    'ifindex',
    'link_index',
    'link',
    'ifname',
    'flags',
    'mtu',
    'qdisc',
    'master',
    'operstate',
    'group',
    'txqlen',
    'link_type',
    'address',
    'broadcast',
    'permaddr',
    'link_netnsid',
    'altnames',
  ];
  const entry = {};
  for (const key of keys) if (linkEntry[key] !== undefined) entry[key] = linkEntry[key];
  entry.addr_info = addrInfo;
  return entry;
}

/** An IPv4 addr_info item in iproute2's order: local, prefixlen, metric, broadcast, scope, flags, label, lifetimes. */
export function inet(o) {
  const item = { family: 'inet', local: o.local, prefixlen: o.prefixlen };
  if (o.metric !== undefined) item.metric = o.metric;
  if (o.broadcast) item.broadcast = o.broadcast;
  item.scope = o.scope ?? 'global';
  if (o.secondary) item.secondary = true;
  if (o.dynamic) item.dynamic = true;
  if (o.noprefixroute) item.noprefixroute = true;
  item.label = o.label;
  item.valid_life_time = o.valid ?? FOREVER;
  item.preferred_life_time = o.preferred ?? o.valid ?? FOREVER;
  return item;
}

export function inet6(o) {
  const item = { family: 'inet6', local: o.local, prefixlen: o.prefixlen ?? 64, scope: o.scope ?? 'link' };
  if (o.dynamic) item.dynamic = true;
  if (o.mngtmpaddr) item.mngtmpaddr = true;
  if (o.noprefixroute) item.noprefixroute = true;
  item.valid_life_time = o.valid ?? FOREVER;
  item.preferred_life_time = o.preferred ?? o.valid ?? FOREVER;
  return item;
}

export const LOOPBACK_ADDRESSES = [
  inet({ local: '127.0.0.1', prefixlen: 8, scope: 'host', label: 'lo' }),
  inet6({ local: '::1', prefixlen: 128, scope: 'host' }),
];

/** The IPv4 local table the kernel keeps for addresses: local and broadcast routes, sorted by address. */
export function localTable4(entries) {
  const routes = [
    { type: 'local', dst: '127.0.0.0/8', dev: 'lo', prefsrc: '127.0.0.1', scope: 'host' },
    { type: 'local', dst: '127.0.0.1', dev: 'lo', prefsrc: '127.0.0.1', scope: 'host' },
    { type: 'broadcast', dst: '127.255.255.255', dev: 'lo', prefsrc: '127.0.0.1', scope: 'link' },
  ];
  for (const { dev, local, broadcast, prefsrc, linkdown } of entries) {
    routes.push({ type: 'local', dst: local, dev, prefsrc: prefsrc ?? local, scope: 'host' });
    if (broadcast) routes.push({ type: 'broadcast', dst: broadcast, dev, prefsrc: prefsrc ?? local, scope: 'link', linkdown });
  }
  const value = (dst) => dst.split('/')[0].split('.').reduce((sum, octet) => sum * 256 + Number(octet), 0);
  const unique = routes.filter(
    (route, index) => routes.findIndex((other) => other.type === route.type && other.dst === route.dst) === index,
  );
  return unique
    .sort((a, b) => value(a.dst) - value(b.dst) || a.dst.length - b.dst.length)
    .map((route) => ({
      type: route.type,
      dst: route.dst,
      dev: route.dev,
      table: 'local',
      protocol: 'kernel',
      scope: route.scope,
      prefsrc: route.prefsrc,
      flags: route.linkdown ? ['linkdown'] : [],
    }));
}

/** The IPv6 local table: ::1, each address, and ff00::/8 per IPv6-enabled device. */
export function localTable6({ addresses, multicast }) {
  return [
    { type: 'local', dst: '::1', dev: 'lo', table: 'local', protocol: 'kernel', metric: 0, flags: [], pref: 'medium' },
    ...addresses.map(([dst, dev]) => ({
      type: 'local',
      dst,
      dev,
      table: 'local',
      protocol: 'kernel',
      metric: 0,
      flags: [],
      pref: 'medium',
    })),
    ...multicast.map(([dev, linkdown]) => ({
      type: 'multicast',
      dst: 'ff00::/8',
      dev,
      table: 'local',
      protocol: 'kernel',
      metric: 256,
      flags: linkdown ? ['linkdown'] : [],
      pref: 'medium',
    })),
  ];
}

export const STANDARD_RULES4 = ipJson([
  { priority: 0, src: 'all', table: 'local' },
  { priority: 32766, src: 'all', table: 'main' },
  { priority: 32767, src: 'all', table: 'default' },
]);

export const STANDARD_RULES6 = ipJson([
  { priority: 0, src: 'all', table: 'local' },
  { priority: 32766, src: 'all', table: 'main' },
]);

/** What a missing program looks like to the runner (and so in a capture). */
export const NOT_INSTALLED = { exitCode: 127, stdout: '', stderr: '', notFound: true };

/** /sys/module/MODULE of a loaded loadable module. */
export const MODULE_DIR = ['coresize', 'holders', 'initsize', 'initstate', 'notes', 'refcnt', 'sections', 'srcversion', 'taint', 'uevent'];

/** /sys/class/net/IF/wireless and the phy80211 directory it links to, on a mac80211 device. */
export const WIRELESS_DIR = ['beacon', 'crypt', 'fragment', 'level', 'link', 'misc', 'noise', 'nwid', 'retries', 'status'];
export const PHY80211_DIR = ['addresses', 'address_mask', 'device', 'index', 'macaddress', 'name', 'power', 'rfkill0', 'subsystem', 'uevent'];

export const UBUNTU_STUB_RESOLV_CONF = (search) => `# This is /run/systemd/resolve/stub-resolv.conf managed by man:systemd-resolved(8).
# Do not edit.
#
# This file might be symlinked as /etc/resolv.conf. If you're looking at
# /etc/resolv.conf and seeing this text, you have followed the symlink.
#
# This is a dynamic resolv.conf file for connecting local clients to the
# internal DNS stub resolver of systemd-resolved. This file lists all
# configured search domains.
#
# Run "resolvectl status" to see details about the uplink DNS servers
# currently in use.
#
# Third party programs should typically not access this file directly, but only
# through the symlink at /etc/resolv.conf. To manage man:resolv.conf(5) in a
# different way, replace this symlink by a static file or a different symlink.
#
# See man:systemd-resolved.service(8) for details about the supported modes of
# operation for /etc/resolv.conf.

nameserver 127.0.0.53
options edns0 trust-ad
search ${search}
`;

export const UBUNTU_UPSTREAM_RESOLV_CONF = (nameservers, search) => `# This is /run/systemd/resolve/resolv.conf managed by man:systemd-resolved(8).
# Do not edit.
#
# This file might be symlinked as /etc/resolv.conf. If you're looking at
# /etc/resolv.conf and seeing this text, you have followed the symlink.
#
# This is a dynamic resolv.conf file for connecting local clients directly to
# all known uplink DNS servers. This file lists all configured search domains.
#
# Third party programs should typically not access this file directly, but only
# through the symlink at /etc/resolv.conf. To manage man:resolv.conf(5) in a
# different way, replace this symlink by a static file or a different symlink.
#
# See man:systemd-resolved.service(8) for details about the supported modes of
# operation for /etc/resolv.conf.

${nameservers.map((server) => `nameserver ${server}`).join('\n')}
search ${search}
`;

export const CLOUD_INIT_NETPLAN_HEADER = `# This file is generated from information provided by the datasource.  Changes
# to it will not persist across an instance reboot.  To disable cloud-init's
# network configuration capabilities, write a file
# /etc/cloud/cloud.cfg.d/99-disable-network-config.cfg with the following:
# network: {config: disabled}
`;

/** The start of Ubuntu's /etc/cloud/cloud.cfg (abridged: the module lists are left out). */
export const UBUNTU_CLOUD_CFG = `# The top level settings are used as module
# and base configuration.

# A set of users which may be applied and/or used by various modules
# when a 'default' entry is found it will reference the 'default_user'
# from the distro configuration specified below
users:
  - default

# If this is set, 'root' will not be able to ssh in and they
# will get a message to login instead as the default $user
disable_root: true

# This will cause the set+update hostname module to not operate (if true)
preserve_hostname: false
`;

export const CLOUD_CFG_LOGGING = `## This yaml formatted config file handles setting
## logger information.  The values that are necessary to be set
## are seen at the bottom.  The top '_log' are only used to remove
## redundancy in a syslog and fallback-to-file case.
##
## The 'log_cfgs' entry defines a list of logger configs
## Each entry in the list is tried, and the first one that
## works is used.  If a log_cfg list entry is an array, it will
## be joined with '\\n'.
output: {all: '| tee -a /var/log/cloud-init-output.log'}
`;

/**
 * systemd-networkd's link state file /run/systemd/netif/links/IFINDEX for a link it configured by
 * DHCPv4, in the key order systemd 252 wrote it in the lab (test/unit/host/fixtures/
 * networkd-link-lab.txt; networkd-state-file.c link_save): DHCP_LEASE= names the lease file.
 */
export function networkdLinkState({ ifindex, networkFile, duid }) {
  return `# This is private data. Do not parse.
ADMIN_STATE=configured
OPER_STATE=routable
CARRIER_STATE=carrier
ADDRESS_STATE=routable
IPV4_ADDRESS_STATE=routable
IPV6_ADDRESS_STATE=degraded
ONLINE_STATE=online
REQUIRED_FOR_ONLINE=yes
REQUIRED_OPER_STATE_FOR_ONLINE=degraded
REQUIRED_FAMILY_FOR_ONLINE=any
ACTIVATION_POLICY=up
NETWORK_FILE=${networkFile}
DNS=
NTP=
SIP=
DOMAINS=
ROUTE_DOMAINS=
LLMNR=yes
MDNS=no
DHCP_LEASE=/run/systemd/netif/leases/${ifindex}
DHCP6_CLIENT_DUID=DUID-EN/Vendor:${duid}
`;
}

/**
 * systemd-networkd's DHCPv4 lease file /run/systemd/netif/leases/IFINDEX, in the order
 * sd-dhcp-lease.c dhcp_lease_save writes the keys (as captured from systemd 252 in the lab,
 * test/unit/host/fixtures/networkd-lease-*-lab.txt): only the options the server sent appear.
 * CLIENTID is networkd's default identity, RFC 4361: ff, the IAID, then the DUID (DUID-EN with
 * systemd's enterprise number 43793 = 0000ab11 and 8 bytes hashed from the machine id).
 */
export function networkdLease(o) {
  const lines = [
    '# This is private data. Do not parse.',
    `ADDRESS=${o.address}`,
    `NETMASK=${o.netmask}`,
    `ROUTER=${o.router}`,
    `SERVER_ADDRESS=${o.server}`,
    ...(o.nextServer ? [`NEXT_SERVER=${o.nextServer}`] : []),
    `BROADCAST=${o.broadcast}`,
    ...(o.mtu ? [`MTU=${o.mtu}`] : []),
    `T1=${Math.floor(o.lifetime / 2)}`,
    `T2=${Math.floor((o.lifetime * 7) / 8)}`,
    `LIFETIME=${o.lifetime}`,
    ...(o.dns ? [`DNS=${o.dns.join(' ')}`] : []),
    ...(o.domain ? [`DOMAINNAME=${o.domain}`] : []),
    ...(o.hostname ? [`HOSTNAME=${o.hostname}`] : []),
    `CLIENTID=ff${o.iaid}0002${o.duid}`,
  ];
  return `${lines.join('\n')}\n`;
}
