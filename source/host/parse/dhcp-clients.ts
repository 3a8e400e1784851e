/**
 * Running DHCP clients. `ps -eo pid=,netns=,args=` lists every process on the machine (a network
 * namespace does not hide processes) with the inode of its network namespace ("-" when ps may not
 * read it); /proc/PID/cmdline then gives the exact argv, NUL-separated, since ps joins it with
 * spaces. Which interface a client serves is read from its argv the way each client parses it.
 */
import { posix } from 'node:path';
import type { DhcpClient } from '../snapshot.js';
import { ParseError } from './json-fields.js';

export interface DhcpCandidate {
  pid: number;
  /** Network namespace inode as ps prints it, null when ps could not read it. */
  netns: string | null;
  args: string;
}

type Program = DhcpClient['program'];

/** Every line of `ps -eo pid=,netns=,args=` is "PID NETNS ARGS"; anything else is not ps output. */
export function parsePsDhcpCandidates(text: string): DhcpCandidate[] {
  const candidates: DhcpCandidate[] = [];
  for (const [index, line] of text.split('\n').entries()) {
    if (line.trim() === '') continue;
    const row = /^\s*(\d+)\s+(\d+|-)(?:\s+(.*))?$/.exec(line);
    if (!row) {
      throw new ParseError(
        'ps -eo pid=,netns=,args=',
        `line ${index + 1} ${JSON.stringify(line.slice(0, 60))} is not "PID NETNS COMMAND"`,
      );
    }
    const args = (row[3] ?? '').trim();
    if (programOf(args.split(/\s+/)).program === 'other') continue;
    candidates.push({ pid: Number(row[1]), netns: row[2] === '-' ? null : (row[2] as string), args });
  }
  return candidates;
}

/** /proc/PID/cmdline: arguments separated and terminated by NUL. */
export function parseCmdline(raw: string): string[] {
  const parts = raw.split('\0');
  while (parts.length > 0 && parts.at(-1) === '') parts.pop();
  // dhcpcd rewrites its title over argv as one string ("dhcpcd: ens18 [ip4]"), NUL-padded.
  if (parts.length === 1 && /\s/.test(parts[0] as string)) return (parts[0] as string).trim().split(/\s+/);
  return parts;
}

/**
 * Real and effective uid from /proc/PID/status, whose `Uid:` line holds the real, effective, saved
 * and filesystem uids separated by tabs (proc(5)). Null when the text has no such line.
 */
export function parseStatusUids(text: string | null): { uid: number; euid: number } | null {
  const match = text ? /^Uid:\s+(\d+)\s+(\d+)\b/m.exec(text) : null;
  return match ? { uid: Number(match[1]), euid: Number(match[2]) } : null;
}

/**
 * The path of a program the kernel runs, from readlink /proc/PID/exe. A program whose file was
 * replaced since it started (a package upgrade) reads as "PATH (deleted)" (proc(5)); the path is
 * still where its package installs it.
 */
export function exePath(exe: string): string {
  return exe.endsWith(' (deleted)') ? exe.slice(0, -' (deleted)'.length) : exe;
}

/**
 * Whether `exe` is a program that is this DHCP client: dhclient and dhcpcd run their own binary;
 * udhcpc is its own binary or busybox (as the `udhcpc` applet: argv named it, or the client would
 * not have been taken for udhcpc). A process of another program that only calls itself
 * "dhclient" (its argv is its own to write) is not a DHCP client.
 */
export function isClientExe(program: Program, exe: string | null): boolean {
  if (exe === null || !exe.startsWith('/')) return false;
  const base = posix.basename(exePath(exe));
  if (program === 'udhcpc') return base === 'udhcpc' || base === 'busybox';
  return program !== 'other' && base === program;
}

/**
 * The argv that starts `client` again: its program by the path the kernel ran (never argv[0],
 * which the process wrote itself) and its arguments as parsed. busybox needs the applet name
 * first. dhcpcd's process title ("dhcpcd: ens18 [ip4]") is not its arguments: it is started again
 * for the interface the title names, or in manager mode when it names none.
 */
export function restartArgv(client: Pick<DhcpClient, 'argv' | 'exe' | 'ifname'>): string[] | null {
  if (client.exe === null) return null;
  const exe = exePath(client.exe);
  const { program, args, title } = programOf(client.argv);
  if (program === 'other') return null;
  if (title) return client.ifname === null ? [exe] : [exe, client.ifname];
  if (posix.basename(exe) === 'busybox') return [exe, 'udhcpc', ...args];
  return [exe, ...args];
}

