/**
 * Comparing two views of a host's network state (links, addresses, routes, rules): the executor
 * asks it whether the host still matches the plan's snapshot before it changes anything, and
 * whether a revert brought back the pre-state. Pure; each difference carries the items on both
 * sides (so a caller can build the command that fixes it) and one sentence for the operator.
 *
 * What is NOT a difference, because it changes on its own while nobody touches the host:
 * - address lifetimes, which count down (only forever-vs-finite is compared), and the
 *   "tentative", "optimistic" and "deprecated" flags that come and go with DAD and the preferred
 *   lifetime; "dadfailed" too on a link-local address (see DAD_OWN_FLAGS);
 * - the local-table routes the kernel derives from an IPv6 address once its DAD ends (see
 *   withoutDadEchoes): an uplink that just came up has none for its link-local address yet;
 * - a new IPv6 link-local address (and its routes), which the kernel makes on a device that gets
 *   a carrier for the first time (see withoutNewLinkLocals);
 * - a link's operstate and LOWER_UP/NO-CARRIER (carrier), and a route's "linkdown" flag;
 * - ifindex: devices are matched by name, so re-creating one elsewhere in the table is not a change.
 */
import { familyOf, isIpv6LinkLocal, networkOf, toBigInt } from '../system/ip-math.js';
import { compareRoutes, compareRules, routeDevices } from './compare-routing.js';
import type { Address, HostSnapshot, Link, Route, Rule } from './snapshot.js';

export { routeText, ruleText } from './compare-routing.js';

export type HostState = Pick<HostSnapshot, 'links' | 'addresses' | 'routes' | 'rules'>;

export type Change = 'missing' | 'extra' | 'changed';

export type StateDifference =
  | { kind: 'link'; change: Change; before: Link | null; after: Link | null; text: string }
  | { kind: 'address'; change: Change; before: Address | null; after: Address | null; text: string }
  | { kind: 'route'; change: Change; before: Route | null; after: Route | null; text: string }
  | {
      kind: 'rule';
      change: Change;
      before: Rule | null;
      after: Rule | null;
      text: string;
      /** For an order change: every rule of that priority, in the order they had before. */
      sequence?: Rule[];
    };

export interface CompareScope {
  /**
   * Only these devices: links named so or whose master is one of them, addresses on them, routes
   * through them and rules naming them. Left out, the whole host is compared. A migration scopes to
   * its uplink and bridge so that unrelated churn (a container's veth) is not called a failed revert.
   */
  devices?: readonly string[];
}

const VOLATILE_LINK_FLAGS = new Set(['LOWER_UP', 'NO-CARRIER', 'DORMANT', 'M-DOWN']);
const VOLATILE_ADDRESS_FLAGS = new Set(['tentative', 'optimistic', 'deprecated']);
/**
 * The kernel's verdict on a link-local address it generated itself. The revert never removes or
 * re-adds a link-local address, so no command of ours caused or can fix it. On any other address
 * "dadfailed" is reported: the revert re-added that address and it does not work.
 */
const DAD_OWN_FLAGS = new Set(['dadfailed']);

export function compareHostState(
  before: HostState,
  after: HostState,
  scope: CompareScope = {},
): StateDifference[] {
  const devices = scope.devices ? new Set(scope.devices) : null;
  const inScope = (...names: Array<string | null | undefined>) =>
    devices === null || names.some((name) => name != null && devices.has(name));
  const differences = [
    ...compareLinks(
      before.links.filter((link) => inScope(link.name, link.master)),
      after.links.filter((link) => inScope(link.name, link.master)),
    ),
    ...compareAddresses(
      before.addresses.filter((address) => inScope(address.ifname)),
      after.addresses.filter((address) => inScope(address.ifname)),
    ),
    ...compareRoutes(
      before.routes.filter((route) => inScope(...routeDevices(route))),
      after.routes.filter((route) => inScope(...routeDevices(route))),
    ),
    ...compareRules(
      before.rules.filter((rule) => inScope(rule.iif, rule.oif)),
      after.rules.filter((rule) => inScope(rule.iif, rule.oif)),
    ),
  ];
  const echoesDropped = withoutKernelEchoes(differences);
  return withoutDadEchoes(withoutNewLinkLocals(echoesDropped), [...before.addresses, ...after.addresses]);
}

