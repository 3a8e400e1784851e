/**
 * What a revert may run. A revert takes its commands from the journal's plan, and the journal is a
 * file on disk that anyone with root (or a bug, or a disk error) can change after the plan was
 * made; the guardian then runs them as root, unattended. So a revert runs only commands of the
 * shapes the planner's step builders produce (source/plan/steps/*) and refuses anything else,
 * which is printed as a manual command for the operator to judge instead:
 * - `ip` link/addr/route/rule lines (batch lines, or `ip [-4|-6] OBJECT ...`), with no global
 *   option that would read a file or enter a namespace (`-batch`, `-n`, `netns`, `exec`) and no
 *   keyword that loads a BPF object or program (`xdp`, `bpf`, `encap`, `obj`, ...; ip-keywords.ts);
 * - the renderer hold files (the exact paths the planner uses, under /run), removed or rewritten, and
 *   the bridge's runtime networkd lease file, removed;
 * - `networkctl reload` (networkd takes the uplink back after the hold is gone), and nothing else of
 *   networkctl: no interface name, no other verb;
 * - restarting a DHCP client: dhclient, dhcpcd, udhcpc or `busybox udhcpc`, by bare name or by an
 *   absolute path (the client's /proc/PID/exe), started detached; and stopping the client of that
 *   shape the plan started on the bridge (found by its exact argv, never by a pid);
 * - the NAT rule forms of remove-nat.ts: `iptables -t nat -D|-I|-A CHAIN SPEC... -j MASQUERADE` (never
 *   `--modprobe`/`-M` in any spelling, which names a program iptables runs) and `nft add|insert|delete rule ...`
 *   (a masquerade with no verdict; no option, no `;` or newline that would start a second command).
 * - NetworkManager's window profile (steps/keep-lease-nm.ts): `nmcli device set IF managed yes|no` and
 *   `nmcli connection delete uuid UUID`, an interface name and a UUID and nothing else (no `--offline`,
 *   no file, no other verb: `nmcli connection add|modify` could write any profile as root).
 * Pure: no I/O, tested against every step builder's inverses and hostile entries.
 */

import { IP_FORBIDDEN_TOKENS } from './ip-keywords.js';
import { isValidInterfaceName } from './names.js';
import { NETWORKD_LEASE_PATH } from './steps/networkd-lease-file.js';
import {
  HOLD_FILE_MODE,
  NETWORKCTL_RELOAD,
  NETWORKD_HOLD_PATH,
  NETWORKMANAGER_HOLD_PATH,
} from './steps/renderer-hold-files.js';
import { isBatchSafe } from './tokens.js';
import type { Command } from './types.js';

const HOLD_PATHS: readonly string[] = [NETWORKD_HOLD_PATH, NETWORKMANAGER_HOLD_PATH];
const DHCP_CLIENTS: readonly string[] = ['dhclient', 'dhcpcd', 'udhcpc'];
/** The ip objects and verbs the planner's inverses use. */
const IP_VERBS: Readonly<Record<string, readonly string[]>> = {
  link: ['add', 'set', 'del', 'delete'],
  addr: ['add', 'del', 'replace'],
  address: ['add', 'del', 'replace'],
  route: ['add', 'del', 'replace'],
  rule: ['add', 'del'],
};
const WORD = /^[A-Za-z0-9][A-Za-z0-9_.:/+-]*$/;
const NFT_VERDICT = /\b(accept|drop|reject|queue|jump|goto|return|continue|dnat|snat|redirect|tproxy)\b/;

