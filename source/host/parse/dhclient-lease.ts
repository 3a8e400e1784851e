/**
 * ISC dhclient's lease database (dhclient.leases(5)) and the client-id line of its configuration
 * (dhclient.conf(5)). dhclient appends a `lease { … }` block at every bind and renewal; the last
 * block naming the interface is the current lease. As written by dhclient 4.4.3 in the lab:
 *
 *   lease {
 *     interface "ens18";
 *     fixed-address 198.51.100.240;
 *     option dhcp-lease-time 120;
 *     renew 3 2026/12/02 13:14:15;
 *     expire 3 2026/12/02 13:15:26;
 *   }
 *
 * Dates are UTC ("weekday yyyy/mm/dd hh:mm:ss"), or "epoch SECONDS" when dhclient was built or
 * configured for local time (db-time-format local), or "never".
 *
 * The lease holds the options the SERVER sent, so `option dhcp-client-identifier` appears only when
 * the server echoes it (RFC 6842; dnsmasq does not). What dhclient itself sends is its
 * configuration's `send dhcp-client-identifier …;` (top level, or in the interface's block); with
 * none it sends no option 61 (seen in the lab: a dhclient without one left dnsmasq's record
 * as it was), and the server keys the lease by the MAC (chaddr).
 *
 * Both files are text from the host: tokens are read strictly, and anything unexpected is a
 * problem reported to the probe, never an exception.
 */
import { isIPv4 } from 'node:net';
import { clientIdFromColonHex, isBinaryText, macClientId } from './client-id.js';
import type { LeaseRead } from './networkd-lease.js';

export const DHCLIENT_LEASE_DIR = '/var/lib/dhcp';
export const DHCLIENT_CONF = '/etc/dhcp/dhclient.conf';

export interface DhclientLease {
  address: string | null;
  /** option dhcp-client-identifier as echoed by the server; undefined when the lease has none. */
  clientId: string | undefined;
  /** `expire` as epoch ms; null for "never" or absent. */
  expiresAt: number | null;
}

type Token = { kind: 'word' | 'string'; text: string } | { kind: '{' | '}' | ';' };

