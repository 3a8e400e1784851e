/**
 * NetworkManager's internal DHCP client lease files, /var/lib/NetworkManager/internal-UUID-IF.lease.
 * NetworkManager before 1.20 ran systemd's sd-dhcp client and saved its lease with systemd's
 * dhcp_lease_save (the networkd format, CLIENTID= included); the nettools client it runs since
 * saves only "ADDRESS=" (nm-dhcp-nettools.c lease_save), so there the client id is the profile's
 * ipv4.dhcp-client-id and the file cannot tell it. Fixture-based: NetworkManager is not installed
 * on the build machine.
 */
import { isIPv4 } from 'node:net';
import { clientIdFromHexRun, isBinaryText } from './client-id.js';
import { type LeaseRead, parseKeyValueLines } from './networkd-lease.js';

export const NM_LEASE_DIR = '/var/lib/NetworkManager';

/** The internal client's lease files for `ifname` among a directory's entry names. */
export function nmLeaseFileNames(names: string[], ifname: string): string[] {
  const uuid = '[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}';
  const pattern = new RegExp(`^internal-${uuid}-(.+)\\.lease$`);
  return names.filter((name) => pattern.exec(name)?.[1] === ifname);
}

/** ADDRESS=, and CLIENTID= when the file has one (undefined: the nettools format, which has none). */
export function parseNmLease(
  text: string,
): LeaseRead<{ address: string | null; clientId: string | undefined }> {
  if (isBinaryText(text)) return { ok: false, problem: 'holds control characters' };
  const values = parseKeyValueLines(text);
  if (values === null) return { ok: false, problem: 'has a line that is not KEY=VALUE' };
  const address = values.get('ADDRESS') ?? null;
  if (address !== null && !isIPv4(address)) return { ok: false, problem: 'has an ADDRESS that is not IPv4' };
  const rawId = values.get('CLIENTID');
  if (rawId === undefined) return { ok: true, value: { address, clientId: undefined } };
  const clientId = clientIdFromHexRun(rawId);
  if (clientId === null) return { ok: false, problem: 'has a CLIENTID that is not 2 to 255 hex bytes' };
  return { ok: true, value: { address, clientId } };
}
