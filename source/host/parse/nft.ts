/**
 * nftables: `nft -j list ruleset` gives each rule's family, table, chain, handle and expressions;
 * `nft -a list ruleset` gives the same rules as nft prints them, each ending in "# handle N". The
 * JSON is what the planner needs to delete a rule (by handle) and the text is what the operator
 * reads in the preview and what `nft add rule` takes back.
 */
import type { NatRule } from '../snapshot.js';
import { isObject, type JsonObject, num, obj, ParseError, str } from './json-fields.js';

export interface NftRule {
  family: string;
  table: string;
  chain: string;
  handle: number;
  /** 1-based position in its chain. */
  position: number;
  expr: JsonObject[];
}

export interface NftChain {
  family: string;
  table: string;
  name: string;
  hook: string | null;
  policy: string | null;
}

export interface NftRuleset {
  chains: NftChain[];
  rules: NftRule[];
}

const NFT_JSON = 'nft -j list ruleset';

export function parseNftJson(text: string): NftRuleset {
  // Some nft versions print nothing at all for an empty ruleset.
  if (text.trim() === '') return { chains: [], rules: [] };
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (error) {
    throw new ParseError(NFT_JSON, (error as Error).message);
  }
  if (!isObject(data) || !Array.isArray(data.nftables))
    throw new ParseError(NFT_JSON, 'expected {"nftables": [...]}');
  const items = data.nftables.filter(isObject);
  const ruleset: NftRuleset = { chains: [], rules: [] };
  const counts = new Map<string, number>();
  for (const item of items) {
    const chain = obj(item, 'chain');
    if (chain) {
      ruleset.chains.push({
        family: str(chain, 'family') ?? '',
        table: str(chain, 'table') ?? '',
        name: str(chain, 'name') ?? '',
        hook: str(chain, 'hook'),
        policy: str(chain, 'policy'),
      });
    }
    const rule = obj(item, 'rule');
    if (!rule) continue;
    const family = str(rule, 'family') ?? '';
    const table = str(rule, 'table') ?? '';
    const chainName = str(rule, 'chain') ?? '';
    const handle = num(rule, 'handle');
    // The handle is how a NAT rule is deleted and its neighbours addressed: without it, no plan.
    if (!family || !table || !chainName || handle === null || !Number.isInteger(handle) || handle < 1)
      throw new ParseError(NFT_JSON, `a rule without family, table, chain and handle: ${describe(rule)}`);
    const key = `${family} ${table} ${chainName}`;
    const position = (counts.get(key) ?? 0) + 1;
    counts.set(key, position);
    ruleset.rules.push({
      family,
      table,
      chain: chainName,
      handle,
      position,
      expr: Array.isArray(rule.expr) ? rule.expr.filter(isObject) : [],
    });
  }
  return ruleset;
}

export function ruleKey(family: string, table: string, chain: string, handle: number): string {
  return `${family} ${table} ${chain} ${handle}`;
}

/** `nft -a list ruleset` → rule text by ruleKey, without the trailing "# handle N". */
export function parseNftListing(text: string): Map<string, string> {
  const rules = new Map<string, string>();
  const stack: Array<{ kind: 'table' | 'chain' | 'other'; family?: string; name: string }> = [];
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    const table = /^table\s+(\S+)\s+(\S+)\s*\{/.exec(line);
    const chain = /^chain\s+(\S+)\s*\{/.exec(line);
    if (table) {
      stack.push({ kind: 'table', family: table[1] as string, name: unquote(table[2] as string) });
      continue;
    }
    if (chain) {
      stack.push({ kind: 'chain', name: unquote(chain[1] as string) });
      continue;
    }
    const top = stack.at(-1);
    const owner = stack.at(-2);
    const handle = /^(.*?)\s*# handle (\d+)$/.exec(line);
    if (top?.kind === 'chain' && owner?.kind === 'table' && handle) {
      rules.set(ruleKey(owner.family ?? '', owner.name, top.name, Number(handle[2])), handle[1] as string);
      continue;
    }
    // Sets, maps and their multi-line "elements = { ... }" open and close blocks of their own.
    const net = braceBalance(line);
    for (let step = 0; step < net; step++) stack.push({ kind: 'other', name: '' });
    for (let step = 0; step < -net; step++) stack.pop();
  }
  // Every block nft opens it closes: output that ends inside one was cut short.
  if (stack.length > 0)
    throw new ParseError('nft -a list ruleset', 'it ends inside an open block (cut short?)');
  return rules;
}

/** A short, single-line rendering of a JSON value from the host for an error message. */
function describe(value: unknown): string {
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}

function braceBalance(line: string): number {
  const unquoted = line.replace(/"(?:[^"\\]|\\.)*"/g, '""');
  return (unquoted.match(/\{/g)?.length ?? 0) - (unquoted.match(/\}/g)?.length ?? 0);
}

