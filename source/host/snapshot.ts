/**
 * HostSnapshot: everything the probe learned about a host, as plain data. The planner is a pure
 * function of it; the executor compares a later snapshot with the journal's pre-state through it.
 * Every field a probe could not fill says so (null / tool missing) rather than guessing.
 */

import type { Family } from '../system/ip-math.js';

export type { Family };

export interface Link {
  ifindex: number;
  name: string;
  /** rtnetlink kind from `ip -d link` (bridge, veth, bond, vlan, tun, ...); null for a plain NIC. */
  kind: string | null;
  /** For kind "tun": "tap" or "tun". */
  tunType: 'tap' | 'tun' | null;
  mac: string | null;
  permanentMac: string | null;
  /** `link_type` from `ip -j link`: "ether", "loopback", "none" (tun), "ipip", ...; absent in older snapshots. */
  linkType?: string | null;
  mtu: number;
  operstate: string;
  flags: string[];
  /** Name of the master device (bridge or bond) this link is a port of. */
  master: string | null;
  /** Kind of the master (bridge, bond) when known. */
  masterKind: string | null;
  /** For vlan: the parent link's name and the VLAN id. */
  parent: string | null;
  vlanId: number | null;
  /** /sys/class/net/IF/wireless or phy80211 exists. */
  wireless: boolean;
  /** Kernel driver name from /sys/class/net/IF/device/driver, null for virtual devices. */
  driver: string | null;
  /** Bridge attributes when kind is bridge; forwardDelay in centiseconds, as `ip -d link` prints it. */
  bridge: { stpState: number | null; forwardDelay: number | null } | null;
}

export interface Address {
  ifname: string;
  family: Family;
  local: string;
  prefixlen: number;
  scope: string;
  /** Learned by DHCP/SLAAC (kernel flag "dynamic"): has finite lifetimes. */
  dynamic: boolean;
  /** Seconds; null means forever. */
  validLft: number | null;
  preferredLft: number | null;
  broadcast: string | null;
  peer: string | null;
  label: string | null;
  /** Other kernel flags worth carrying over (noprefixroute, nodad, ...). */
  flags: string[];
  /** IFA_RT_PRIORITY (`metric` in ip -j addr): the metric of the address's prefix route, if set. */
  metric?: number | null;
}

export interface Route {
  family: Family;
  /** "main", "local", "default" or a number as a string. */
  table: string;
  /** "default" or a prefix as written by ip ("198.51.100.0/24", "198.51.100.7"). */
  dst: string;
  type: string;
  gateway: string | null;
  dev: string | null;
  metric: number | null;
  protocol: string | null;
  scope: string | null;
  prefsrc: string | null;
  flags: string[];
  /** Multipath next hops, when the route has several. */
  nexthops: Array<{ gateway: string | null; dev: string | null; weight: number | null }>;
}

export interface Rule {
  family: Family;
  priority: number;
  /** Selector and action fields exactly as `ip -j rule` gives them (src, dst, iif, oif, table, fwmark...). */
  fields: Record<string, string | number | boolean>;
  iif: string | null;
  oif: string | null;
}

export interface DefaultGateway {
  family: Family;
  gateway: string;
  dev: string;
  metric: number | null;
  protocol: string | null;
}

export interface Dns {
  nameservers: string[];
  search: string[];
  /** Where they came from: /etc/resolv.conf, systemd-resolved's upstream file, ... */
  source: string | null;
}

export type RendererName = 'netplan' | 'networkd' | 'networkmanager' | 'ifupdown' | 'none';

export interface NetplanFile {
  /** Path on the target system ("/etc/netplan/50-cloud-init.yaml"), not joined with --root-dir. */
  path: string;
  content: string;
  /** cloud-init writes 50-cloud-init.yaml with a header telling people not to edit it. */
  cloudInit: boolean;
}