/** Why a revert must not run `command`, or null when it has a shape the planner produces. */
export function revertCommandProblem(command: Command): string | null {
  switch (command.kind) {
    case 'ip-batch': {
      if (command.lines.length === 0) return 'an empty ip batch';
      for (const line of command.lines) {
        const problem = ipLineProblem(line);
        if (problem) return `ip batch line "${line.join(' ')}": ${problem}`;
      }
      return null;
    }
    case 'exec':
      return execProblem(command.argv);
    case 'signal':
      // No inverse the planner builds signals a process (a stopped client is started again).
      return `signalling pid ${command.pid} is never part of a revert`;
    case 'spawn-detached':
      return dhcpClientProblem(command.argv);
    case 'stop-started':
      // Only a DHCP client the plan started on the bridge is ever stopped by a revert.
      return dhcpClientProblem(command.argv);
    case 'write-file':
      if (!HOLD_PATHS.includes(command.path)) return `${command.path} is not a renderer hold file`;
      if (command.mode !== HOLD_FILE_MODE) return `mode ${command.mode.toString(8)} is not the hold file's`;
      return null;
    case 'remove-file':
      return HOLD_PATHS.includes(command.path) || command.path === NETWORKD_LEASE_PATH
        ? null
        : `${command.path} is not a renderer hold file`;
    default: {
      const unknown: { kind?: unknown } = command;
      return `unknown command kind ${String(unknown.kind)}`;
    }
  }
}

/** One line of `ip -batch`: OBJECT VERB ARGS, each token safe for the batch parser. */
function ipLineProblem(line: readonly string[]): string | null {
  const [object, verb] = line;
  if (object === undefined || verb === undefined) return 'too short';
  const verbs = IP_VERBS[object];
  if (!verbs) return `ip ${object} is not something a revert changes`;
  if (!verbs.includes(verb)) return `ip ${object} ${verb} is not something a revert does`;
  for (const token of line) {
    if (!isBatchSafe(token)) return `the token ${JSON.stringify(token)} is not safe in a batch`;
    if (IP_FORBIDDEN_TOKENS.has(token)) return `"${token}" is never part of a revert`;
  }
  return null;
}

function execProblem(argv: readonly string[]): string | null {
  const [program, ...args] = argv;
  switch (program) {
    case 'ip': {
      // `ip -6 rule ...` (IPv6 rules cannot be batched with the IPv4 lines) or a plain `ip OBJECT`.
      const line = args[0] === '-6' || args[0] === '-4' ? args.slice(1) : args;
      return ipLineProblem(line);
    }
    case 'iptables':
      return iptablesProblem(args);
    case 'nft':
      return nftProblem(args);
    case 'nmcli':
      return nmcliProblem(args);
    case 'networkctl':
      return argv.length === NETWORKCTL_RELOAD.length && argv.every((arg, i) => arg === NETWORKCTL_RELOAD[i])
        ? null
        : 'a networkctl command other than "networkctl reload"';
    default:
      return `${JSON.stringify(program ?? '')} is not a program a revert runs`;
  }
}

/**
 * `-t nat -D|-I|-A CHAIN [N] SPEC... -j MASQUERADE` as remove-nat.ts builds it: the planner only
 * ever removes and restores the bridge's MASQUERADE rules, so a revert never touches another table
 * or puts back a rule with another target (an ACCEPT in filter would open the firewall).
 */
function iptablesProblem(args: readonly string[]): string | null {
  const [t, table, action, chain] = args;
  if (t !== '-t' || table !== 'nat') return 'an iptables rule outside "-t nat"';
  if (action !== '-D' && action !== '-I' && action !== '-A')
    return 'an iptables command that is not -D, -I or -A';
  if (!chain || !WORD.test(chain)) return 'an iptables rule without a chain';
  for (const token of args) {
    // --modprobe (-M) names a program iptables executes to load a module. iptables parses with
    // getopt_long, which takes any unambiguous abbreviation (`--mod=/x`) and bundled short
    // options (`-vM/x`), so refuse every spelling of it.
    if (namesModprobe(token)) return `"${token}" runs a program`;
    if (/[\0\n\r]/.test(token)) return 'a control character in an iptables argument';
  }
  const jumps = args.flatMap((token, index) =>
    ['-j', '--jump', '-g', '--goto'].includes(token) ? [`${token} ${args[index + 1] ?? ''}`] : [],
  );
  if (jumps.length !== 1 || jumps[0] !== '-j MASQUERADE') return 'an iptables rule that is not a MASQUERADE';
  return null;
}