/** Words, quoted strings (with their backslash escapes kept), braces and semicolons; comments dropped. */
function tokenize(text: string): Token[] | null {
  const tokens: Token[] = [];
  let at = 0;
  while (at < text.length) {
    const char = text[at] as string;
    if (/\s/.test(char)) at++;
    else if (char === '#') {
      const end = text.indexOf('\n', at);
      at = end === -1 ? text.length : end;
    } else if (char === '{' || char === '}' || char === ';') {
      tokens.push({ kind: char });
      at++;
    } else if (char === '"') {
      let end = at + 1;
      while (end < text.length && text[end] !== '"') end += text[end] === '\\' ? 2 : 1;
      if (end >= text.length) return null;
      tokens.push({ kind: 'string', text: text.slice(at + 1, end) });
      at = end + 1;
    } else {
      const match = /^[^\s{};"#]+/.exec(text.slice(at, at + 4096));
      if (!match) return null;
      tokens.push({ kind: 'word', text: match[0] });
      at += match[0].length;
    }
  }
  return tokens;
}

type Statement = Array<Extract<Token, { text: string }>>;

interface Block {
  head: Statement;
  statements: Statement[];
  blocks: Block[];
}

/** Statements and blocks of one nesting level; nested levels are kept as blocks. Null when unbalanced. */
function parseBlocks(tokens: Token[]): Block | null {
  const root: Block = { head: [], statements: [], blocks: [] };
  const stack: Block[] = [root];
  let current: Statement = [];
  for (const token of tokens) {
    const top = stack.at(-1) as Block;
    if (token.kind === ';') {
      if (current.length > 0) top.statements.push(current);
      current = [];
    } else if (token.kind === '{') {
      const block: Block = { head: current, statements: [], blocks: [] };
      top.blocks.push(block);
      stack.push(block);
      current = [];
      if (stack.length > 16) return null;
    } else if (token.kind === '}') {
      if (stack.length === 1 || current.length > 0) return null;
      stack.pop();
    } else current.push(token as Statement[number]);
  }
  return stack.length === 1 && current.length === 0 ? root : null;
}

function parseDhclientText(text: string): Block | null {
  if (isBinaryText(text)) return null;
  const tokens = tokenize(text);
  return tokens === null ? null : parseBlocks(tokens);
}

const words = (statement: Statement) => statement.map((token) => token.text);

/**
 * The DUID dhclient keeps in its lease database (`default-duid "…";`, written when it runs with -i
 * or for DHCPv6) as colon hex; null when there is none. The string is dhclient's quotify_buf
 * output: printable characters as they are, every other byte as a 3-digit octal escape.
 */
export function dhclientDefaultDuid(text: string): LeaseRead<string | null> {
  const root = parseDhclientText(text);
  if (root === null) return { ok: false, problem: 'is not a dhclient lease database' };
  const statement = root.statements.filter((s) => s[0]?.text === 'default-duid').at(-1);
  if (statement === undefined) return { ok: true, value: null };
  const value = statement[1];
  const bytes = statement.length === 2 && value?.kind === 'string' ? unquoteBytes(value.text) : null;
  const duid = bytes === null ? null : clientIdFromColonHex(bytes.join(':'));
  return duid === null
    ? { ok: false, problem: 'has a default-duid it cannot read' }
    : { ok: true, value: duid };
}

/** A dhclient quoted string's bytes as two-digit hex; null on an escape it does not write. */
function unquoteBytes(text: string): string[] | null {
  const bytes: string[] = [];
  for (let at = 0; at < text.length; ) {
    if (text[at] === '\\') {
      const octal = /^[0-3][0-7]{2}/.exec(text.slice(at + 1, at + 4));
      if (!octal) return null;
      bytes.push(Number.parseInt(octal[0], 8).toString(16).padStart(2, '0'));
      at += 4;
    } else {
      const code = text.charCodeAt(at);
      if (code < 0x20 || code > 0x7e) return null;
      bytes.push(code.toString(16).padStart(2, '0'));
      at += 1;
    }
  }
  return bytes;
}

/** The last `lease { … }` block naming `ifname`, or a problem. */
export function parseDhclientLeases(text: string, ifname: string): LeaseRead<DhclientLease | null> {
  const root = parseDhclientText(text);
  if (root === null) return { ok: false, problem: 'is not a dhclient lease database' };
  const leases = root.blocks.filter(
    (block) =>
      words(block.head).join(' ') === 'lease' &&
      block.statements.some((s) => s[0]?.text === 'interface' && s[1]?.text === ifname && s.length === 2),
  );
  const last = leases.at(-1);
  if (last === undefined) return { ok: true, value: null };
  const find = (...prefix: string[]) =>
    last.statements.filter((s) => prefix.every((word, index) => s[index]?.text === word)).at(-1);
  const fixed = find('fixed-address')?.[1]?.text ?? null;
  if (fixed !== null && !isIPv4(fixed)) return { ok: false, problem: 'has a fixed-address that is not IPv4' };
  const idStatement = find('option', 'dhcp-client-identifier');
  let clientId: string | undefined;
  if (idStatement !== undefined) {
    const value = optionValue(idStatement.slice(2));
    if (value === null) return { ok: false, problem: 'has a dhcp-client-identifier it cannot read' };
    clientId = value;
  }
  const expire = find('expire');
  const expiresAt = expire === undefined ? null : leaseDate(words(expire).slice(1));
  if (expiresAt === undefined) return { ok: false, problem: 'has an expire date it cannot read' };
  return { ok: true, value: { address: fixed, clientId, expiresAt } };
}

/**
 * The client id dhclient sends on `ifname` per its configuration: the interface block's
 * `send dhcp-client-identifier` wins over the top level's. null: it sends none; undefined: one is
 * configured in a form this parser does not read (an expression), so the identity is unknown.
 */
export function dhclientConfClientId(
  text: string,
  ifname: string,
  mac: string | null,
): LeaseRead<string | null | undefined> {
  const root = parseDhclientText(text);
  if (root === null) return { ok: false, problem: 'is not a dhclient configuration' };
  const sendOf = (statements: Statement[]) =>
    statements.filter((s) => s[0]?.text === 'send' && s[1]?.text === 'dhcp-client-identifier').at(-1);
  const block = root.blocks
    .filter((b) => b.head.length === 2 && b.head[0]?.text === 'interface' && b.head[1]?.text === ifname)
    .at(-1);
  const send = (block && sendOf(block.statements)) ?? sendOf(root.statements);
  if (send === undefined) return { ok: true, value: null };
  const rest = send.slice(2);
  // `send dhcp-client-identifier = hardware;`: the hardware type and address, i.e. 01 + MAC.
  if (rest.length === 2 && rest[0]?.text === '=' && rest[1]?.text === 'hardware')
    return { ok: true, value: macClientId(mac) ?? undefined };
  const value = optionValue(rest);
  return { ok: true, value: value ?? undefined };
}

/** An option value: colon-separated hex bytes, or a quoted string of plain printable ASCII. */
function optionValue(tokens: Statement): string | null {
  if (tokens.length !== 1) return null;
  const token = tokens[0] as Statement[number];
  if (token.kind === 'word') return clientIdFromColonHex(token.text);
  // A string's bytes are its characters; escapes would need dhclient's own decoding: not read.
  if (!/^[\x20-\x7e]*$/.test(token.text) || token.text.includes('\\')) return null;
  const bytes = [...token.text].map((char) => char.charCodeAt(0).toString(16).padStart(2, '0'));
  return clientIdFromColonHex(bytes.join(':'));
}

/** "3 2026/12/02 13:15:26" (UTC), "epoch 1796217326", "never" → epoch ms / null; undefined when unreadable. */
function leaseDate(parts: string[]): number | null | undefined {
  if (parts.length === 1 && parts[0] === 'never') return null;
  if (parts.length === 2 && parts[0] === 'epoch' && /^\d{1,12}$/.test(parts[1] as string))
    return Number(parts[1]) * 1000;
  const [weekday, date, time] = parts;
  if (parts.length !== 3 || !/^[0-6]$/.test(weekday as string)) return undefined;
  const dateMatch = /^(\d{4})\/(\d{1,2})\/(\d{1,2})$/.exec(date as string);
  const timeMatch = /^(\d{1,2}):(\d{2}):(\d{2})$/.exec(time as string);
  if (!dateMatch || !timeMatch) return undefined;
  const [year, month, day] = dateMatch.slice(1).map(Number) as [number, number, number];
  const [hour, minute, second] = timeMatch.slice(1).map(Number) as [number, number, number];
  const ms = Date.UTC(year, month - 1, day, hour, minute, second);
  const back = new Date(ms);
  // Date.UTC rolls 2026/02/31 over into March: a date that does not round-trip is not a date.
  if (back.getUTCDate() !== day || back.getUTCHours() !== hour || back.getUTCMinutes() !== minute)
    return undefined;
  return ms;
}
