/**
 * The DHCP identity of each lease the host holds: for every interface with a dynamic IPv4 address
 * or a DHCP client of its own, the client id (option 61) its lease was obtained with, so that
 * whoever renews the lease on the bridge sends the same one (a server that binds leases by client
 * id, as dnsmasq does, would otherwise hand out another address). Where it is read, in order:
 * - systemd-networkd: its link state file names its lease file, whose CLIENTID= is what it sent;
 * - the root-owned DHCP client running for the interface in our namespace: dhclient's lease
 *   database and configuration, udhcpc's argv, dhcpcd's configuration and DUID file;
 * - NetworkManager's internal client's lease file, when NetworkManager runs and has the device.
 *
 * These are runtime files of the machine the tool runs on, like /proc: they are read at their own
 * paths, never under --root-dir (which holds configuration only). Every file is hostile input: read
 * with a size cap, parsed strictly; a file that cannot be read as its program writes it yields no
 * lease for that interface and a note, never an exception and never a guess.
 */
import { posix } from 'node:path';
import { displaySafe } from '../../system/display-text.js';
import { isValidInterfaceName } from '../../system/ifname.js';
import { iaidFromMac, macClientId, rfc4361ClientId } from '../parse/client-id.js';
import {
  DHCLIENT_CONF,
  DHCLIENT_LEASE_DIR,
  dhclientConfClientId,
  dhclientDefaultDuid,
  parseDhclientLeases,
} from '../parse/dhclient-lease.js';
import { clientArguments, isClientExe } from '../parse/dhcp-clients.js';
import {
  DHCPCD_CONF,
  DHCPCD_DUID_FILES,
  dhcpcdClientId,
  dhcpcdIdentityMode,
  parseDuidFile,
} from '../parse/dhcpcd-identity.js';
import { NETWORKD_LINKS_DIR, networkdLeasePath, parseNetworkdLease } from '../parse/networkd-lease.js';
import { NM_LEASE_DIR, nmLeaseFileNames, parseNmLease } from '../parse/nm-lease.js';
import { udhcpcClientId } from '../parse/udhcpc-client-id.js';
import type { Address, DhcpClient, DhcpLease, Link, Renderer } from '../snapshot.js';
import { joinNotes, type ProbeContext, type ProbeOutcome } from './context.js';

/** Lease, state and configuration files are a few hundred bytes; anything near this is not one. */
export const LEASE_FILE_MAX_BYTES = 64 * 1024;
/** dhclient appends a block per renewal and rewrites the file every 20 writes (dhclient.c). */
export const DHCLIENT_LEASES_MAX_BYTES = 1024 * 1024;

export interface LeaseFacts {
  links: Link[];
  addresses: Address[];
  dhcpClients: DhcpClient[];
  renderer: Pick<Renderer, 'networkManager'>;
  /** The probe's clock (epoch ms), for lease ends given as remaining seconds. */
  nowMs: number;
}

/** What one source found for an interface: a lease, nothing (null), or a reason it could not tell. */
type Found = { lease: DhcpLease | null; note: string | null };
const NOTHING: Found = { lease: null, note: null };

export async function probeDhcpLeases(
  context: ProbeContext,
  facts: LeaseFacts,
): Promise<ProbeOutcome<DhcpLease[]>> {
  const results = await Promise.all(candidates(facts).map((link) => leaseOf(context, facts, link)));
  return {
    value: results.flatMap((found) => (found.lease ? [found.lease] : [])),
    note: joinNotes(results.map((found) => found.note)),
  };
}

/**
 * Interfaces that hold a lease or run a client: a dynamic IPv4 address, or a client of our own
 * naming them (a client named without one, serving all, makes no interface a candidate by itself).
 */
function candidates(facts: LeaseFacts): Link[] {
  return facts.links.filter(
    (link) =>
      isValidInterfaceName(link.name) &&
      (facts.addresses.some((a) => a.ifname === link.name && a.family === 4 && a.dynamic) ||
        clientsOf(facts.dhcpClients, link.name).some((client) => client.ifname === link.name)),
  );
}

/**
 * Root's DHCP client programs in our namespace serving `ifname` (a dhclient or dhcpcd named without
 * an interface serves all). Anyone may start a process called "udhcpc -x 61:…": only root's real
 * client program tells what the lease was obtained with.
 */
