/**
 * After an incomplete revert: the exact commands that would bring the host back to the pre-state,
 * one per remaining difference, for the operator to run by hand (or to read before deciding).
 * Built with the planner's own argument builders, so they say what the cutover's inverse would
 * have said. Order: links back to their masters first, then addresses (prefix routes come with
 * them; the kernel's own prefix and local routes get no command of their own), routes, rules, and
 * only then what has to go (extra routes, addresses, the bridge).
 */
import type { StateDifference } from '../../host/compare.js';
import type { Address, HostSnapshot, Route, Rule } from '../../host/snapshot.js';
import { addressAddArgs, addressDelArgs, addressRoutePriority } from '../../plan/address-spec.js';
import { checkedName } from '../../plan/names.js';
import { routeArgs } from '../../plan/route-spec.js';
import { ruleArgs } from '../../plan/rule-spec.js';
import type { Command } from '../../plan/types.js';

type Phase = 0 | 1 | 2 | 3 | 4 | 5 | 6;

export function manualCommands(
  differences: readonly StateDifference[],
  preState: Pick<HostSnapshot, 'routes'>,
): Command[] {
  const planned: Array<{ phase: Phase; argv: string[] }> = [];
  const add = (phase: Phase, build: () => string[]) => {
    try {
      planned.push({ phase, argv: build() });
    } catch {
      // A value the builders refuse cannot be written as a safe command; the difference text stays.
    }
  };
  for (const difference of differences) {
    switch (difference.kind) {
      case 'link': {
        const { before, after } = difference;
        if (before && after && before.master !== after.master) {
          add(0, () => [
            'ip',
            'link',
            'set',
            checkedName(before.name),
            ...(before.master ? ['master', checkedName(before.master)] : ['nomaster']),
          ]);
        }
        if (before && after && before.mtu !== after.mtu)
          add(0, () => ['ip', 'link', 'set', checkedName(before.name), 'mtu', String(before.mtu)]);
        if (before && after && before.flags.includes('UP') !== after.flags.includes('UP')) {
          add(0, () => [
            'ip',
            'link',
            'set',
            checkedName(before.name),
            before.flags.includes('UP') ? 'up' : 'down',
          ]);
        }
        if (!before && after) add(6, () => ['ip', 'link', 'del', checkedName(after.name)]);
        break;
      }
      case 'address': {
        const { before, after } = difference;
        // A changed address (label, flags, lifetime kind) is replaced in place: removed, then re-added.
        if (after) add(before ? 1 : 5, () => ['ip', ...addressDelArgs(after, after.ifname)]);
        if (before) add(1, () => ['ip', ...addressAdd(before, preState)]);
        break;
      }
      case 'route': {
        const { before, after } = difference;
        // Prefix and local-table routes are the kernel's: they come and go with their addresses.
        if ((before ?? after) && isKernelRoute((before ?? after) as Route)) break;
        if (before)
          add(2, () => ['ip', ...familyOption(before), 'route', 'replace', ...routeArgs(before, same)]);
        if (after && !(before && sameKey(before, after))) {
          add(4, () => ['ip', ...familyOption(after), 'route', 'del', ...routeArgs(after, same)]);
        }
        break;
      }
      case 'rule': {
        if (difference.sequence) {
          // Equal-priority rules are tried in the order they were added: remove them all, re-add in order.
          for (const rule of difference.sequence)
            add(3, () => ['ip', ...familyOption(rule), 'rule', 'del', ...ruleArgs(rule, same)]);
          for (const rule of difference.sequence)
            add(3, () => ['ip', ...familyOption(rule), 'rule', 'add', ...ruleArgs(rule, same)]);
          break;
        }
        const rule: Rule = (difference.before ?? difference.after) as Rule;
        const verb = difference.before ? 'add' : 'del';
        add(3, () => ['ip', ...familyOption(rule), 'rule', verb, ...ruleArgs(rule, same)]);
        break;
      }
      default: {
        const unreachable: never = difference;
        return unreachable;
      }
    }
  }
  const seen = new Set<string>();
  return planned
    .sort((a, b) => a.phase - b.phase)
    .filter(({ argv }) => {
      const key = JSON.stringify(argv);
      if (seen.has(key)) return false;
      seen.add(key);
      return true;
    })
    .map(({ argv }): Command => ({ kind: 'exec', argv }));
}

const same = (ifname: string) => ifname;

function addressAdd(address: Address, preState: Pick<HostSnapshot, 'routes'>): string[] {
  return addressAddArgs(address, {
    dev: address.ifname,
    label: address.label && address.label !== address.ifname ? address.label : null,
    metric: addressRoutePriority(preState, address),
  });
}

function isKernelRoute(route: Route): boolean {
  return route.protocol === 'kernel' || route.table === 'local';
}

function familyOption(item: Route | Rule): string[] {
  return item.family === 6 ? ['-6'] : ['-4'];
}

/** `route replace` of the old route already displaces a route with the same key. */
function sameKey(a: Route, b: Route): boolean {
  return (
    a.family === b.family &&
    a.table === b.table &&
    a.dst === b.dst &&
    a.metric === b.metric &&
    a.type === b.type
  );
}