/**
 * An IPv6 link-local address that was not there before is the kernel's: it makes one on a device
 * the first time the device is up with a carrier (addrconf_dev_config on NETDEV_UP/CHANGE), and
 * keeps it when the carrier goes. A NAT bridge whose TAPs have no VM behind them has none; the
 * uplink joining it gives it a carrier, so after the revert it has one. The tool never adds a
 * link-local address (uplink-state.ts isMovable), and the address's own routes went with it
 * as echoes (withoutKernelEchoes runs first). A missing link-local address is still reported.
 */
function withoutNewLinkLocals(differences: StateDifference[]): StateDifference[] {
  return differences.filter(
    (difference) =>
      !(
        difference.kind === 'address' &&
        difference.change === 'extra' &&
        difference.after?.family === 6 &&
        isIpv6LinkLocal(difference.after.local)
      ),
  );
}

/**
 * An IPv6 address gets its `local ADDR table local proto kernel` route (and, with forwarding on,
 * its subnet-router `anycast` route) only when duplicate address detection ends, not when the
 * address is added (__ipv6_ifa_notify on RTM_NEWADDR, sent from addrconf_dad_completed). So a
 * snapshot taken while an address is tentative lacks routes a later one has, with nobody touching
 * the host: right after an uplink comes up its link-local address is tentative for a second or
 * two, and an address the revert re-added is tentative again. Those routes of an address that is
 * tentative (or dadfailed) on either side, or link-local (made and routed by the kernel alone), are
 * dropped; the address itself is still compared, so a missing address is still reported.
 */
function withoutDadEchoes(differences: StateDifference[], addresses: readonly Address[]): StateDifference[] {
  const dadOwned = addresses.filter(
    (address) =>
      address.family === 6 &&
      (address.flags.includes('tentative') ||
        address.flags.includes('dadfailed') ||
        isIpv6LinkLocal(address.local)),
  );
  if (dadOwned.length === 0) return differences;
  return differences.filter((difference) => {
    if (difference.kind !== 'route') return true;
    const route = (difference.before ?? difference.after) as Route;
    if (
      route.family !== 6 ||
      route.table !== 'local' ||
      route.protocol !== 'kernel' ||
      (route.type !== 'local' && route.type !== 'anycast')
    )
      return true;
    const dst = ipv6Value(route.dst);
    if (dst === null) return true;
    return !dadOwned.some(
      (address) =>
        address.ifname === route.dev && (ipv6Value(address.local) === dst || ipv6Network(address) === dst),
    );
  });
}

/** An IPv6 literal (or host prefix "ADDR/128") as a number, so any spelling compares equal. */
function ipv6Value(text: string): bigint | null {
  const [literal = '', length] = text.split('/');
  if (familyOf(literal) !== 6 || (length !== undefined && length !== '128')) return null;
  return toBigInt(literal);
}

function ipv6Network(address: Address): bigint | null {
  return familyOf(address.local) === 6 ? networkOf(address.local, address.prefixlen) : null;
}

/**
 * The kernel makes a prefix route (proto kernel) and local-table entries for every address, and
 * removes them with it (fib_add_ifaddr / fib_del_ifaddr). When an address on a device differs, the
 * differences of those routes on that device are its echo, not a second finding, and are dropped.
 */
function withoutKernelEchoes(differences: StateDifference[]): StateDifference[] {
  const devices = new Set(
    differences.flatMap((difference) =>
      difference.kind === 'address' ? [difference.before?.ifname, difference.after?.ifname] : [],
    ),
  );
  return differences.filter((difference) => {
    if (difference.kind !== 'route') return true;
    const route = (difference.before ?? difference.after) as Route;
    const kernels = route.protocol === 'kernel' || route.table === 'local';
    return !(kernels && routeDevices(route).some((dev) => dev !== null && devices.has(dev)));
  });
}

export function differenceTexts(differences: readonly StateDifference[]): string[] {
  return differences.map((difference) => difference.text);
}