function clientsOf(clients: DhcpClient[], ifname: string): DhcpClient[] {
  return clients.filter(
    (client) =>
      client.sameNetns &&
      client.uid === 0 &&
      client.euid === 0 &&
      isClientExe(client.program, client.exe) &&
      (client.ifname === ifname || (client.ifname === null && client.program !== 'udhcpc')),
  );
}

async function leaseOf(context: ProbeContext, facts: LeaseFacts, link: Link): Promise<Found> {
  const fromNetworkd = await networkdLease(context, facts, link);
  if (fromNetworkd.lease || fromNetworkd.note) return fromNetworkd;
  const clients = clientsOf(facts.dhcpClients, link.name);
  if (clients.length > 1)
    return unknown(
      link,
      `${clients.length} DHCP clients serve it (pids ${clients.map((c) => c.pid).join(', ')})`,
    );
  const client = clients[0];
  if (client?.program === 'udhcpc') return udhcpcLease(facts, link, client);
  if (client?.program === 'dhclient') return dhclientLease(context, facts, link, client);
  if (client?.program === 'dhcpcd') return dhcpcdLease(context, facts, link, client);
  return nmLease(context, facts, link);
}

function unknown(link: Link, why: string): Found {
  return { lease: null, note: `${link.name}: lease identity unknown: ${displaySafe(why)}` };
}

/** Reads a capped file; `tooBig` when it is longer than the cap. */
async function readCapped(
  context: ProbeContext,
  path: string,
  maxBytes = LEASE_FILE_MAX_BYTES,
): Promise<string | null | 'tooBig'> {
  const text = await context.files.readFile(path, { maxBytes });
  if (text === null) return null;
  return Buffer.byteLength(text) > maxBytes ? 'tooBig' : text;
}

/** The address's own end (seconds left of its valid lifetime), when the lease did not say. */
function addressEnd(facts: LeaseFacts, link: Link, address: string | null): number | null {
  const held = facts.addresses.find(
    (a) => a.ifname === link.name && a.family === 4 && a.dynamic && (address === null || a.local === address),
  );
  return held?.validLft == null ? null : facts.nowMs + held.validLft * 1000;
}

/**
 * A lease file is found by the link's index (networkd) or name (NetworkManager), which name another
 * link in another network namespace: run in a namespace that shares /run with the host (`ip netns
 * exec`), ifindex 2 here and the host's ifindex 2 are different NICs. A lease for an address the
 * link does not hold is not its lease, and its client id would be another NIC's: no identity.
 */
function notHeld(facts: LeaseFacts, link: Link, file: string, address: string | null): Found | null {
  if (address === null) return null;
  const held = facts.addresses.some((a) => a.ifname === link.name && a.family === 4 && a.local === address);
  return held ? null : unknown(link, `${file} is the lease of ${address}, which ${link.name} does not hold`);
}

async function networkdLease(context: ProbeContext, facts: LeaseFacts, link: Link): Promise<Found> {
  const linkFile = `${NETWORKD_LINKS_DIR}/${link.ifindex}`;
  const state = await readCapped(context, linkFile);
  if (state === null) return NOTHING;
  if (state === 'tooBig') return unknown(link, `${linkFile} is larger than ${LEASE_FILE_MAX_BYTES} bytes`);
  const file = networkdLeasePath(state, link.ifindex);
  if (file === null) return NOTHING;
  const text = await readCapped(context, file);
  if (text === null) return unknown(link, `${linkFile} names ${file}, which cannot be read`);
  if (text === 'tooBig') return unknown(link, `${file} is larger than ${LEASE_FILE_MAX_BYTES} bytes`);
  const read = parseNetworkdLease(text);
  if (!read.ok) return unknown(link, `${file} ${read.problem}`);
  const { address, clientId } = read.value;
  const foreign = notHeld(facts, link, file, address);
  if (foreign) return foreign;
  return {
    lease: {
      ifname: link.name,
      client: 'networkd',
      address,
      clientId,
      source: 'lease-file',
      file,
      expiresAt: addressEnd(facts, link, address),
    },
    note: null,
  };
}

/**
 * A lease known from a running client that keeps no record of the address (udhcpc, dhcpcd): the
 * kernel's lifetime of the interface's dynamic address says when it ends.
 */
function clientLease(
  facts: LeaseFacts,
  link: Link,
  client: DhcpLease['client'],
  clientId: string | null,
  source: DhcpLease['source'],
  file: string | null,
): Found {
  const expiresAt = addressEnd(facts, link, null);
  return {
    lease: { ifname: link.name, client, address: null, clientId, source, file, expiresAt },
    note: null,
  };
}

