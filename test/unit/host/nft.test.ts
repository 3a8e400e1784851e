import { describe, expect, it } from 'vitest';
import {
  nftForwardDropChains,
  nftMasquerade,
  parseNftJson,
  parseNftListing,
  ruleKey,
} from '../../../source/host/parse/nft.js';
import { fixture } from './fixture.js';

describe('nftables', () => {
  const native = parseNftJson(fixture('nft-native-lab.json'));
  const nativeText = parseNftListing(fixture('nft-native-a-lab.txt'));

  it('reads rules with family, table, chain, handle and position', () => {
    expect(
      native.rules.map(
        (rule) => `${ruleKey(rule.family, rule.table, rule.chain, rule.handle)} #${rule.position}`,
      ),
    ).toEqual([
      'inet filter forward 3 #1',
      'inet filter forward 4 #2',
      'ip fcnat postrouting 2 #1',
      'ip fcnat postrouting 4 #2',
    ]);
  });

  it('maps handles to the rule text, past a set with multi-line elements', () => {
    expect(nativeText.get('ip fcnat postrouting 2')).toBe(
      'oifname "ens18" ip saddr 203.0.113.0/24 counter packets 0 bytes 0 masquerade',
    );
    expect(nativeText.get('inet filter forward 4')).toBe('iifname "fcbr0" oifname "ens18" accept');
    expect(nativeText.size).toBe(4);
  });

  it('keeps native masquerade rules with the interfaces and prefixes they match', () => {
    const rules = nftMasquerade(native, nativeText, new Set());
    expect(rules).toHaveLength(2);
    expect(rules[0]).toMatchObject({
      source: 'nftables',
      family: 'ip',
      table: 'fcnat',
      chain: 'postrouting',
      handle: 2,
      position: 1,
      interfaces: ['ens18'],
      sourcePrefixes: ['203.0.113.0/24'],
    });
    expect(JSON.parse(rules[0]?.spec.at(-1) ?? '')).toEqual({ masquerade: null });
    expect(rules[1]?.interfaces).toEqual(['fcbr0', 'fcbr1']);
  });

  it('renders the rule from JSON when the text listing is missing', () => {
    const [rule] = nftMasquerade(native, new Map(), new Set());
    expect(rule?.text).toBe('oifname "ens18" ip saddr 203.0.113.0/24 counter masquerade');
  });

  it('leaves iptables-nft rules (xt targets, iptables tables) to the iptables side', () => {
    const mixed = parseNftJson(fixture('nft-ruleset-lab.json'));
    const rules = nftMasquerade(
      mixed,
      parseNftListing(fixture('nft-ruleset-a-lab.txt')),
      new Set(['ip nat', 'ip filter']),
    );
    expect(rules.map((rule) => `${rule.table}/${rule.handle}: ${rule.text}`)).toEqual([
      'bmnat/2: ip saddr 203.0.113.0/24 oifname "ens18" masquerade',
      'bmnat/3: oifname "fcbr0" masquerade',
    ]);
  });

  it('finds forward chains that drop by policy', () => {
    expect(nftForwardDropChains(native)).toEqual(['inet filter forward']);
    expect(nftForwardDropChains(parseNftJson('{"nftables": [{"metainfo": {"version": "1.0.6"}}]}'))).toEqual(
      [],
    );
  });

  it('refuses output that is not JSON', () => {
    expect(() => parseNftJson('Operation not permitted (you must be root)')).toThrow(/could not parse nft/);
  });

  it('refuses JSON cut short, and JSON that is not a ruleset', () => {
    const text = fixture('nft-native-lab.json');
    expect(() => parseNftJson(text.slice(0, text.length / 2))).toThrow(
      /^could not parse nft -j list ruleset: /,
    );
    expect(() => parseNftJson('[]')).toThrow(
      'could not parse nft -j list ruleset: expected {"nftables": [...]}',
    );
  });

  it('refuses a rule without a handle (it could not be deleted or put back)', () => {
    const ruleset =
      '{"nftables": [{"rule": {"family": "ip", "table": "nat", "chain": "postrouting", "expr": []}}]}';
    expect(() => parseNftJson(ruleset)).toThrow(
      /^could not parse nft -j list ruleset: a rule without family, table, chain and handle: \{"family":"ip"/,
    );
  });

  it('reads an empty output as an empty ruleset', () => {
    expect(parseNftJson('')).toEqual({ chains: [], rules: [] });
  });

  it('refuses a text listing that ends inside a block', () => {
    const text = fixture('nft-native-a-lab.txt');
    const cut = text.slice(0, text.lastIndexOf('}'));
    expect(() => parseNftListing(cut)).toThrow(
      'could not parse nft -a list ruleset: it ends inside an open block (cut short?)',
    );
  });
});