/** `--modprobe`, any abbreviation of it (with or without `=VALUE`), or a short-option cluster holding M. */
function namesModprobe(token: string): boolean {
  const name = token.split('=')[0] ?? '';
  if (name.length >= 4 && '--modprobe'.startsWith(name)) return true;
  return /^-[^-]/.test(token) && token.includes('M');
}

/** `nft delete rule FAMILY TABLE CHAIN handle N`, `nft insert|add rule FAMILY TABLE CHAIN [index N] STATEMENT`. */
function nftProblem(args: readonly string[]): string | null {
  const [verb, object, family, table, chain, ...rest] = args;
  if (verb !== 'add' && verb !== 'insert' && verb !== 'delete')
    return `nft ${verb ?? ''} is not a rule change`;
  if (object !== 'rule') return 'an nft command on something other than a rule';
  for (const word of [family, table, chain]) {
    if (!word || !WORD.test(word)) return 'an nft rule without family, table and chain';
  }
  if (verb === 'delete') {
    return rest.length === 2 && rest[0] === 'handle' && /^\d+$/.test(rest[1] ?? '')
      ? null
      : 'an nft delete that is not by handle';
  }
  const statement = rest[0] === 'index' && /^\d+$/.test(rest[1] ?? '') ? rest.slice(2) : rest;
  if (statement.length !== 1 || !statement[0]) return 'an nft rule that is not one statement';
  // nft joins its arguments and parses them as one script line: ";" or a newline would start a
  // second command, and a leading "-" would be read as an option (-f FILE, -I DIR).
  if (/[;\n\r\0]/.test(statement[0]) || statement[0].startsWith('-'))
    return 'an nft statement with ";", a newline or a leading "-"';
  // Only the bridge's masquerade rules are ever put back; a verdict would be another rule's.
  if (!/\bmasquerade\b/.test(statement[0]) || NFT_VERDICT.test(statement[0]))
    return 'an nft rule that is not a masquerade';
  return null;
}

const NM_UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** `device set IF managed yes|no` or `connection delete uuid UUID`, exactly. */
function nmcliProblem(args: readonly string[]): string | null {
  const [object, verb, ...rest] = args;
  if (object === 'device' && verb === 'set') {
    const [ifname, property, value, ...extra] = rest;
    if (!ifname || !isInterfaceName(ifname)) return 'an nmcli device set without an interface name';
    if (property !== 'managed' || (value !== 'yes' && value !== 'no') || extra.length > 0)
      return 'an nmcli device set other than "managed yes|no"';
    return null;
  }
  if (object === 'connection' && verb === 'delete') {
    const [keyword, uuid, ...extra] = rest;
    return keyword === 'uuid' && uuid !== undefined && NM_UUID.test(uuid) && extra.length === 0
      ? null
      : 'an nmcli connection delete that is not one "uuid UUID"';
  }
  return `nmcli ${object ?? ''} ${verb ?? ''} is not something a revert does`;
}

/** The kernel's rule (at most 15 bytes, no "/", ":" or whitespace), and no leading "-" (an option). */
function isInterfaceName(name: string): boolean {
  return isValidInterfaceName(name) && !name.startsWith('-');
}

/** A DHCP client restarted as it ran before: its program (bare or absolute) and its own arguments. */
function dhcpClientProblem(argv: readonly string[]): string | null {
  const [program, next] = argv;
  if (!program) return 'an empty command';
  if (program.includes('/')) {
    if (
      !program.startsWith('/') ||
      program.split('/').some((part, i) => i > 0 && ['', '.', '..'].includes(part))
    )
      return `${program} is not an absolute path in normal form`;
  }
  if (argv.some((arg) => /[\0\n\r]/.test(arg))) return 'a control character in the command';
  const name = program.slice(program.lastIndexOf('/') + 1);
  if (DHCP_CLIENTS.includes(name)) return null;
  if (name === 'busybox' && next === 'udhcpc') return null;
  return `${program} is not a DHCP client (dhclient, dhcpcd, udhcpc, busybox udhcpc)`;
}