function udhcpcLease(facts: LeaseFacts, link: Link, client: DhcpClient): Found {
  const id = udhcpcClientId(clientArguments(client.argv));
  if (id.kind === 'unreadable') return unknown(link, `udhcpc (pid ${client.pid}) ${id.why}`);
  const byMac = macClientId(link.mac);
  if (id.kind === 'default' && byMac === null)
    return unknown(link, 'udhcpc sends 01 and its MAC, which is unknown');
  const clientId = id.kind === 'argv' ? id.clientId : id.kind === 'none' ? null : byMac;
  return clientLease(facts, link, 'udhcpc', clientId, id.kind === 'argv' ? 'argv' : 'client-default', null);
}

/** The value of a dhclient option (its options are whole words: "-lf FILE"). */
function optionValue(args: string[], name: string): string | null {
  const at = args.lastIndexOf(name);
  return at === -1 ? null : (args[at + 1] ?? null);
}

const absolute = (path: string | null) => path !== null && posix.isAbsolute(path) && !path.includes('\0');

async function dhclientLease(
  context: ProbeContext,
  facts: LeaseFacts,
  link: Link,
  client: DhcpClient,
): Promise<Found> {
  const args = clientArguments(client.argv);
  const named = optionValue(args, '-lf');
  if (named !== null && !absolute(named))
    return unknown(link, `dhclient's -lf ${named} is not an absolute path`);
  const paths = named
    ? [named]
    : [`${DHCLIENT_LEASE_DIR}/dhclient.${link.name}.leases`, `${DHCLIENT_LEASE_DIR}/dhclient.leases`];
  let file: string | null = null;
  let text: string | null = null;
  for (const path of paths) {
    const read = await readCapped(context, path, DHCLIENT_LEASES_MAX_BYTES);
    if (read === 'tooBig') return unknown(link, `${path} is larger than ${DHCLIENT_LEASES_MAX_BYTES} bytes`);
    if (read !== null) {
      [file, text] = [path, read];
      break;
    }
  }
  if (file === null || text === null) return unknown(link, `dhclient (pid ${client.pid}) has no lease file`);
  const leases = parseDhclientLeases(text, link.name);
  if (!leases.ok) return unknown(link, `${file} ${leases.problem}`);
  if (leases.value === null) return unknown(link, `${file} holds no lease for ${link.name}`);
  const { address } = leases.value;
  const expiresAt = leases.value.expiresAt ?? addressEnd(facts, link, address);
  const lease = (clientId: string | null, source: DhcpLease['source'], from: string | null): Found => ({
    lease: { ifname: link.name, client: 'dhclient', address, clientId, source, file: from, expiresAt },
    note: null,
  });
  // The server echoed the id it bound the lease to (RFC 6842): nothing is more direct.
  if (leases.value.clientId !== undefined) return lease(leases.value.clientId, 'lease-file', file);
  // -i: RFC 4361 client id, IAID = the last 4 bytes of the MAC, DUID from the lease database
  // (or the -df file). Seen in the lab: dnsmasq recorded ff:<MAC[2..5]>:<default-duid>.
  if (args.includes('-i')) return dhclientDuidLease(context, link, args, file, text, lease);
  const conf = optionValue(args, '-cf') ?? DHCLIENT_CONF;
  if (!absolute(conf)) return unknown(link, `dhclient's -cf ${conf} is not an absolute path`);
  const confText = await readCapped(context, conf);
  if (confText === 'tooBig') return unknown(link, `${conf} is larger than ${LEASE_FILE_MAX_BYTES} bytes`);
  if (confText === null) return lease(null, 'client-default', file);
  const sent = dhclientConfClientId(confText, link.name, link.mac);
  if (!sent.ok) return unknown(link, `${conf} ${sent.problem}`);
  if (sent.value === undefined)
    return unknown(link, `${conf} sets dhcp-client-identifier in a form not read`);
  return sent.value === null ? lease(null, 'client-default', file) : lease(sent.value, 'config-file', conf);
}