export interface Renderer {
  /** Who manages the uplink: the most specific owner found. */
  owner: RendererName;
  /** Why we think so, as short facts ("netplan file 50-cloud-init.yaml names ens18"). */
  evidence: string[];
  netplan: {
    files: NetplanFile[];
    /** Renderer declared by netplan for the uplink: networkd (default) or NetworkManager. */
    renderer: 'networkd' | 'NetworkManager' | null;
    /** The uplink's stanza as plain data, if some file names it. */
    uplinkConfig: Record<string, unknown> | null;
    uplinkFile: string | null;
  };
  networkd: {
    available: boolean;
    /** networkctl's setup state per interface (configured, unmanaged, ...), empty when not running. */
    links: Record<string, { setupState: string; operationalState: string }>;
    /**
     * Whether systemd-networkd answers on the system D-Bus (org.freedesktop.network1 has an owner),
     * which the netplan hand-over's `networkctl reload` needs. Absent: not probed (a recording made
     * before it was), so unknown.
     */
    reachable?: boolean;
  };
  networkManager: {
    available: boolean;
    running: boolean;
    /** nmcli device rows: state ("connected", "unmanaged") and connection name. */
    devices: Record<string, { type: string; state: string; connection: string | null }>;
  };
  ifupdown: {
    /** Path and text of /etc/network/interfaces (and sourced files), null when absent. */
    files: Array<{ path: string; content: string }>;
    /** The uplink's stanza method: dhcp, static, manual, or null if not named. */
    uplinkMethod: string | null;
  };
  /** cloud-init runs and its network config is enabled, so it may write the netplan file again. */
  cloudInitNetwork: boolean;
  /**
   * What stops cloud-init from running at all (parse/cloud-init-switch.ts), null when nothing
   * does. Absent when not known: cloud-init is not installed, the command line could not be read
   * with no marker file either, or the snapshot predates the probe reading them.
   */
  cloudInitDisabled?: CloudInitDisabled | null;
}

/** Why cloud-init does not run: its marker file, or `cloud-init=disabled` on the kernel command line. */
export type CloudInitDisabled = { by: 'marker-file'; path: string } | { by: 'kernel-cmdline' };

export interface DhcpClient {
  pid: number;
  program: 'dhclient' | 'udhcpc' | 'dhcpcd' | 'other';
  argv: string[];
  /** Interface it serves, when its command line names one. */
  ifname: string | null;
  /** Runs in the tool's own network namespace (compare /proc/PID/ns/net): only those are ours. */
  sameNetns: boolean;
  /**
   * Real and effective uid (the `Uid:` line of /proc/PID/status); null when unreadable. Only a
   * client running as root is ours: anyone may name a process "dhclient".
   */
  uid: number | null;
  euid: number | null;
  /** What the kernel runs (readlink /proc/PID/exe), null when unreadable; a restart runs this path. */
  exe: string | null;
  /**
   * When it started (/proc/PID/stat field 22, clock ticks since boot, as the kernel's decimal text):
   * with the pid it names one process for the life of the boot, so a pid that exited and was
   * reused is told apart. Null when unreadable; absent in recordings and journals made before.
   */
  startTime?: string | null;
}

/**
 * The identity an uplink's DHCP lease was obtained with, read from the lease itself (networkd's
 * lease file, dhclient's lease file) or from the running client's arguments. A client that renews
 * the lease on the bridge must send the same identity, or a server that binds leases by client id
 * (dnsmasq does by default) hands out another address.
 */
export interface DhcpLease {
  ifname: string;
  /** Who obtained it. */
  client: 'networkd' | 'networkmanager' | 'dhclient' | 'udhcpc' | 'dhcpcd';
  /** The leased IPv4 address, when the source says. */
  address: string | null;
  /**
   * DHCP option 61 as sent: lowercase hex bytes joined by ':' (type byte first: "01:52:54:…" is
   * the MAC, "ff:<IAID 4 bytes>:<DUID>" is RFC 4361). null: the client sends none, so the server
   * keys the lease by the MAC (chaddr).
   */
  clientId: string | null;
  /**
   * How clientId was learned: read from a lease file, from the client's argv, from the client's
   * configuration file (ISC dhclient's `send dhcp-client-identifier`), or its documented default.
   */
  source: 'lease-file' | 'argv' | 'config-file' | 'client-default';
  /** The file it was read from, when any (a host path). */
  file: string | null;
  /**
   * When the lease ends by the host clock (epoch ms): dhclient's `expire`, otherwise the moment the
   * kernel's valid lifetime of the leased address runs out (networkd and the clients set it from
   * the lease); null when neither says (a lease the client installed without lifetimes).
   */
  expiresAt: number | null;
}

