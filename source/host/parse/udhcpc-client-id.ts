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
/**
 * busybox udhcpc's long options (udhcpc_longopts, 1.35), true when one takes a value. -x has no long
 * form ("--option" is refused as unrecognized). getopt_long takes any unique prefix of a name, so
 * "--clientid" and "--clien" are --clientid-none (both checked against busybox 1.35: accepted).
 */
const LONG_OPTIONS: Readonly<Record<string, boolean>> = {
  'clientid-none': false,
  vendorclass: true,
  hostname: true,
  fqdn: true,
  interface: true,
  now: false,
  pidfile: true,
  quit: false,
  release: false,
  request: true,
  script: true,
  timeout: true,
  retries: true,
  tryagain: true,
  syslog: false,
  'request-option': true,
  'no-default-options': false,
  foreground: false,
  background: false,
  broadcast: false,
};

/** The long option `name` stands for, as getopt_long matches it; null when none or ambiguous. */
function longOption(name: string): string | null {
  if (name in LONG_OPTIONS) return name;
  const matches = Object.keys(LONG_OPTIONS).filter((candidate) => candidate.startsWith(name));
  return name !== '' && matches.length === 1 ? (matches[0] as string) : null;
}

/** Every value given to `-x` (clustered or not), and whether -C was given. */
function scanArgs(args: string[]): { xValues: string[]; noClientId: boolean } {
  const xValues: string[] = [];
  let noClientId = false;
  for (let index = 0; index < args.length; index++) {
    const token = args[index] as string;
    if (token === '--') break;
    if (token.startsWith('--')) {
      const [given, inline] = token.slice(2).split(/=(.*)/s, 2) as [string, string | undefined];
      const name = longOption(given);
      if (name === 'clientid-none') noClientId = true;
      if (name !== null && LONG_OPTIONS[name] && inline === undefined) index++;
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

/**
 * The option code of a `-x` value and the text after it. busybox splits "OPT:VAL" at the first of
 * ' ', tab, '=' or ':' (udhcp_str2optset's strtok) and reads OPT with bb_strtou(…, 0), C's base
 * prefixes: "61", "0x3d" and the octal "075" are all option 61. null for a symbolic name
 * ("hostname"), which is never option 61 (busybox has no name for it).
 */
function optionCode(value: string): { code: number; rest: string } | null {
  const match = /^([^ \t=:]*)[ \t=:](.*)$/s.exec(value);
  const [code = value, rest = ''] = match ? [match[1], match[2]] : [];
  if (/^0x[0-9a-f]+$/i.test(code)) return { code: Number.parseInt(code.slice(2), 16), rest };
  if (/^0[0-7]*$/.test(code)) return { code: Number.parseInt(code, 8), rest };
  if (/^[1-9][0-9]*$/.test(code)) return { code: Number(code), rest };
  return null;
}

/** `args` are udhcpc's arguments after the program (and after busybox's applet name). */
export function udhcpcClientId(args: string[]): UdhcpcClientId {
  const { xValues, noClientId } = scanArgs(args);
  const given = xValues.flatMap((value) => {
    const option = optionCode(value);
    return option?.code === 61 ? [option.rest] : [];
  });
  if (given.length > 1) return { kind: 'unreadable', why: 'names option 61 more than once with -x' };
  if (given.length === 1) {
    const hex = given[0] as string;
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