function compareLinks(before: Link[], after: Link[]): StateDifference[] {
  const differences: StateDifference[] = [];
  const now = new Map(after.map((link) => [link.name, link]));
  for (const old of before) {
    const current = now.get(old.name);
    now.delete(old.name);
    if (!current) {
      differences.push({
        kind: 'link',
        change: 'missing',
        before: old,
        after: null,
        text: `${old.name} is missing`,
      });
      continue;
    }
    const changes = linkChanges(old, current);
    if (changes.length > 0) {
      differences.push({
        kind: 'link',
        change: 'changed',
        before: old,
        after: current,
        text: `${old.name}: ${changes.join(', ')}`,
      });
    }
  }
  for (const extra of now.values()) {
    const kind = extra.kind ? `${extra.kind} ` : '';
    differences.push({
      kind: 'link',
      change: 'extra',
      before: null,
      after: extra,
      text: `${kind}${extra.name} exists but did not before`,
    });
  }
  return differences;
}

function linkChanges(old: Link, current: Link): string[] {
  const changes: string[] = [];
  const was = (now: unknown, then: unknown) => `${now ?? 'none'}, was ${then ?? 'none'}`;
  if (old.master !== current.master) changes.push(`master is ${was(current.master, old.master)}`);
  if (old.mtu !== current.mtu) changes.push(`MTU is ${was(current.mtu, old.mtu)}`);
  if ((old.mac ?? '').toLowerCase() !== (current.mac ?? '').toLowerCase())
    changes.push(`MAC is ${was(current.mac, old.mac)}`);
  const up = (link: Link) => link.flags.includes('UP');
  if (up(old) !== up(current)) changes.push(up(current) ? 'is up, was down' : 'is down, was up');
  const flags = (link: Link) =>
    link.flags
      .filter((flag) => flag !== 'UP' && !VOLATILE_LINK_FLAGS.has(flag))
      .sort()
      .join(',');
  if (flags(old) !== flags(current))
    changes.push(`flags are ${flags(current) || 'none'}, were ${flags(old) || 'none'}`);
  return changes;
}

function compareAddresses(before: Address[], after: Address[]): StateDifference[] {
  const differences: StateDifference[] = [];
  const now = new Map(after.map((address) => [addressKey(address), address]));
  for (const old of before) {
    const key = addressKey(old);
    const current = now.get(key);
    now.delete(key);
    const where = `address ${addressText(old)} on ${old.ifname}`;
    if (!current) {
      differences.push({
        kind: 'address',
        change: 'missing',
        before: old,
        after: null,
        text: `${where} is missing`,
      });
      continue;
    }
    const changes = addressChanges(old, current);
    if (changes.length > 0) {
      differences.push({
        kind: 'address',
        change: 'changed',
        before: old,
        after: current,
        text: `${where}: ${changes.join(', ')}`,
      });
    }
  }
  for (const extra of now.values()) {
    differences.push({
      kind: 'address',
      change: 'extra',
      before: null,
      after: extra,
      text: `address ${addressText(extra)} on ${extra.ifname} was not there before`,
    });
  }
  return differences;
}

function addressKey(address: Address): string {
  return `${address.ifname}|${address.family}|${address.local}/${address.prefixlen}|${address.peer ?? ''}`;
}

function addressText(address: Address): string {
  return address.peer
    ? `${address.local} peer ${address.peer}/${address.prefixlen}`
    : `${address.local}/${address.prefixlen}`;
}

function addressChanges(old: Address, current: Address): string[] {
  const changes: string[] = [];
  const field = (name: string, then: unknown, now: unknown) => {
    if ((then ?? null) !== (now ?? null)) changes.push(`${name} ${now ?? 'none'}, was ${then ?? 'none'}`);
  };
  field('scope', old.scope, current.scope);
  field('broadcast', old.broadcast, current.broadcast);
  field('label', old.label, current.label);
  const lifetime = (address: Address) => (address.validLft === null ? 'forever' : 'finite');
  field('lifetime', lifetime(old), lifetime(current));
  field(
    'preferred lifetime',
    old.preferredLft === null ? 'forever' : 'finite',
    current.preferredLft === null ? 'forever' : 'finite',
  );
  const ownedByDad = (flag: string) => DAD_OWN_FLAGS.has(flag) && isIpv6LinkLocal(old.local);
  const flags = (address: Address) =>
    address.flags
      .filter((flag) => !VOLATILE_ADDRESS_FLAGS.has(flag) && !ownedByDad(flag))
      .sort()
      .join(',');
  if (flags(old) !== flags(current))
    changes.push(`flags ${flags(current) || 'none'}, were ${flags(old) || 'none'}`);
  return changes;
}
