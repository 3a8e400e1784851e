/**
 * ifupdown persistence (/etc/network/interfaces and the files it sources): the uplink's stanza
 * becomes `iface NIC inet manual` keeping only link options, and a bridge stanza takes its method
 * and address options with `bridge_ports NIC`, `bridge_stp off`, `bridge_fd 0` and
 * `hwaddress ether MAC` (the layout verified in the lab: ifupdown with bridge-utils brings the
 * bridge up with the uplink's MAC and the same DHCP lease). The file is edited line by line, so
 * comments and other stanzas stay as they are. A DHCP bridge also keeps the lease's client
 * identity (ifupdown-identity.ts). Every value taken from the running system (MAC, addresses,
 * gateway, nameservers) is checked before it becomes a word of the file; one that is not what it
 * claims to be refuses the plan (UnplannableValue) instead of writing a line ifup would misread.
 */
import type { PlanContext } from '../context.js';
import { leaseFor } from '../lease-identity.js';
import { info, warning } from '../preflight/verdict.js';
import { checkedAddress, checkedMac, checkedPrefix, UnplannableValue } from '../tokens.js';
import type { ConfigFile, Verdict } from '../types.js';
import { configFile } from './diff.js';
import { ifupdownDhcpIdentity } from './ifupdown-identity.js';
import { runtimeConfig } from './runtime-config.js';

const INTERFACES_PATH = '/etc/network/interfaces';
/** Options that describe the link itself and stay with the uplink. */
const LINK_OPTIONS = new Set(['mtu', 'hwaddress', 'link-speed', 'link-duplex', 'link-autoneg']);
const STANZA_START =
  /^(iface|auto|allow-\S+|source|source-directory|mapping|rename|no-auto-down|no-scripts)\b/;

interface Block {
  /** The stanza's first line split into words, or null for leading comments and blanks. */
  head: string[] | null;
  lines: string[];
}

export function ifupdownConfig(context: PlanContext): { files: ConfigFile[]; verdicts: Verdict[] } {
  const { nic, bridge, uplink } = context.target;
  const mac = checkedMac(uplink.mac);
  const sources = context.renderer.ifupdown.files;
  const owning = sources.find((file) => splitBlocks(file.content).some((block) => isIface(block, nic)));
  const path = owning?.path ?? sources[0]?.path ?? INTERFACES_PATH;
  const before = owning?.content ?? sources.find((file) => file.path === path)?.content ?? null;
  const blocks = splitBlocks(before ?? '');
  const verdicts: Verdict[] = [];

  const inet = blocks.find((block) => isIface(block, nic, 'inet'));
  const inet6 = blocks.filter((block) => isIface(block, nic, 'inet6'));
  const indent = optionIndent(inet ?? inet6[0]);
  const bridgeLines: string[] = [`auto ${bridge}`];
  let extraStanzas: string[] = [];
  if (inet) {
    const moved = options(inet).filter(([key]) => !LINK_OPTIONS.has(key));
    bridgeLines.push(
      `iface ${bridge} inet ${inet.head?.[3] ?? 'dhcp'}`,
      ...moved.map(([key, value]) => `${indent}${key} ${value}`.trimEnd()),
    );
    if (moved.some(([key, value]) => key !== 'address' && new RegExp(`\\b${nic}\\b`).test(value))) {
      verdicts.push(
        warning(
          'ifupdown-hook-names-uplink',
          `An option moved from ${nic}'s stanza to ${bridge}'s names ${nic} itself.`,
          `Check the ${bridge} stanza in the diff and change ${nic} to ${bridge} where it means the IP interface.`,
        ),
      );
    }
  } else {
    const runtime = runtimeStanzas(context, indent);
    bridgeLines.push(...runtime.main);
    extraStanzas = runtime.extra;
  }
  if (/^iface \S+ inet dhcp$/.test(bridgeLines[1] ?? '')) {
    const lease = leaseFor(context.snapshot, nic);
    const identity = ifupdownDhcpIdentity(lease, mac, bridge);
    const stated = new Set(options(inet ?? { head: null, lines: [] }).map(([key]) => key));
    bridgeLines.push(
      ...identity.options
        .filter((line) => !stated.has(line.split(' ')[0] ?? ''))
        .map((line) => `${indent}${line}`),
    );
    verdicts.push(...identity.verdicts);
  }
  bridgeLines.push(
    `${indent}bridge_ports ${nic}`,
    `${indent}bridge_stp off`,
    `${indent}bridge_fd 0`,
    `${indent}hwaddress ether ${mac}`,
  );
  if (uplink.mtu !== 1500) bridgeLines.push(`${indent}mtu ${uplink.mtu}`);
  bridgeLines.push(...extraStanzas);
  for (const block of inet6) {
    bridgeLines.push(
      '',
      `iface ${bridge} inet6 ${block.head?.[3] ?? 'auto'}`,
      ...options(block).map(([key, value]) => `${indent}${key} ${value}`),
    );
  }

  const output: string[] = [];
  let inserted = false;
  for (const block of blocks) {
    if (isIface(block, bridge) || inet6.includes(block)) continue;
    if (block.head?.[0] === 'auto' && block.head.includes(bridge)) {
      const rest = block.head.slice(1).filter((name) => name !== bridge);
      if (rest.length > 0) output.push(`auto ${rest.join(' ')}`, ...block.lines.slice(1));
      continue;
    }
    if (block === inet) {
      const kept = options(block).filter(([key]) => LINK_OPTIONS.has(key));
      const after = trailing(block);
      output.push(
        `iface ${nic} inet manual`,
        ...kept.map(([key, value]) => `${indent}${key} ${value}`),
        ...after,
      );
      output.push(...(after.includes('') ? [] : ['']), ...bridgeLines, '');
      inserted = true;
      continue;
    }
    output.push(...block.lines);
  }
  if (!inserted) {
    if (output.length > 0 && output.at(-1) !== '') output.push('');
    output.push(`iface ${nic} inet manual`, '', ...bridgeLines, '');
  }
  const after = `${output
    .join('\n')
    .replace(/\n{3,}/g, '\n\n')
    .replace(/\n*$/, '')}\n`;
  verdicts.push(
    context.snapshot.tools.brctl === false
      ? warning(
          'ifupdown-needs-bridge-utils',
          `ifupdown brings up bridge_ports only with the bridge-utils package, which is not installed, so ${bridge} would not come up at boot.`,
          'Install bridge-utils (apt-get install bridge-utils) before confirming.',
        )
      : info(
          'ifupdown-bridge-utils',
          `ifupdown needs bridge-utils (or ifupdown2) to bring up ${bridge}'s bridge_ports at boot.`,
          'Nothing to do if `brctl` is installed.',
        ),
  );
  return {
    files: [
      configFile(
        path,
        'ifupdown',
        before,
        after,
        `${bridge} takes ${nic}'s address config; ${nic} becomes its port (inet manual).`,
      ),
    ],
    verdicts,
  };
}

