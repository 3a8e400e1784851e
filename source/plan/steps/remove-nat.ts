/**
 * Remove the NAT that served the bridge until now: its MASQUERADE rules (iptables or nftables),
 * the gateway address on the bridge, and routes through the bridge that die with that address.
 * Once the bridge carries the LAN, guests take LAN addresses and NAT would only get in the way.
 *
 * Put back exactly by the inverse:
 * - iptables deletes by spec and re-inserts at the rule's 1-based position (`-I CHAIN N`); only
 *   IPv4 iptables rules are probed (iptables-save), so the program is always `iptables`: the NAT a
 *   Firecracker host sets up is IPv4 MASQUERADE, and IPv6 NAT in nftables is handled below;
 * - nftables deletes by handle and re-adds the rule from the text `nft -a list` printed (nft reads
 *   back what it lists); position p goes back with `insert` (p = 1) or `add ... index p-2` (after
 *   the rule before it), which also works when it was the chain's last rule;
 * - rules are restored in ascending position, so each lands where it was;
 * - the last IPv4 address leaving a device flushes every IPv4 route through it (fib_disable_ip), so
 *   such routes are deleted first and re-added after the addresses.
 */
import type { Address, HostSnapshot, NatRule, Route } from '../../host/snapshot.js';
import { parsePrefix, prefixContains } from '../../system/ip-math.js';
import { addressAddArgs, addressDelArgs, addressRoutePriority } from '../address-spec.js';
import { checkedName } from '../names.js';
import { routeArgs, routesThrough } from '../route-spec.js';
import { checkedNumber, checkedWord, UnplannableValue } from '../tokens.js';
import type { Command, Step } from '../types.js';
import { additionOrder, isMovable } from '../uplink-state.js';

export interface NatState {
  rules: NatRule[];
  addresses: Address[];
  routes: Route[];
}

/** The NAT that belongs to the bridge: rules naming it or its subnets, its addresses and routes. */
export function natStateFor(
  snapshot: Pick<HostSnapshot, 'addresses' | 'routes' | 'netfilter'>,
  bridge: string,
): NatState {
  const addresses = snapshot.addresses.filter((address) => address.ifname === bridge && isMovable(address));
  const rules = snapshot.netfilter.natRules.filter((rule) => natRuleServes(rule, bridge, addresses));
  const routes = snapshot.routes.filter(
    (route) =>
      routesThrough(route, bridge) &&
      route.table !== 'local' &&
      route.protocol !== 'kernel' &&
      route.type === 'unicast',
  );
  return { rules, addresses, routes };
}

/**
 * Whether a NAT rule is the bridge's: it names the bridge, or its source prefix is the network of
 * one of the bridge's addresses. Also used on the rules of the boot-time firewall files
 * (plan/persist/firewall.ts), so both agree on what "the bridge's NAT" is.
 */
export function natRuleServes(
  rule: Pick<NatRule, 'bridge' | 'interfaces' | 'sourcePrefixes'>,
  bridge: string,
  addresses: readonly Address[],
): boolean {
  if (rule.bridge === bridge || rule.interfaces?.includes(bridge)) return true;
  const prefixes = [...(rule.sourcePrefixes ?? []), ...(rule.bridge ? [rule.bridge] : [])];
  return prefixes.some((text) => {
    const prefix = parsePrefix(text, text.includes(':') ? 6 : 4);
    return (
      prefix !== null &&
      addresses.some(
        (address) => address.prefixlen === prefix.prefixlen && prefixContains(prefix, address.local),
      )
    );
  });
}

