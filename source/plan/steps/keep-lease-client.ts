/**
 * The host's own DHCP client keeps the lease: the program the plan stops on the uplink
 * (stop-dhcp.ts) is started again on the bridge, by the path the kernel ran, with its own arguments
 * and the interface replaced by the bridge. That covers a client the host runs by itself and the
 * one ifupdown starts (`udhcpc -n -p /run/udhcpc.IF.pid -i IF`, `dhclient -4 -v -i -pf
 * /run/dhclient.IF.pid -lf /var/lib/dhcp/dhclient.IF.leases -I -df ... IF`).
 *
 * The identity is the uplink lease's: the bridge has the uplink's MAC (stage-bridge.ts), so a
 * client whose id derives from the MAC (udhcpc's default 01+MAC, dhclient's chaddr, the IAID of
 * dhclient -i from the MAC's last bytes) sends the same, and an explicit id (udhcpc `-x 61:...`,
 * dhclient's -cf file) comes along with the copied arguments. Files that belong to one interface
 * are the bridge's own, so the two clients never share them: the pid file (ifupdown's ifdown kills
 * the pid in /run/udhcpc.IF.pid) and dhclient's lease file, which dhclient rewrites at start. The
 * uplink's lease file stays the DUID source (`-df`), since dhclient writes the DUID it used there
 * and a new DUID would be a new client id. udhcpc also asks for the address it has (`-r`).
 *
 * The step runs BEFORE the cutover, while the bridge has no address: every client's start-up
 * event would flush the interface otherwise. busybox udhcpc always runs its script with "deconfig"
 * before its first discover (networking/udhcp/dhcpc.c), and Debian's /etc/udhcpc/default.script
 * answers it with `ip -4 addr flush dev IF` and `ip -4 route flush dev IF`: on the bridge after
 * the cutover that drops the moved address and every moved route, and the bound event puts back
 * only the leased address and the default route. Before the cutover the bridge has no port, so
 * the client's first discovers go nowhere; once the cutover enslaves the uplink the next one is
 * answered with the same lease, and the bound event finds the address already in place (Debian's
 * script sets it with `ifconfig`, which leaves an identical address alone; dhclient-script's
 * PREINIT only sets the link up). Its inverse stops the client after the cutover's inverse moved
 * the addresses back (revert.ts runs the batch first), without a release, so the uplink's own
 * client, restarted next by stop-dhcp's inverse, renews the same lease.
 *
 * Known limit: Debian 12's dhclient-script sets the lease time as the address's lifetime with
 * `ip -4 addr add` on BOUND, which fails on the address the cutover already put there, and with
 * `ip -4 addr change` on RENEW; so on the bridge the moved address keeps its remaining lifetime
 * until the first RENEW, half a lease after the bridge's bind. That is before the uplink's own
 * next renewal would have been due, so it holds, but the margin is the time that renewal was
 * still away at the cutover (seconds, when migrating just before it).
 *
 * dhcpcd is refused: it rewrites its process title (so the program it started cannot be found
 * again by its argv), forks privilege-separated helpers, and de-configures its interface on exit
 * unless run with -p.
 */
import { basename } from 'node:path';
import { DHCLIENT_VALUE_OPTIONS, restartArgv, UDHCPC_VALUE_SHORT } from '../../host/parse/dhcp-clients.js';
import type { DhcpClient } from '../../host/snapshot.js';
import type { PlanContext } from '../context.js';
import { leaseFor } from '../lease-identity.js';
import { checkedName } from '../names.js';
import { blocker } from '../preflight/verdict.js';
import type { Step } from '../types.js';
import type { KeepLease } from './keep-lease.js';
import { stopSignal } from './stop-dhcp.js';

/** Where Debian's dhclient keeps its pid and leases when no -pf / -lf is given (its compiled-in paths). */
const DHCLIENT_DEFAULT_PID = '/run/dhclient.pid';
const DHCLIENT_DEFAULT_LEASES = '/var/lib/dhcp/dhclient.leases';