export type CloudProvider = 'aws' | 'gcp' | 'azure' | 'oracle' | 'digitalocean' | null;

export interface Virtualization {
  /** systemd-detect-virt's answer ("none", "kvm", "vmware", "microsoft", ...), null if unavailable. */
  kind: string | null;
  dmi: {
    sysVendor: string | null;
    productName: string | null;
    biosVendor: string | null;
    productVersion?: string | null;
    biosVersion?: string | null;
    chassisAssetTag?: string | null;
  };
  cloud: CloudProvider;
  /** Proxmox shows as product "Standard PC (i440FX/Q35)" with QEMU; flagged when seen. */
  hypervisorHint: string | null;
}

export interface NatRule {
  source: 'iptables' | 'nftables';
  /** The exact rule text (iptables-save line, or nft rule rendered) for the preview. */
  text: string;
  /** What the planner needs to delete it and put it back exactly. */
  table: string;
  chain: string;
  /** iptables: the rule spec after "-A CHAIN". nftables: the rule handle and its expression JSON. */
  spec: string[];
  handle: number | null;
  family: string | null;
  /** The bridge (or subnet) the rule concerns. */
  bridge: string | null;
  /** 1-based position in its chain: `iptables -I CHAIN N` / `nft insert rule ... index N-1` put it back there. */
  position?: number;
  /** Interfaces the rule names (-i/-o, iifname/oifname), negated or not. */
  interfaces?: string[];
  /** Source prefixes it matches (-s, ip saddr). */
  sourcePrefixes?: string[];
}

export interface Netfilter {
  /** br_netfilter is active: its sysctls exist (module or built in), or its module is loaded. */
  brNetfilterLoaded: boolean;
  /** net.bridge.bridge-nf-call-iptables; null when its sysctl cannot be read (not loaded, or hidden from this namespace). */
  bridgeNfCallIptables: boolean | null;
  bridgeNfCallIp6tables: boolean | null;
  /** Policy of the filter FORWARD chain from iptables-save, null when unknown. */
  forwardPolicy: 'ACCEPT' | 'DROP' | null;
  ipForward: boolean | null;
  natRules: NatRule[];
  iptablesAvailable: boolean;
  nftAvailable: boolean;
  /** nftables chains hooked at forward with policy drop ("inet filter forward"): they drop bridged traffic too. */
  nftForwardDrop?: string[];
  /**
   * The firewall files loaded at boot that exist on the host (probes/firewall-files.ts); absent in
   * recordings made before they were read, which then say nothing about them.
   */
  persistedFiles?: PersistedFirewallFile[];
}

/** A boot-time firewall file: netfilter-persistent's rules.v4, or nftables.service's nftables.conf. */
export interface PersistedFirewallFile {
  /** Path on the host (read under --root-dir). */
  path: string;
  format: 'iptables-save' | 'nft';
  /** Its text; null when it cannot be edited safely, and then `problem` says why. */
  content: string | null;
  problem?: string;
}

export interface SshPath {
  clientAddr: string;
  clientPort: number;
  serverAddr: string;
  serverPort: number;
  /** Interface the reply to the client leaves by (`ip route get CLIENT`). */
  viaDev: string | null;
}

export interface ProbeRecord {
  name: string;
  ok: boolean;
  durationMs: number;
  /** Why it failed or what was missing, for the probe screen. */
  note: string | null;
}

export interface HostSnapshot {
  takenAt: string;
  hostname: string | null;
  links: Link[];
  addresses: Address[];
  routes: Route[];
  rules: Rule[];
  defaultGateways: DefaultGateway[];
  dns: Dns;
  renderer: Renderer;
  dhcpClients: DhcpClient[];
  /** DHCP lease identities per interface; absent in recordings made before it was probed. */
  dhcpLeases?: DhcpLease[];
  virt: Virtualization;
  netfilter: Netfilter;
  ssh: SshPath | null;
  /** Tools looked for and whether they were found: ip, nmcli, nft, iptables-save, networkctl, ... */
  tools: Record<string, boolean>;
  probes: ProbeRecord[];
  /** True when the user is root (apply needs it). */
  isRoot: boolean;
  /** Another migration's journal found in --state-dir (pending), if any. */
  pendingMigration: { phase: string; bridge: string; nic: string } | null;
}
