/**
 * The client id a running busybox udhcpc sends, from its argv (it keeps no lease file). busybox
 * 1.35/1.36 networking/udhcp/dhcpc.c:
 * - `-C` / `--clientid-none`: no option 61 at all (the server keys the lease by chaddr);
 * - `-x 61:HEX` (or `0x3d:HEX`; `-x OPT:VAL` adds option OPT): that option's bytes, read by
 *   busybox's hex2bin, which takes hex digit pairs with an optional ':' after each;
 * - otherwise its default: "if not set, and not suppressed, set up the default client ID" — type 1
 *   followed by the interface's MAC (clientid_mac_ptr[0] = 1, the MAC copied in once known).
 *   Seen in the lab: dnsmasq's lease file records 01:<MAC> for a plain `udhcpc -i ens18`.
 */
import { clientIdFromHexRun } from './client-id.js';

export type UdhcpcClientId =
  | { kind: 'argv'; clientId: string }
  | { kind: 'none' }
  | { kind: 'default' }
  | { kind: 'unreadable'; why: string };

/** busybox udhcpc short options that take a value ("CV:H:h:F:i:np:qRr:s:T:t:SA:O:ox:fB"). */
const VALUE_SHORT = new Set('VHhFiprsTtAOx'.split(''));
const VALUE_LONG = new Set([
  'vendorclass',
  'hostname',
  'fqdn',
  'interface',
  'pidfile',
  'request',
  'script',
  'timeout',
  'retries',
  'tryagain',
  'request-option',
  'option',
]);

/** Every value given to `-x` (clustered or not, `--option` too), and whether -C was given. */
function scanArgs(args: string[]): { xValues: string[]; noClientId: boolean } {
  const xValues: string[] = [];
  let noClientId = false;
  for (let index = 0; index < args.length; index++) {
    const token = args[index] as string;
    if (token === '--') break;
    if (token.startsWith('--')) {
      const [name, inline] = token.slice(2).split(/=(.*)/s, 2) as [string, string | undefined];
      if (name === 'clientid-none') noClientId = true;
      if (!VALUE_LONG.has(name)) continue;
      const value = inline ?? args[++index] ?? '';
      if (name === 'option') xValues.push(value);
      continue;
    }
    if (!token.startsWith('-') || token === '-') continue;
    for (let at = 1; at < token.length; at++) {
      const letter = token[at] as string;
      if (letter === 'C') noClientId = true;
      if (!VALUE_SHORT.has(letter)) continue;
      const value = at < token.length - 1 ? token.slice(at + 1) : (args[++index] ?? '');
      if (letter === 'x') xValues.push(value);
      break;
    }
  }
  return { xValues, noClientId };
}

/** `args` are udhcpc's arguments after the program (and after busybox's applet name). */
export function udhcpcClientId(args: string[]): UdhcpcClientId {
  const { xValues, noClientId } = scanArgs(args);
  const given = xValues.filter((value) => /^(?:61|0x3d):/i.test(value));
  if (given.length > 1) return { kind: 'unreadable', why: 'names option 61 more than once with -x' };
  if (given.length === 1) {
    const hex = (given[0] as string).replace(/^[^:]*:/, '');
    // hex2bin accepts "0102…" and "01:02:…"; anything else would not have started.
    const clientId = /^[0-9a-f]{2}(?::?[0-9a-f]{2})*$/i.test(hex)
      ? clientIdFromHexRun(hex.replace(/:/g, ''))
      : null;
    return clientId === null
      ? { kind: 'unreadable', why: 'has a -x 61: value that is not 2 to 255 hex bytes' }
      : { kind: 'argv', clientId };
  }
  return noClientId ? { kind: 'none' } : { kind: 'default' };
}