export function clientKeepLease(context: PlanContext): KeepLease {
  const { nic, bridge } = context.target;
  const client = keeperOf(context.dhcpClients, nic);
  if (!client) return { step: null, verdicts: [] };
  const argv = bridgeArgv(client, context);
  if (typeof argv === 'string') {
    return {
      step: null,
      verdicts: [
        blocker(
          'lease-no-keeper',
          `${nic}'s address is leased by DHCP through ${client.program} (pid ${client.pid}), which this tool cannot start again on ${bridge}: ${argv}, so the address would end with the lease.`,
          `Run udhcpc or dhclient as the DHCP client of ${nic}, or give it a static address or a DHCP reservation, then plan again.`,
        ),
      ],
    };
  }
  const step: Step = {
    id: 'keep-lease',
    kind: 'keep-lease',
    title: `Start ${client.program} on ${bridge} (the same lease, renewed from then on)`,
    detail:
      `${client.program} (pid ${client.pid}) renews ${nic}'s lease; the same program, with the same ` +
      `client identity (the bridge has ${nic}'s MAC), renews it on ${bridge}. Started before the cutover, ` +
      `while ${bridge} has no address its start-up could flush; its first lease comes once ${nic} is ` +
      `the bridge's port. Undone by stopping it without a release.`,
    disruptive: false,
    commands: [{ kind: 'spawn-detached', argv }],
    inverse: [{ kind: 'stop-started', argv, signal: stopSignal({ program: client.program, argv }) }],
    expect: [{ kind: 'process-running', argv }],
  };
  return { step, verdicts: [], beforeCutover: true };
}

/** One client renews the bridge's lease: the one that names the uplink, else one serving every interface. */
function keeperOf(clients: readonly DhcpClient[], nic: string): DhcpClient | null {
  return clients.find((client) => client.ifname === nic) ?? clients[0] ?? null;
}

/** The argv that runs `client` on the bridge, or why there is none. */
function bridgeArgv(client: DhcpClient, context: PlanContext): string[] | string {
  const { nic, bridge } = context.target;
  checkedName(bridge);
  if (client.program === 'dhcpcd')
    return 'dhcpcd rewrites its process title and de-configures its interface when it exits';
  const restart = restartArgv(client);
  if (!restart) return 'its program cannot be read from /proc';
  const [exe = ''] = restart;
  const prefix = basename(exe) === 'busybox' ? restart.slice(0, 2) : restart.slice(0, 1);
  const args = restart.slice(prefix.length);
  const rewritten =
    client.program === 'udhcpc'
      ? udhcpcOnBridge(args, nic, bridge, requestedAddress(context))
      : dhclientOnBridge(args, nic, bridge);
  return typeof rewritten === 'string' ? rewritten : [...prefix, ...rewritten];
}

/**
 * The leased address the bridge holds after the cutover, which the client asks for again. The
 * uplink's lease says which one it is where the lease is known (lease-identity); otherwise it is
 * the uplink's dynamic IPv4 address, or its primary one (Debian's scripts add the lease without a
 * lifetime).
 */
function requestedAddress(context: PlanContext): string | null {
  const lease = leaseFor(context.snapshot, context.target.nic);
  const moved = context.state.addresses.filter((entry) => entry.address.family === 4);
  const candidates = [
    ...moved.filter((entry) => entry.address.local === lease?.address),
    ...moved.filter((entry) => entry.address.dynamic),
    ...moved.filter((entry) => !entry.secondary),
  ];
  const address = candidates[0]?.address.local;
  return address && /^\d{1,3}(\.\d{1,3}){3}$/.test(address) ? address : null;
}

/**
 * A file named for one interface, renamed for the bridge: the uplink's name as a word of the file
 * name (`udhcpc.ens18.pid` → `udhcpc.fcbr0.pid`), or the bridge's name added before the extension
 * when the name has none of the uplink's (`dhclient.pid` → `dhclient.fcbr0.pid`).
 */
export function fileForBridge(path: string, nic: string, bridge: string): string {
  const slash = path.lastIndexOf('/');
  const dir = path.slice(0, slash + 1);
  const base = path.slice(slash + 1);
  const word = new RegExp(`(^|[._-])${nic.replace(/[.*+?^${}()|[\]\\-]/g, '\\$&')}(?=$|[._-])`, 'g');
  if (base.search(word) >= 0)
    return dir + base.replace(word, (_match, separator: string) => separator + bridge);
  const dot = base.lastIndexOf('.');
  return dot > 0 ? `${dir}${base.slice(0, dot)}.${bridge}${base.slice(dot)}` : `${dir}${base}.${bridge}`;
}

/** busybox udhcpc's long options that take a value (udhcpc_longopts, busybox 1.35). */
const UDHCPC_LONG_VALUE: Readonly<Record<string, string>> = {
  vendorclass: 'V',
  hostname: 'H',
  fqdn: 'F',
  interface: 'i',
  pidfile: 'p',
  request: 'r',
  script: 's',
  timeout: 'T',
  retries: 't',
  tryagain: 'A',
  'request-option': 'O',
  option: 'x',
};
const UDHCPC_LONG_FLAGS = [
  'clientid-none',
  'now',
  'quit',
  'release',
  'syslog',
  'no-default-options',
  'foreground',
  'background',
  'broadcast',
];

