import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { checkedName } from '../plan/names.js';

/** The LAN every lab builds: TEST-NET-2, gateway .1, a DHCP pool, the host's reservation. */
export const LAN = {
  prefixLength: 24,
  gateway: '198.51.100.1',
  poolStart: '198.51.100.100',
  poolEnd: '198.51.100.200',
  hostReservation: '198.51.100.240',
  peer: '198.51.100.50',
} as const;

export interface DnsmasqFiles {
  leaseFile: string;
  pidFile: string;
}

/**
 * The router's DHCP server, as the recipe in notes/lab-recipes.md: `--port=0` turns DNS off,
 * `--dhcp-host` is the router reservation that gives the host the same address every time, and
 * `--conf-file=/dev/null` keeps a machine-wide /etc/dnsmasq.conf out of the lab. It stays in the
 * foreground so the lab owns its pid, and logs to stderr (the process log).
 */
export function dnsmasqArgv(options: {
  switchBridge: string;
  hostMac: string;
  leaseTime: string;
  /** Also answer DNS on the gateway address (no upstream: local names only, REFUSED otherwise). */
  dns?: boolean;
  /**
   * Give the host a fixed address by its MAC (default true). Without it the host draws from the
   * pool like any client, and dnsmasq binds the lease to the client id the host sent: the test
   * of "the same identity keeps the same address" needs that.
   */
  reservation?: boolean;
  files: DnsmasqFiles;
}): string[] {
  return [
    'dnsmasq',
    '--keep-in-foreground',
    '--conf-file=/dev/null',
    '--no-resolv',
    '--no-hosts',
    '--bind-interfaces',
    `--interface=${checkedName(options.switchBridge)}`,
    '--except-interface=lo',
    `--dhcp-range=${LAN.poolStart},${LAN.poolEnd},255.255.255.0,${options.leaseTime}`,
    `--dhcp-option=3,${LAN.gateway}`,
    ...(options.reservation === false ? [] : [`--dhcp-host=${options.hostMac},${LAN.hostReservation}`]),
    `--dhcp-leasefile=${options.files.leaseFile}`,
    `--pid-file=${options.files.pidFile}`,
    ...(options.dns
      ? [
          `--listen-address=${LAN.gateway}`,
          `--address=/lab.test/${LAN.gateway}`,
          `--dhcp-option=6,${LAN.gateway}`,
        ]
      : ['--port=0']),
    '--log-facility=-',
    '--log-dhcp',
  ];
}

export interface Lease {
  address: string;
  prefixLength: number;
  router: string | null;
  leaseSeconds: number | null;
}

/**
 * The script udhcpc runs at each DHCP event. It applies the lease with `ip` the way a distro's
 * client script does, and records it in `recordPath` (written to a temp name and renamed, so a
 * reader never sees half a line). With `lifetimes`, the address gets the lease time as its valid
 * and preferred lifetime, as networkd and dhclient do, so it shows as `dynamic` and counts down.
 */
export function udhcpcScript(recordPath: string, options: { lifetimes: boolean }): string {
  const lifetimes = options.lifetimes
    ? // biome-ignore lint/suspicious/noTemplateCurlyInString: shell parameter expansion, not JS
      ' valid_lft "${lease:-forever}" preferred_lft "${lease:-forever}"'
    : '';
  return `#!/bin/sh
# udhcpc event script written by the bridge-migrate lab.
record=${shellQuote(recordPath)}
case "$1" in
  deconfig)
    ip -4 addr flush dev "$interface"
    ip link set dev "$interface" up
    ;;
  bound|renew)
    ip addr replace "$ip/$mask" dev "$interface"${lifetimes}
    if [ -n "$router" ]; then
      ip route replace default via "\${router%% *}" dev "$interface"
    fi
    printf '%s %s %s %s\\n' "$ip" "$mask" "\${router%% *}" "$lease" > "$record.tmp"
    mv -f "$record.tmp" "$record"
    ;;
esac
exit 0
`;
}

export function writeUdhcpcScript(path: string, recordPath: string, options: { lifetimes: boolean }): void {
  writeFileSync(path, udhcpcScript(recordPath, options), { mode: 0o700 });
}

/** The lease a udhcpc script recorded, or null while there is none. */
export function readLeaseRecord(recordPath: string): Lease | null {
  if (!existsSync(recordPath)) return null;
  const [address, mask, router, lease] = readFileSync(recordPath, 'utf8').trim().split(' ');
  if (!address || !mask) return null;
  return {
    address,
    prefixLength: Number(mask),
    router: router ? router : null,
    leaseSeconds: lease ? Number(lease) : null,
  };
}

/**
 * One-shot udhcpc: `-q` exits once it has a lease, `-n` exits instead of retrying forever, and
 * `-t 5 -T 1` bounds it to five discovers a second apart.
 */
export function udhcpcOneShotArgv(ifname: string, script: string): string[] {
  return ['udhcpc', '-i', checkedName(ifname), '-n', '-q', '-t', '5', '-T', '1', '-s', script];
}

/**
 * A DHCP client that keeps running bound to the interface (`-f`: it stays this process, so the lab
 * owns its pid), like the client a distro leaves running on a DHCP host.
 */
export function udhcpcDaemonArgv(ifname: string, script: string): string[] {
  return ['udhcpc', '-f', '-i', checkedName(ifname), '-t', '5', '-T', '1', '-s', script];
}

function shellQuote(text: string): string {
  return `'${text.replace(/'/g, `'\\''`)}'`;
}
