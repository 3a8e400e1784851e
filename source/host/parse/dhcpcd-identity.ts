/**
 * The client id dhcpcd sends, from its configuration and its DUID file. dhcpcd (9.x, dhcp.c
 * dhcp_initstate / if-options.c):
 * - `duid` in dhcpcd.conf (Debian's and upstream's shipped file has it): RFC 4361, type 255, the
 *   IAID, then the DUID kept in /var/lib/dhcpcd/duid (dhcpcd 9; /etc/dhcpcd.duid before), a
 *   line of colon-separated hex;
 * - `clientid` without a value: the hardware type and address (01 + MAC on Ethernet);
 * - neither: no option 61 (the server keys the lease by chaddr).
 * The later of `duid`/`clientid` wins; an interface's section (after `interface IF`) overrides the
 * top. The IAID, unless `iaid` sets it, is the last 4 bytes of the hardware address ("dhclient
 * uses the last 4 bytes of the MAC address", if-options.c; VLANs excepted, which this tool does not
 * bridge). Forms this reader does not follow (`clientid VALUE`, `iaid VALUE`, `anonymous`) leave
 * the identity unknown rather than guessed.
 */
import {
  clientIdFromColonHex,
  iaidFromMac,
  isBinaryText,
  macClientId,
  rfc4361ClientId,
} from './client-id.js';

export const DHCPCD_CONF = '/etc/dhcpcd.conf';
export const DHCPCD_DUID_FILES = ['/var/lib/dhcpcd/duid', '/etc/dhcpcd.duid'] as const;

export type DhcpcdMode =
  | { kind: 'duid' }
  | { kind: 'clientid' }
  | { kind: 'none' }
  | { kind: 'unreadable'; why: string };

/** What dhcpcd.conf says about `ifname`'s client id. */
export function dhcpcdIdentityMode(text: string | null, ifname: string): DhcpcdMode {
  if (text === null) return { kind: 'none' };
  if (isBinaryText(text)) return { kind: 'unreadable', why: 'holds control characters' };
  let section: 'top' | 'ours' | 'other' = 'top';
  let top: DhcpcdMode = { kind: 'none' };
  let ours: DhcpcdMode | null = null;
  for (const raw of text.split('\n')) {
    const line = raw.replace(/#.*/, '').trim();
    if (line === '') continue;
    const [keyword, ...rest] = line.split(/\s+/);
    if (keyword === 'interface') section = rest[0] === ifname ? 'ours' : 'other';
    else if (keyword === 'ssid' || keyword === 'profile') section = 'other';
    if (section === 'other') continue;
    const set = (mode: DhcpcdMode) => {
      if (section === 'ours') ours = mode;
      else top = mode;
    };
    if (keyword === 'duid') set({ kind: 'duid' });
    else if (keyword === 'clientid')
      set(rest.length === 0 ? { kind: 'clientid' } : { kind: 'unreadable', why: 'sets clientid to a value' });
    else if (keyword === 'iaid' || keyword === 'anonymous')
      set({ kind: 'unreadable', why: `sets ${keyword}` });
  }
  return ours ?? top;
}

/** The DUID file's one line of colon-separated hex; null when it is not that. */
export function parseDuidFile(text: string): string | null {
  const line = text.trim();
  if (isBinaryText(line) || line.includes('\n')) return null;
  return clientIdFromColonHex(line);
}

/** The client id for a mode, given the DUID (when read) and the interface's MAC. */
export function dhcpcdClientId(mode: DhcpcdMode, duid: string | null, mac: string | null): string | null {
  if (mode.kind === 'clientid') return macClientId(mac);
  if (mode.kind !== 'duid') return null;
  const iaid = iaidFromMac(mac);
  return iaid === null || duid === null ? null : rfc4361ClientId(iaid, duid);
}
