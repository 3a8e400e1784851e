/**
 * Taking the bridge's MASQUERADE rules out of an iptables-restore file (/etc/iptables/rules.v4,
 * which `iptables-save > rules.v4` wrote): in its `*nat` table, each "-A CHAIN spec" line whose
 * tokens equal a rule the NAT step deletes (same chain, same spec, as iptables-save printed it at
 * probe time) is removed; nothing else changes, byte for byte (comments, order, counters, COMMIT).
 * A MASQUERADE line for the bridge that matches no removed rule (written in another order, an
 * "-I" line, a rule no longer loaded) refuses the edit, and so does a file that is not in this
 * format where it matters. Pure.
 */
import { iptablesMasquerade, tokenize } from '../../host/parse/iptables-save.js';
import type { NatRule } from '../../host/snapshot.js';
import { type BridgeNat, type FirewallEdit, quoteLine, takeMatch, withoutLines } from './firewall-edit.js';

/** Rule commands iptables-restore accepts in a table section (long and short spellings). */
const RULE_COMMANDS = new Set(['-A', '--append', '-I', '--insert', '-R', '--replace']);

export function removeIptablesRules(
  content: string,
  removed: readonly NatRule[],
  bridge: BridgeNat,
): FirewallEdit {
  const pool = removed.filter((rule) => rule.source === 'iptables' && rule.table === 'nat');
  const drop = new Set<number>();
  let table: string | null = null;
  const lines = content.split('\n');
  for (const [index, raw] of lines.entries()) {
    const line = raw.trim();
    const number = index + 1;
    if (line === '' || line.startsWith('#')) continue;
    if (line.startsWith('*')) {
      table = line.slice(1).trim();
      continue;
    }
    if (line === 'COMMIT') {
      table = null;
      continue;
    }
    if (table !== 'nat') continue;
    const [command = '', chain = '', ...spec] = tokenize(line);
    if (!RULE_COMMANDS.has(command) || !isMasquerade(spec)) continue;
    const rule = fileRule(chain, spec, line);
    if (!bridge.serves(rule)) continue;
    const exact =
      (command === '-A' || command === '--append') &&
      takeMatch(pool, (candidate) => candidate.chain === chain && sameTokens(candidate.spec, spec));
    if (!exact) {
      return {
        kind: 'refused',
        problem: `line ${number} ${quoteLine(line)} is a MASQUERADE rule for the bridge that is not exactly one the NAT step deletes`,
      };
    }
    drop.add(number);
  }
  if (table !== null) return { kind: 'refused', problem: `its table ${table} has no COMMIT` };
  return { kind: 'edited', after: withoutLines(content, drop), removedLines: [...drop], unmatched: pool };
}

function isMasquerade(spec: string[]): boolean {
  return spec.some(
    (token, index) => (token === '-j' || token === '--jump') && spec[index + 1] === 'MASQUERADE',
  );
}

/** The line as a NatRule, with the interfaces and prefixes it names (the probe's own reading). */
function fileRule(chain: string, spec: string[], text: string): NatRule {
  const [rule] = iptablesMasquerade({
    backend: null,
    policies: {},
    rules: [{ table: 'nat', chain, position: 0, spec, text }],
  });
  return rule as NatRule;
}

function sameTokens(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((token, index) => token === b[index]);
}
