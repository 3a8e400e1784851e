/**
 * systemd-networkd's DHCPv4 lease file, /run/systemd/netif/leases/IFINDEX, and its link state file
 * /run/systemd/netif/links/IFINDEX, which names the lease file (DHCP_LEASE=). Both are KEY=VALUE
 * lines written by systemd itself (sd-dhcp-lease.c dhcp_lease_save, networkd-state-file.c):
 * as captured from systemd 252 in the lab,
 *
 *   # This is private data. Do not parse.
 *   ADDRESS=198.51.100.240
 *   T1=60
 *   T2=105
 *   LIFETIME=120
 *   CLIENTID=0102626d000018
 *
 * CLIENTID is the option 61 networkd sent, as a run of hex digits (hexmem): "01"+MAC for
 * ClientIdentifier=mac, "ff"+IAID+DUID (RFC 4361) for the default duid. LIFETIME, T1 and T2 are
 * seconds from when the lease was acquired, which the file does not say: the end of the lease is
 * taken from the address's own lifetime, which networkd sets from the lease.
 *
 * The header asks not to parse it; it is the only place networkd 252 exposes the client id it
 * used (networkctl shows no option 61), and its format is unchanged from systemd 219 to 256. So
 * it is read strictly: a file this parser does not recognise yields no identity, never a guess.
 */
import { isIPv4 } from 'node:net';
import { clientIdFromHexRun, isBinaryText } from './client-id.js';

export const NETWORKD_LEASES_DIR = '/run/systemd/netif/leases';
export const NETWORKD_LINKS_DIR = '/run/systemd/netif/links';

export interface NetworkdLease {
  address: string | null;
  clientId: string;
  /** Lease time in seconds (LIFETIME=), null when absent (an infinite lease). */
  lifetimeSec: number | null;
}

export type LeaseRead<T> = { ok: true; value: T } | { ok: false; problem: string };

/** KEY=VALUE lines; comments and blank lines skipped. Null when a line is neither. */
export function parseKeyValueLines(text: string): Map<string, string> | null {
  const values = new Map<string, string>();
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('#')) continue;
    const match = /^([A-Z0-9_]+)=(.*)$/.exec(line);
    if (!match) return null;
    values.set(match[1] as string, match[2] as string);
  }
  return values;
}

export function parseNetworkdLease(text: string): LeaseRead<NetworkdLease> {
  if (isBinaryText(text)) return { ok: false, problem: 'holds control characters' };
  const values = parseKeyValueLines(text);
  if (values === null) return { ok: false, problem: 'has a line that is not KEY=VALUE' };
  const rawId = values.get('CLIENTID');
  if (rawId === undefined) return { ok: false, problem: 'names no CLIENTID' };
  const clientId = clientIdFromHexRun(rawId);
  if (clientId === null) return { ok: false, problem: 'has a CLIENTID that is not 2 to 255 hex bytes' };
  const address = values.get('ADDRESS') ?? null;
  if (address !== null && !isIPv4(address)) return { ok: false, problem: 'has an ADDRESS that is not IPv4' };
  const lifetime = values.get('LIFETIME');
  if (lifetime !== undefined && !/^\d{1,10}$/.test(lifetime))
    return { ok: false, problem: 'has a LIFETIME that is not a number of seconds' };
  return {
    ok: true,
    value: { address, clientId, lifetimeSec: lifetime === undefined ? null : Number(lifetime) },
  };
}

/**
 * The lease file a link state file names (DHCP_LEASE=), when it is networkd's own for this
 * interface; null when the link has no DHCPv4 lease (networkd then writes no DHCP_LEASE line).
 */
export function networkdLeasePath(linkText: string, ifindex: number): string | null {
  const values = isBinaryText(linkText) ? null : parseKeyValueLines(linkText);
  const named = values?.get('DHCP_LEASE');
  const own = `${NETWORKD_LEASES_DIR}/${ifindex}`;
  return named === own ? own : null;
}
