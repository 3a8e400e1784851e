/**
 * DHCP client identifiers (option 61, RFC 2132 §9.14) as the snapshot spells them: lowercase hex
 * bytes joined by ':' with the type byte first. Every source writes them differently (networkd
 * "0102626d000018", dhclient "1:2:62:6d:0:0:18", dnsmasq "01:02:62:6d:00:00:18"), and every
 * source is text from the host, so each reader goes through these strict conversions: anything
 * that is not whole hex bytes is refused (null), never guessed at.
 */

/** Option 61 carries at most 255 bytes (its length is one byte); RFC 2132 requires at least 2. */
export const CLIENT_ID_MIN_BYTES = 2;
export const CLIENT_ID_MAX_BYTES = 255;

const HEX_RUN = /^(?:[0-9a-f]{2})+$/i;
const MAC = /^[0-9a-f]{2}(?::[0-9a-f]{2}){5}$/i;

/** Joins bytes given as two-digit hex strings; null when their count is not a client id's. */
function joinBytes(bytes: string[]): string | null {
  if (bytes.length < CLIENT_ID_MIN_BYTES || bytes.length > CLIENT_ID_MAX_BYTES) return null;
  return bytes.map((byte) => byte.toLowerCase()).join(':');
}

/** "0102626d000018" (an even run of hex digits, as networkd and NetworkManager save it). */
export function clientIdFromHexRun(text: string): string | null {
  if (!HEX_RUN.test(text)) return null;
  return joinBytes(text.match(/../g) as string[]);
}

/**
 * "1:2:62:6d:0:0:18" (ISC dhclient's colon form, one or two digits a byte) or "01:02:…"; a byte
 * written with more than two digits is not a byte.
 */
export function clientIdFromColonHex(text: string): string | null {
  const parts = text.split(':');
  if (!parts.every((part) => /^[0-9a-f]{1,2}$/i.test(part))) return null;
  return joinBytes(parts.map((part) => part.padStart(2, '0')));
}

/** The client id derived from a MAC address: type 1 (Ethernet, RFC 1700 hardware type) + the MAC. */
export function macClientId(mac: string | null): string | null {
  return mac !== null && MAC.test(mac) ? `01:${mac.toLowerCase()}` : null;
}

/** RFC 4361 node-specific client id: type 255, the 4-byte IAID, then the DUID. */
export function rfc4361ClientId(iaid: string, duid: string): string | null {
  const iaidBytes = iaid.split(':');
  if (iaidBytes.length !== 4) return null;
  return joinBytes(['ff', ...iaidBytes, ...duid.split(':')]);
}

/** The last 4 bytes of a MAC as an IAID ("bc:24:11:5e:8a:01" → "11:5e:8a:01"). */
export function iaidFromMac(mac: string | null): string | null {
  return mac !== null && MAC.test(mac) ? mac.toLowerCase().split(':').slice(2).join(':') : null;
}

/** Whether `text` holds a NUL or a control character other than tab, CR and LF: not a text file. */
export function isBinaryText(text: string): boolean {
  return /[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]/.test(text);
}
