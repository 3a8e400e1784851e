/**
 * The cutover: one `ip -batch` that enslaves the uplink, adds its addresses to the bridge, points
 * every route and rule at the bridge, and only then removes the addresses from the uplink. The
 * order follows the kernel:
 * - the same IPv4 address may sit on two devices at once, so adding before removing leaves no
 *   moment without it;
 * - a gateway route needs its gateway reachable on the new device (fib_check_nh), which the
 *   addresses' prefix routes provide, so addresses go first;
 * - `route replace` swaps the route with the same dst/tos/metric/table in place, so a route is never
 *   missing, and the old one through the uplink is gone before the uplink loses its last address
 *   (fib_disable_ip would flush every IPv4 route through it then);
 * - deleting a primary IPv4 address deletes its secondaries unless promote_secondaries is set, so
 *   secondaries go first.
 * IPv6 addresses get `nodad` on the bridge: they already passed duplicate address detection on this
 * link, and DAD would leave them tentative (unusable) for about a second. The inverse restores the
 * uplink exactly as it was, flags included.
 */

import { addressAddArgs, addressDelArgs, translateLabel } from '../address-spec.js';
import { checkedName } from '../names.js';
import { routeArgs } from '../route-spec.js';
import { ruleArgs } from '../rule-spec.js';
import type { Expectation, Step } from '../types.js';
import { additionOrder, type MovedAddress, removalOrder, type UplinkState } from '../uplink-state.js';

export interface CutoverInput {
  nic: string;
  bridge: string;
  state: UplinkState;
}

export function buildCutoverStep({ nic, bridge, state }: CutoverInput): Step {
  const toBridge = (ifname: string) => (ifname === nic ? bridge : ifname);
  const asIs = (ifname: string) => ifname;
  const rules4 = state.rules.filter((rule) => rule.family === 4);
  const rules6 = state.rules.filter((rule) => rule.family === 6);
  const adding = additionOrder(state.addresses, (moved) => moved.address.family);

  const forward: string[][] = [
    ['link', 'set', 'dev', checkedName(nic), 'master', checkedName(bridge)],
    ...adding.map((moved) => addTo(moved, nic, bridge, ['nodad'])),
    ...state.routes.map((route) => ['route', 'replace', ...routeArgs(route, toBridge)]),
    ...rules4.flatMap((rule) => [
      ['rule', 'del', ...ruleArgs(rule, asIs)],
      ['rule', 'add', ...ruleArgs(rule, toBridge)],
    ]),
    ...removalOrder(state.addresses).map((moved) => addressDelArgs(moved.address, nic)),
  ];
  const backward: string[][] = [
    ...adding.map((moved) => addTo(moved, nic, nic, [])),
    ...state.routes.map((route) => ['route', 'replace', ...routeArgs(route, asIs)]),
    ...rules4.flatMap((rule) => [
      ['rule', 'del', ...ruleArgs(rule, toBridge)],
      ['rule', 'add', ...ruleArgs(rule, asIs)],
    ]),
    ...removalOrder(state.addresses).map((moved) => addressDelArgs(moved.address, bridge)),
    ['link', 'set', 'dev', checkedName(nic), 'nomaster'],
  ];
  const rule6 = (verb: 'add' | 'del', rule: (typeof rules6)[number], rename: (ifname: string) => string) => ({
    kind: 'exec' as const,
    argv: ['ip', '-6', 'rule', verb, ...ruleArgs(rule, rename)],
  });

  return {
    id: 'cutover',
    kind: 'cutover',
    title: `Move ${nic} into ${bridge} with its addresses, routes and rules`,
    detail:
      `One ip -batch makes ${nic} a port of ${bridge}, adds ${count(state.addresses.length, 'address', 'addresses')} ` +
      `to ${bridge}, moves ${count(state.routes.length, 'route', 'routes')} and ${count(state.rules.length, 'rule', 'rules')}, ` +
      `then removes the addresses from ${nic}; nothing is ever missing in between.`,
    disruptive: true,
    commands: [
      { kind: 'ip-batch', lines: forward },
      ...rules6.flatMap((rule) => [rule6('del', rule, asIs), rule6('add', rule, toBridge)]),
    ],
    inverse: [
      ...rules6.flatMap((rule) => [rule6('del', rule, toBridge), rule6('add', rule, asIs)]),
      { kind: 'ip-batch', lines: backward },
    ],
    expect: cutoverExpectations({ nic, bridge, state }),
  };
}

function addTo(moved: MovedAddress, nic: string, dev: string, extraFlags: string[]): string[] {
  const { address } = moved;
  const label = dev === nic ? keptLabel(address.label, nic) : translateLabel(address.label, nic, dev);
  return addressAddArgs(address, {
    dev,
    label,
    metric: moved.metric,
    extraFlags: address.family === 6 ? extraFlags : [],
  });
}

/** On its own device an address keeps its label; the default (the device name) is left implicit. */
function keptLabel(label: string | null, nic: string): string | null {
  return label && label !== nic ? label : null;
}

function cutoverExpectations({ nic, bridge, state }: CutoverInput): Expectation[] {
  const expectations: Expectation[] = [{ kind: 'link-master', ifname: nic, master: bridge }];
  for (const { address } of state.addresses) {
    const key = { family: address.family, local: address.local, prefixlen: address.prefixlen };
    expectations.push({ kind: 'address-on', ifname: bridge, ...key });
    expectations.push({ kind: 'address-absent', ifname: nic, ...key });
  }
  for (const route of state.routes) {
    expectations.push({
      kind: 'route-via',
      family: route.family,
      table: route.table,
      dst: route.dst,
      dev: bridge,
      gateway: route.gateway ?? route.nexthops.find((hop) => hop.gateway)?.gateway ?? null,
      metric: route.metric,
    });
  }
  return expectations;
}

function count(n: number, one: string, many: string): string {
  return `${n} ${n === 1 ? one : many}`;
}
