/**
 * Routes and rules for compare.ts: a route is identified the way `route replace` identifies it
 * (family, table, type, dst, metric) and compared on everything else it says; rules are compared
 * as an ordered multiset (see compareRules).
 */
import type { StateDifference } from './compare.js';
import type { Route, Rule } from './snapshot.js';

const VOLATILE_ROUTE_FLAGS = new Set(['linkdown']);

export function routeDevices(route: Route): Array<string | null> {
  return [route.dev, ...route.nexthops.map((hop) => hop.dev)];
}

/** What identifies a route to the kernel: `route replace` matches family, table, dst, tos and metric. */
function routeKey(route: Route): string {
  return `${route.family}|${route.table}|${route.type}|${route.dst}|${route.metric ?? ''}`;
}

/** Everything else the route says, in a canonical form. */
function routeBody(route: Route): string {
  return JSON.stringify({
    gateway: route.gateway,
    dev: route.dev,
    protocol: route.protocol,
    scope: route.scope,
    prefsrc: route.prefsrc,
    flags: route.flags.filter((flag) => !VOLATILE_ROUTE_FLAGS.has(flag)).sort(),
    nexthops: route.nexthops,
  });
}

export function routeText(route: Route): string {
  const parts = [route.type === 'unicast' ? '' : `${route.type} `, route.dst];
  if (route.gateway) parts.push(` via ${route.gateway}`);
  if (route.dev) parts.push(` dev ${route.dev}`);
  for (const hop of route.nexthops)
    parts.push(` nexthop${hop.gateway ? ` via ${hop.gateway}` : ''}${hop.dev ? ` dev ${hop.dev}` : ''}`);
  if (route.protocol) parts.push(` proto ${route.protocol}`);
  if (route.metric !== null) parts.push(` metric ${route.metric}`);
  if (route.table !== 'main') parts.push(` table ${route.table}`);
  if (route.family === 6) parts.push(' (IPv6)');
  return parts.join('');
}

export function compareRoutes(before: Route[], after: Route[]): StateDifference[] {
  const differences: StateDifference[] = [];
  const now = groupBy(after, routeKey);
  for (const old of before) {
    const candidates = now.get(routeKey(old)) ?? [];
    const same = candidates.findIndex((route) => routeBody(route) === routeBody(old));
    if (same >= 0) {
      candidates.splice(same, 1);
      continue;
    }
    const current = candidates.shift();
    if (current) {
      differences.push({
        kind: 'route',
        change: 'changed',
        before: old,
        after: current,
        text: `route ${routeText(old)} is now ${routeText(current)}`,
      });
    } else {
      differences.push({
        kind: 'route',
        change: 'missing',
        before: old,
        after: null,
        text: `route ${routeText(old)} is missing`,
      });
    }
  }
  for (const extra of [...now.values()].flat()) {
    differences.push({
      kind: 'route',
      change: 'extra',
      before: null,
      after: extra,
      text: `route ${routeText(extra)} was not there before`,
    });
  }
  return differences;
}

function ruleKey(rule: Rule): string {
  const fields = Object.keys(rule.fields)
    .sort()
    .map((key) => [key, rule.fields[key]]);
  return `${rule.family}|${rule.priority}|${JSON.stringify(fields)}`;
}

export function ruleText(rule: Rule): string {
  const shown = Object.entries(rule.fields)
    .map(([key, value]) => (value === true ? key : `${key} ${value}`))
    .join(' ');
  return `${rule.priority}: ${shown}${rule.family === 6 ? ' (IPv6)' : ''}`;
}

/**
 * Rules are a multiset (the same rule twice is two rules), and an ordered one: the kernel tries
 * rules of equal priority in the order they were added, so the same rules in another order at one
 * priority route differently and are a difference too.
 */
export function compareRules(before: Rule[], after: Rule[]): StateDifference[] {
  const differences: StateDifference[] = [...ruleOrderChanges(before, after)];
  const now = groupBy(after, ruleKey);
  for (const old of before) {
    const candidates = now.get(ruleKey(old));
    if (candidates && candidates.length > 0) {
      candidates.pop();
      continue;
    }
    differences.push({
      kind: 'rule',
      change: 'missing',
      before: old,
      after: null,
      text: `rule ${ruleText(old)} is missing`,
    });
  }
  for (const extra of [...now.values()].flat()) {
    differences.push({
      kind: 'rule',
      change: 'extra',
      before: null,
      after: extra,
      text: `rule ${ruleText(extra)} was not there before`,
    });
  }
  return differences;
}

function ruleOrderChanges(before: Rule[], after: Rule[]): StateDifference[] {
  const changes: StateDifference[] = [];
  const atPriority = (rules: Rule[], family: number, priority: number) =>
    rules.filter((rule) => rule.family === family && rule.priority === priority);
  const seen = new Set<string>();
  for (const rule of before) {
    const group = `${rule.family}|${rule.priority}`;
    if (seen.has(group)) continue;
    seen.add(group);
    const old = atPriority(before, rule.family, rule.priority).map(ruleKey);
    const now = atPriority(after, rule.family, rule.priority).map(ruleKey);
    if (old.length < 2 || old.join('\n') === now.join('\n')) continue;
    if ([...old].sort().join('\n') !== [...now].sort().join('\n')) continue; // reported rule by rule
    changes.push({
      kind: 'rule',
      change: 'changed',
      before: rule,
      after: null,
      text: `rules of priority ${rule.priority}${rule.family === 6 ? ' (IPv6)' : ''} are in another order than before`,
      sequence: atPriority(before, rule.family, rule.priority),
    });
  }
  return changes;
}

function groupBy<T>(items: T[], key: (item: T) => string): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const item of items) {
    const name = key(item);
    const group = groups.get(name);
    if (group) group.push(item);
    else groups.set(name, [item]);
  }
  return groups;
}
