/**
 * What editing one boot-time firewall file comes to: the new text and the lines taken out, or the
 * reason the file is left exactly as it is. An edit is all or nothing: a rule of the bridge in the
 * file that cannot be matched to one the NAT step removes leaves the whole file untouched (with a
 * warning, firewall.ts), so an operator never gets a firewall file silently half edited.
 */
import type { NatRule } from '../../host/snapshot.js';

export type FirewallEdit =
  | { kind: 'edited'; after: string; removedLines: number[]; unmatched: NatRule[] }
  | { kind: 'refused'; problem: string };

/** The bridge whose NAT goes: its name, and whether a rule read from a file is its (remove-nat.ts natRuleServes). */
export interface BridgeNat {
  name: string;
  serves(rule: NatRule): boolean;
}

/** Lines of a file with their 1-based numbers; joined back with '\n', every other byte is kept. */
export function withoutLines(content: string, removed: ReadonlySet<number>): string {
  return content
    .split('\n')
    .filter((_, index) => !removed.has(index + 1))
    .join('\n');
}

/**
 * Takes one rule equal to `wanted` out of the pool (the removed rules not yet found in the file),
 * so two identical lines need two identical removed rules.
 */
export function takeMatch(pool: NatRule[], wanted: (rule: NatRule) => boolean): boolean {
  const index = pool.findIndex(wanted);
  if (index < 0) return false;
  pool.splice(index, 1);
  return true;
}

/** A file line for a sentence: trimmed and cut short. Shown through displaySafe by the UI. */
export function quoteLine(line: string): string {
  const text = line.trim();
  return JSON.stringify(text.length > 80 ? `${text.slice(0, 77)}...` : text);
}