/** "net:[4026531833]" (readlink of /proc/PID/ns/net) → "4026531833". */
export function netnsInode(link: string | null): string | null {
  const match = link ? /^net:\[(\d+)\]$/.exec(link.trim()) : null;
  return match ? (match[1] as string) : null;
}

export function describeDhcpClient(argv: string[]): { program: Program; ifname: string | null } {
  const { program, args, title } = programOf(argv);
  if (program === 'dhclient')
    return { program, ifname: positionals(args, DHCLIENT_VALUE_OPTIONS, new Set())[0] ?? null };
  if (program === 'udhcpc') return { program, ifname: udhcpcInterface(args) };
  if (program === 'dhcpcd') {
    if (title) return { program, ifname: args[0] && !args[0].startsWith('[') ? args[0] : null };
    // Without an interface dhcpcd runs in manager mode for all of them: no single ifname.
    return { program, ifname: positionals(args, new Set(), DHCPCD_VALUE_SHORT)[0] ?? null };
  }
  return { program: 'other', ifname: null };
}

/** A client's arguments after its program name (and after busybox's applet name). */
export function clientArguments(argv: string[]): string[] {
  return programOf(argv).args;
}

function programOf(argv: string[]): { program: Program; args: string[]; title: boolean } {
  const [first = '', second = '', ...rest] = argv;
  const base = posix.basename(first);
  if (base === 'busybox' && second === 'udhcpc') return { program: 'udhcpc', args: rest, title: false };
  const args = argv.slice(1);
  if (base === 'dhclient') return { program: 'dhclient', args, title: false };
  if (base === 'udhcpc') return { program: 'udhcpc', args, title: false };
  if (base === 'dhcpcd') return { program: 'dhcpcd', args, title: false };
  if (base === 'dhcpcd:') return { program: 'dhcpcd', args, title: true };
  return { program: 'other', args, title: false };
}

/** ISC dhclient 4.4 options that take a value (its options are whole words after one dash). */
const DHCLIENT_VALUE_OPTIONS = new Set([
  '-p',
  '-D',
  '-s',
  '-g',
  '-cf',
  '-df',
  '-lf',
  '-pf',
  '-sf',
  '-e',
  '-H',
  '-F',
  '-V',
  '-C',
  '--timeout',
  '--dad-wait-time',
  '--prefix-len-hint',
  '--decline-wait-time',
  '--address-prefix-len',
]);

/** dhcpcd 9 short options that take a value (from its getopt string). */
const DHCPCD_VALUE_SHORT = new Set('ceEfhijlmorstuvyzCFIOQSWXZ'.split(''));

/** busybox udhcpc short options that take a value ("CV:H:h:F:i:np:qRr:s:T:t:SA:O:ox:fB"). */
const UDHCPC_VALUE_SHORT = new Set('VHhFiprsTtAOx'.split(''));

/**
 * Non-option arguments. `wordOptions` are whole tokens taking the next token as value (dhclient);
 * `shortWithValue` are getopt letters that may be clustered ("-qi eth0", "-ieth0").
 */
function positionals(args: string[], wordOptions: Set<string>, shortWithValue: Set<string>): string[] {
  const found: string[] = [];
  for (let index = 0; index < args.length; index++) {
    const token = args[index] as string;
    if (token === '--') {
      found.push(...args.slice(index + 1));
      break;
    }
    if (!token.startsWith('-') || token === '-') {
      found.push(token);
      continue;
    }
    if (wordOptions.has(token)) {
      index++;
      continue;
    }
    if (token.startsWith('--')) continue;
    if (shortWithValue.size > 0 && takesNextValue(token, shortWithValue)) index++;
  }
  return found;
}

function takesNextValue(token: string, shortWithValue: Set<string>): boolean {
  for (let at = 1; at < token.length; at++) {
    if (shortWithValue.has(token[at] as string)) return at === token.length - 1;
  }
  return false;
}

function udhcpcInterface(args: string[]): string {
  for (let index = 0; index < args.length; index++) {
    const token = args[index] as string;
    if (token === '--interface') return args[index + 1] ?? 'eth0';
    if (token.startsWith('--interface=')) return token.slice('--interface='.length);
    if (!token.startsWith('-') || token.startsWith('--')) continue;
    for (let at = 1; at < token.length; at++) {
      const letter = token[at] as string;
      if (!UDHCPC_VALUE_SHORT.has(letter)) continue;
      const value = at < token.length - 1 ? token.slice(at + 1) : (args[index + 1] ?? '');
      if (letter === 'i') return value;
      if (at === token.length - 1) index++;
      break;
    }
  }
  // busybox udhcpc serves eth0 when no -i is given (networking/udhcp/dhcpc.c, client_data.interface).
  return 'eth0';
}