/**
 * udhcpc's arguments for the bridge: -i names it, -p is its own pid file, -r asks for the address
 * it has. Options are read as busybox's getopt_long reads them: clustered letters ("-fi ens18"),
 * values attached ("-iens18", "--interface=ens18"), long names abbreviated ("--interf ens18").
 */
function udhcpcOnBridge(
  args: readonly string[],
  nic: string,
  bridge: string,
  requested: string | null,
): string[] | string {
  const out: string[] = [];
  const seen = new Set<string>();
  const valueFor = (letter: string, value: string): string => {
    seen.add(letter);
    if (letter === 'i') return bridge;
    if (letter === 'p') return fileForBridge(value, nic, bridge);
    if (letter === 'r') return requested ?? value;
    return value;
  };
  for (let index = 0; index < args.length; index++) {
    const token = args[index] as string;
    if (token === '--') return 'its arguments end its options with "--"';
    if (token.startsWith('--')) {
      const [name = '', inline] = splitLong(token);
      const letter = longLetter(name);
      if (letter === undefined)
        return `it has the option ${JSON.stringify(token)}, which udhcpc does not know`;
      if (letter === null) {
        out.push(token);
        continue;
      }
      if (inline !== undefined) out.push(`--${name}=${valueFor(letter, inline)}`);
      else {
        if (index + 1 >= args.length) return `its option ${JSON.stringify(token)} has no value`;
        out.push(token, valueFor(letter, args[++index] as string));
      }
      continue;
    }
    if (!token.startsWith('-') || token === '-') {
      out.push(token);
      continue;
    }
    const at = [...token.slice(1)].findIndex((letter) => UDHCPC_VALUE_SHORT.has(letter)) + 1;
    if (at === 0) {
      out.push(token);
      continue;
    }
    const letter = token[at] as string;
    const head = token.slice(0, at + 1);
    if (at < token.length - 1) out.push(`${head}${valueFor(letter, token.slice(at + 1))}`);
    else {
      if (index + 1 >= args.length) return `its option ${JSON.stringify(token)} has no value`;
      out.push(head, valueFor(letter, args[++index] as string));
    }
  }
  // Without -i udhcpc serves eth0 (the uplink, since the plan stops it); with no -r it asks for nothing.
  if (!seen.has('i')) out.push('-i', bridge);
  if (!seen.has('r') && requested) out.push('-r', requested);
  return out;
}

function splitLong(token: string): [string, string | undefined] {
  const equals = token.indexOf('=');
  return equals < 0 ? [token.slice(2), undefined] : [token.slice(2, equals), token.slice(equals + 1)];
}

/** The short letter of a udhcpc long option that takes a value, null for a flag, undefined when unknown or ambiguous. */
function longLetter(name: string): string | null | undefined {
  const names = [...Object.keys(UDHCPC_LONG_VALUE), ...UDHCPC_LONG_FLAGS];
  const exact = names.includes(name) ? [name] : names.filter((candidate) => candidate.startsWith(name));
  if (name === '' || exact.length !== 1) return undefined;
  return UDHCPC_LONG_VALUE[exact[0] as string] ?? null;
}

/**
 * dhclient's arguments for the bridge: the uplink among its interfaces replaced by the bridge (the
 * bridge alone when it named none, as it then serves every interface), its own pid and lease files,
 * and the uplink's lease file as the DUID source. ISC dhclient's options are whole words after one
 * dash; the ones that take a value are DHCLIENT_VALUE_OPTIONS.
 */
function dhclientOnBridge(args: readonly string[], nic: string, bridge: string): string[] | string {
  const options: string[] = [];
  const interfaces: string[] = [];
  let pidFile: string | null = null;
  let leaseFile: string | null = null;
  for (let index = 0; index < args.length; index++) {
    const token = args[index] as string;
    if (!token.startsWith('-')) {
      interfaces.push(token === nic ? bridge : token);
      continue;
    }
    if (!DHCLIENT_VALUE_OPTIONS.has(token)) {
      if (token === '-r' || token === '-x')
        return `it was started with ${token}, which releases or stops a lease`;
      options.push(token);
      continue;
    }
    if (index + 1 >= args.length) return `its option ${token} has no value`;
    const value = args[++index] as string;
    if (token === '-pf') pidFile = value;
    else if (token === '-lf') leaseFile = value;
    else if (token !== '-df') options.push(token, value);
  }
  const leases = leaseFile ?? DHCLIENT_DEFAULT_LEASES;
  return [
    ...options,
    '-pf',
    fileForBridge(pidFile ?? DHCLIENT_DEFAULT_PID, nic, bridge),
    '-lf',
    fileForBridge(leases, nic, bridge),
    '-df',
    leases,
    ...(interfaces.includes(bridge) ? interfaces : [bridge]),
  ];
}