function splitBlocks(text: string): Block[] {
  const blocks: Block[] = [{ head: null, lines: [] }];
  const lines = text.split('\n');
  if (lines.at(-1) === '') lines.pop();
  for (const line of lines) {
    if (STANZA_START.test(line.trim()) && !/^\s/.test(line))
      blocks.push({ head: line.trim().split(/\s+/), lines: [line] });
    else (blocks.at(-1) as Block).lines.push(line);
  }
  return blocks;
}

function isIface(block: Block, name: string, family?: string): boolean {
  return (
    block.head?.[0] === 'iface' &&
    block.head[1] === name &&
    (family === undefined || block.head[2] === family)
  );
}

function options(block: Block): Array<[string, string]> {
  return block.lines
    .slice(1)
    .filter((line) => line.trim() !== '' && !line.trim().startsWith('#'))
    .map((line) => {
      const [key = '', ...value] = line.trim().split(/\s+/);
      return [key, value.join(' ')];
    });
}

/** Comments and blank lines after the last option stay where they were. */
function trailing(block: Block): string[] {
  const lines = block.lines.slice(1);
  let last = -1;
  lines.forEach((line, index) => {
    if (line.trim() !== '' && !line.trim().startsWith('#')) last = index;
  });
  return lines.slice(last + 1);
}

function optionIndent(block: Block | undefined): string {
  const option = block?.lines.slice(1).find((line) => line.trim() !== '');
  return option ? (/^\s+/.exec(option)?.[0] ?? '    ') : '    ';
}

/** When no stanza names the uplink: DHCP, or its static addresses and gateway as they run now. */
function runtimeStanzas(context: PlanContext, indent: string): { main: string[]; extra: string[] } {
  const config = runtimeConfig(context);
  const { bridge } = context.target;
  const v4 = config.addresses.filter((address) => !address.includes(':')).map(checkedCidr);
  if (config.dhcp4 || v4.length === 0) return { main: [`iface ${bridge} inet dhcp`], extra: [] };
  const main = [`iface ${bridge} inet static`, `${indent}address ${v4[0]}`];
  if (config.gateway4) main.push(`${indent}gateway ${checkedAddress(config.gateway4.gateway, 4)}`);
  if (config.nameservers.length > 0)
    main.push(
      `${indent}dns-nameservers ${config.nameservers.map((server) => checkedAddress(server)).join(' ')}`,
    );
  // interfaces(5): further addresses go into further stanzas of the same interface.
  const extra = v4
    .slice(1)
    .flatMap((address) => ['', `iface ${bridge} inet static`, `${indent}address ${address}`]);
  return { main, extra };
}

/** "198.51.100.240/24" as one word of the file: a parsable IPv4 prefix with nothing around it. */
function checkedCidr(address: string): string {
  if (/\s/.test(address)) throw new UnplannableValue('address', address);
  return checkedPrefix(address, 4);
}