export function buildRemoveNatStep(
  snapshot: Pick<HostSnapshot, 'routes'>,
  bridge: string,
  nat: NatState,
): Step | null {
  if (nat.rules.length === 0 && nat.addresses.length === 0) return null;
  const byPosition = [...nat.rules].sort((a, b) => (a.position ?? 0) - (b.position ?? 0));
  const deletes = [...byPosition].reverse().map(deleteRule);
  const restores = byPosition.map(restoreRule);
  const asIs = (ifname: string) => ifname;

  const commands: Command[] = [...deletes];
  const inverse: Command[] = [];
  if (nat.addresses.length > 0) {
    const reversed = [...nat.addresses].reverse();
    commands.push({
      kind: 'ip-batch',
      lines: [
        ...nat.routes.map((route) => ['route', 'del', ...routeArgs(route, asIs)]),
        ...reversed.map((address) => addressDelArgs(address, bridge)),
      ],
    });
    inverse.push({
      kind: 'ip-batch',
      lines: [
        ...additionOrder(nat.addresses, (address) => address.family).map((address) =>
          addressAddArgs(address, {
            dev: bridge,
            label: address.label && address.label !== bridge ? address.label : null,
            metric: addressRoutePriority(snapshot, address),
          }),
        ),
        ...nat.routes.map((route) => ['route', 'replace', ...routeArgs(route, asIs)]),
      ],
    });
  }
  inverse.push(...restores);

  const parts = [
    nat.rules.length > 0 ? `${nat.rules.length} MASQUERADE rule${nat.rules.length === 1 ? '' : 's'}` : null,
    nat.addresses.length > 0
      ? `the address${nat.addresses.length === 1 ? '' : 'es'} ${nat.addresses.map((a) => `${a.local}/${a.prefixlen}`).join(', ')}`
      : null,
  ].filter(Boolean);
  return {
    id: 'remove-nat',
    kind: 'remove-nat',
    title: `Remove the NAT for ${bridge}`,
    detail: `Deletes ${parts.join(' and ')} of ${bridge}: guests on the bridge will be on the LAN and get LAN addresses instead.`,
    disruptive: false,
    commands,
    inverse,
    expect: nat.addresses.map((address) => ({
      kind: 'address-absent' as const,
      ifname: bridge,
      family: address.family,
      local: address.local,
      prefixlen: address.prefixlen,
    })),
  };
}

function deleteRule(rule: NatRule): Command {
  if (rule.source === 'iptables') {
    return {
      kind: 'exec',
      argv: ['iptables', '-t', word(rule.table), '-D', word(rule.chain), ...checkedSpec(rule.spec)],
    };
  }
  if (rule.handle === null) throw new UnplannableValue('nftables rule without handle', rule.text);
  return {
    kind: 'exec',
    argv: [
      'nft',
      'delete',
      'rule',
      nftFamily(rule),
      word(rule.table),
      word(rule.chain),
      'handle',
      checkedNumber(rule.handle, 'nft handle'),
    ],
  };
}

function restoreRule(rule: NatRule): Command {
  if (rule.source === 'iptables') {
    const where = rule.position
      ? ['-I', word(rule.chain), checkedNumber(rule.position, 'rule position')]
      : ['-A', word(rule.chain)];
    return {
      kind: 'exec',
      argv: ['iptables', '-t', word(rule.table), ...where, ...checkedSpec(rule.spec)],
    };
  }
  const target = [nftFamily(rule), word(rule.table), word(rule.chain)];
  const statement = nftStatement(rule.text);
  if (rule.position === 1) return { kind: 'exec', argv: ['nft', 'insert', 'rule', ...target, statement] };
  if (rule.position && rule.position > 1) {
    return {
      kind: 'exec',
      argv: [
        'nft',
        'add',
        'rule',
        ...target,
        'index',
        checkedNumber(rule.position - 2, 'rule index'),
        statement,
      ],
    };
  }
  return { kind: 'exec', argv: ['nft', 'add', 'rule', ...target, statement] };
}

function nftFamily(rule: NatRule): string {
  return checkedWord(rule.family ?? 'ip', 'nftables family');
}

function word(value: string): string {
  return checkedWord(value, 'netfilter table or chain');
}

/** The spec is passed as argv (no shell); only the interface names in it are names to check. */
function checkedSpec(spec: string[]): string[] {
  spec.forEach((token, index) => {
    const previous = spec[index - 1];
    if (
      previous === '-i' ||
      previous === '-o' ||
      previous === '--in-interface' ||
      previous === '--out-interface'
    ) {
      checkedName(token.endsWith('+') ? token.slice(0, -1) || 'x' : token);
    }
  });
  return spec;
}

/** The rule as nft lists it, without a trailing "# handle N"; nft joins its arguments itself. */
function nftStatement(text: string): string {
  const statement = text.replace(/\s*#\s*handle\s+\d+\s*$/, '').trim();
  if (statement === '' || /[\n\r;]/.test(statement)) throw new UnplannableValue('nftables rule text', text);
  return statement;
}