async function dhclientDuidLease(
  context: ProbeContext,
  link: Link,
  args: string[],
  file: string,
  text: string,
  lease: (clientId: string | null, source: DhcpLease['source'], from: string | null) => Found,
): Promise<Found> {
  let duid = dhclientDefaultDuid(text);
  let from = file;
  const secondary = optionValue(args, '-df');
  if (duid.ok && duid.value === null && secondary !== null && absolute(secondary)) {
    const other = await readCapped(context, secondary, DHCLIENT_LEASES_MAX_BYTES);
    if (typeof other === 'string' && other !== 'tooBig')
      [duid, from] = [dhclientDefaultDuid(other), secondary];
  }
  if (!duid.ok) return unknown(link, `${from} ${duid.problem}`);
  const iaid = iaidFromMac(link.mac);
  const clientId = duid.value === null || iaid === null ? null : rfc4361ClientId(iaid, duid.value);
  if (clientId === null)
    return unknown(link, `dhclient -i: no DUID in ${file}${secondary ? ` or ${secondary}` : ''}`);
  return lease(clientId, 'lease-file', from);
}

async function dhcpcdLease(
  context: ProbeContext,
  facts: LeaseFacts,
  link: Link,
  client: DhcpClient,
): Promise<Found> {
  const args = clientArguments(client.argv);
  const unread = args.find((arg) => /^(?:-I|--clientid|--duid|--iaid|--anonymous)(?:=|$)/.test(arg));
  if (unread) return unknown(link, `dhcpcd (pid ${client.pid}) runs with ${unread}`);
  const conf = optionValue(args, '-f') ?? DHCPCD_CONF;
  if (!absolute(conf)) return unknown(link, `dhcpcd's -f ${conf} is not an absolute path`);
  const confText = await readCapped(context, conf);
  if (confText === 'tooBig') return unknown(link, `${conf} is larger than ${LEASE_FILE_MAX_BYTES} bytes`);
  const mode = dhcpcdIdentityMode(confText, link.name);
  if (mode.kind === 'unreadable') return unknown(link, `${conf} ${mode.why}`);
  let duid: string | null = null;
  let duidFile: string | null = null;
  if (mode.kind === 'duid') {
    for (const path of DHCPCD_DUID_FILES) {
      const text = await readCapped(context, path);
      if (text === null) continue;
      duid = text === 'tooBig' ? null : parseDuidFile(text);
      if (duid === null) return unknown(link, `${path} is not a DUID`);
      duidFile = path;
      break;
    }
    if (duid === null)
      return unknown(link, `dhcpcd uses a DUID, and neither ${DHCPCD_DUID_FILES.join(' nor ')} holds one`);
  }
  const clientId = dhcpcdClientId(mode, duid, link.mac);
  if (mode.kind !== 'none' && clientId === null)
    return unknown(link, 'dhcpcd derives its client id from a MAC that is unknown');
  return clientLease(facts, link, 'dhcpcd', clientId, 'client-default', duidFile);
}

async function nmLease(context: ProbeContext, facts: LeaseFacts, link: Link): Promise<Found> {
  const { running, devices } = facts.renderer.networkManager;
  const device = devices[link.name];
  if (!running || !device?.state.startsWith('connected')) return NOTHING;
  const names = nmLeaseFileNames((await context.files.listDir(NM_LEASE_DIR)) ?? [], link.name);
  if (names.length === 0)
    return unknown(
      link,
      `NetworkManager holds its lease, and ${NM_LEASE_DIR} has no internal lease file for it`,
    );
  if (names.length > 1) return unknown(link, `${NM_LEASE_DIR} has ${names.length} lease files for it`);
  const file = `${NM_LEASE_DIR}/${names[0]}`;
  const text = await readCapped(context, file);
  if (text === null) return unknown(link, `${file} cannot be read`);
  if (text === 'tooBig') return unknown(link, `${file} is larger than ${LEASE_FILE_MAX_BYTES} bytes`);
  const read = parseNmLease(text);
  if (!read.ok) return unknown(link, `${file} ${read.problem}`);
  const foreign = notHeld(facts, link, file, read.value.address);
  if (foreign) return foreign;
  if (read.value.clientId === undefined)
    return unknown(
      link,
      `${file} records no client id (NetworkManager's profile decides it: ipv4.dhcp-client-id)`,
    );
  return {
    lease: {
      ifname: link.name,
      client: 'networkmanager',
      address: read.value.address,
      clientId: read.value.clientId,
      source: 'lease-file',
      file,
      expiresAt: addressEnd(facts, link, read.value.address),
    },
    note: null,
  };
}