function unquote(name: string): string {
  return name.replace(/^"(.*)"$/, '$1');
}

/**
 * Native nft masquerade rules. Rules holding an "xt" expression are iptables-nft rules seen through
 * nft; they are left to the iptables side, as are all rules of the tables iptables-save listed when
 * its backend is nf_tables (`skipTables`, as "family table").
 */
export function nftMasquerade(
  ruleset: NftRuleset,
  listing: Map<string, string>,
  skipTables: Set<string>,
): NatRule[] {
  return ruleset.rules
    .filter((rule) => rule.expr.some((expr) => 'masquerade' in expr))
    .filter((rule) => !rule.expr.some((expr) => 'xt' in expr))
    .filter((rule) => !skipTables.has(`${rule.family} ${rule.table}`))
    .map((rule) => ({
      source: 'nftables',
      text:
        listing.get(ruleKey(rule.family, rule.table, rule.chain, rule.handle)) ??
        rule.expr.map(renderExpression).join(' '),
      table: rule.table,
      chain: rule.chain,
      spec: rule.expr.map((expr) => JSON.stringify(expr)),
      handle: rule.handle,
      family: rule.family,
      bridge: null,
      position: rule.position,
      interfaces: matchValues(rule.expr, (left) =>
        ['iifname', 'oifname', 'iif', 'oif'].includes(metaKey(left) ?? ''),
      ),
      sourcePrefixes: matchValues(rule.expr, (left) => payloadField(left) === 'saddr'),
    }));
}

/** Chains hooked at forward whose policy is drop (a native nft firewall that drops bridged traffic). */
export function nftForwardDropChains(ruleset: NftRuleset): string[] {
  return ruleset.chains
    .filter((chain) => chain.hook === 'forward' && chain.policy === 'drop')
    .map((chain) => `${chain.family} ${chain.table} ${chain.name}`);
}

function matchValues(exprs: JsonObject[], wanted: (left: unknown) => boolean): string[] {
  const values: string[] = [];
  for (const expr of exprs) {
    const match = obj(expr, 'match');
    if (!match || !wanted(match.left)) continue;
    for (const value of rightValues(match.right)) values.push(value);
  }
  return values;
}

function rightValues(right: unknown): string[] {
  if (typeof right === 'string') return [right];
  if (!isObject(right)) return [];
  const prefix = obj(right, 'prefix');
  if (prefix) return [`${str(prefix, 'addr')}/${num(prefix, 'len')}`];
  if (Array.isArray(right.set)) return right.set.flatMap(rightValues);
  return [];
}

function metaKey(left: unknown): string | null {
  const meta = isObject(left) ? obj(left, 'meta') : null;
  return meta ? str(meta, 'key') : null;
}

function payloadField(left: unknown): string | null {
  const payload = isObject(left) ? obj(left, 'payload') : null;
  return payload ? str(payload, 'field') : null;
}

/** Fallback text when the listing lacks the rule: the common expressions, else their JSON. */
function renderExpression(expr: JsonObject): string {
  const match = obj(expr, 'match');
  if (match) {
    const key = metaKey(match.left);
    const payload = isObject(match.left) ? obj(match.left, 'payload') : null;
    const left =
      key ?? (payload ? `${str(payload, 'protocol')} ${str(payload, 'field')}` : JSON.stringify(match.left));
    const op = str(match, 'op') === '!=' ? '!= ' : '';
    const right = rightValues(match.right).map((value) => (key ? `"${value}"` : value));
    return `${left} ${op}${right.join(', ')}`;
  }
  if ('masquerade' in expr) return 'masquerade';
  if ('counter' in expr) return 'counter';
  return JSON.stringify(expr);
}
