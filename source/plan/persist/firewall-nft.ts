/**
 * Taking the bridge's masquerade rules out of an nft script (/etc/nftables.conf, which
 * nftables.service loads with `nft -f`): inside `table FAMILY NAME { chain NAME { ... } }`, each
 * line that is one rule equal to a rule the NAT step deletes (same family, table and chain; the
 * same statement as `nft list` printed it, compared without quotes, comments, counter values and
 * spacing) is removed; every other byte stays. A masquerade line for the bridge that is not such
 * a line (another wording, several statements on one line, an `add rule` command, a rule no longer
 * loaded) refuses the edit. Files it `include`s are not read: `includes` names them, for the
 * planner to say so. Pure.
 */
import type { NatRule } from '../../host/snapshot.js';
import { type BridgeNat, type FirewallEdit, quoteLine, takeMatch, withoutLines } from './firewall-edit.js';

export type NftEdit = FirewallEdit & { includes?: string[] };

type Block =
  | { kind: 'table'; family: string; name: string }
  | { kind: 'chain'; name: string }
  | { kind: 'other' };

/** Chain declarations inside a chain body: not rules. */
const DECLARATION = /^(type|policy|comment|devices|device|flags)\b/;

export function removeNftRules(content: string, removed: readonly NatRule[], bridge: BridgeNat): NftEdit {
  const pool = removed.filter((rule) => rule.source === 'nftables');
  const drop = new Set<number>();
  const includes: string[] = [];
  const stack: Block[] = [];
  for (const [index, raw] of content.split('\n').entries()) {
    const number = index + 1;
    const line = withoutComment(raw).trim();
    if (line === '') continue;
    const include = /^include\s+"([^"]*)"/.exec(line);
    if (include) includes.push(include[1] as string);
    const chain = stack.at(-1);
    const table = stack.at(-2);
    const isRule =
      chain?.kind === 'chain' && table?.kind === 'table' && !/[{};]/.test(line) && !DECLARATION.test(line);
    if (/\bmasquerade\b/.test(line)) {
      const rule = isRule ? fileRule(table.family, table.name, chain.name, line) : fileRule('', '', '', line);
      if (bridge.serves(rule) || mentions(line, bridge.name)) {
        const exact =
          isRule &&
          takeMatch(
            pool,
            (candidate) =>
              (candidate.family ?? 'ip') === table.family &&
              candidate.table === table.name &&
              candidate.chain === chain.name &&
              statement(candidate.text) === statement(line),
          );
        if (!exact) {
          return {
            kind: 'refused',
            problem: `line ${number} ${quoteLine(raw)} is a masquerade rule for the bridge that is not exactly one the NAT step deletes`,
          };
        }
        drop.add(number);
        continue;
      }
    }
    const opened = openedBlock(line);
    if (opened) stack.push(opened);
    else {
      const net = braceBalance(line);
      for (let step = 0; step < net; step++) stack.push({ kind: 'other' });
      for (let step = 0; step < -net; step++) stack.pop();
    }
  }
  if (stack.length > 0) return { kind: 'refused', problem: 'it ends inside an open block' };
  return {
    kind: 'edited',
    after: withoutLines(content, drop),
    removedLines: [...drop],
    unmatched: pool,
    ...(includes.length > 0 ? { includes } : {}),
  };
}

/** "table [FAMILY] NAME {" or "chain NAME {" opening a block on a line of its own (a one-liner is "other"). */
function openedBlock(line: string): Block | null {
  if (braceBalance(line) !== 1 || !line.endsWith('{')) return null;
  const table = /^table\s+(?:(ip|ip6|inet|arp|bridge|netdev)\s+)?("[^"]+"|\S+)\s*\{$/.exec(line);
  if (table) return { kind: 'table', family: table[1] ?? 'ip', name: unquote(table[2] as string) };
  const chain = /^chain\s+("[^"]+"|\S+)\s*\{$/.exec(line);
  if (chain) return { kind: 'chain', name: unquote(chain[1] as string) };
  return null;
}

/** The rule as the runtime's NatRule would describe it: the interfaces and source prefixes it names. */
function fileRule(family: string, table: string, chain: string, text: string): NatRule {
  const interfaces = [...text.matchAll(/\b(?:iifname|oifname|iif|oif)\s+(?:!=\s*)?"?([^"\s{}]+)"?/g)].map(
    (match) => match[1] as string,
  );
  const sourcePrefixes = [...text.matchAll(/\bip6?\s+saddr\s+(?:!=\s*)?([0-9a-fA-F.:]+\/\d+)/g)].map(
    (match) => match[1] as string,
  );
  return {
    source: 'nftables',
    text,
    table,
    chain,
    spec: [],
    handle: null,
    family: family || null,
    bridge: null,
    interfaces,
    sourcePrefixes,
  };
}

/** Whether the line names the bridge as a word, in a form fileRule does not read (a set, a variable). */
function mentions(line: string, bridge: string): boolean {
  return new RegExp(`(^|[^\\w.-])${bridge.replace(/[.+-]/g, '\\$&')}([^\\w.-]|$)`).test(line);
}

/**
 * A rule statement compared as nft means it: no "# handle N" or comment, no quotes around names
 * (`oifname "ens18"` is `oifname ens18`), counters without their values, single spaces.
 */
export function statement(text: string): string {
  return withoutComment(text)
    .replace(/"/g, '')
    .replace(/\bcounter\s+packets\s+\d+\s+bytes\s+\d+/g, 'counter')
    .replace(/\s+/g, ' ')
    .trim();
}

/** The line before a "#" that is not inside double quotes. */
function withoutComment(line: string): string {
  let quoted = false;
  for (let index = 0; index < line.length; index++) {
    const char = line[index];
    if (char === '"') quoted = !quoted;
    else if (char === '#' && !quoted) return line.slice(0, index);
  }
  return line;
}

function braceBalance(line: string): number {
  let balance = 0;
  let quoted = false;
  for (const char of line) {
    if (char === '"') quoted = !quoted;
    else if (!quoted && char === '{') balance++;
    else if (!quoted && char === '}') balance--;
  }
  return balance;
}

function unquote(name: string): string {
  return name.startsWith('"') && name.endsWith('"') ? name.slice(1, -1) : name;
}
