/**
 * Addresses, routes (every table, both families) and policy rules, each from one `ip -j` dump.
 * IPv4 is required; IPv6 may be absent from the kernel (ipv6.disable=1), which is a fact, not a
 * failure.
 */
import { succeeded } from '../../system/runner.js';
import { parseIpAddresses } from '../parse/ip-addr.js';
import { parseIpRoutes } from '../parse/ip-route.js';
import { parseIpRules } from '../parse/ip-rule.js';
import type { Address, Route, Rule } from '../snapshot.js';
import { type ProbeContext, type ProbeOutcome, runRequired, runTool, whyNot } from './context.js';

export const ADDRESSES_ARGV = ['ip', '-j', 'address', 'show'] as const;
export const ROUTES4_ARGV = ['ip', '-4', '-j', 'route', 'show', 'table', 'all'] as const;
export const ROUTES6_ARGV = ['ip', '-6', '-j', 'route', 'show', 'table', 'all'] as const;
export const RULES4_ARGV = ['ip', '-4', '-j', 'rule', 'show'] as const;
export const RULES6_ARGV = ['ip', '-6', '-j', 'rule', 'show'] as const;

export async function probeAddresses(context: ProbeContext): Promise<ProbeOutcome<Address[]>> {
  return { value: parseIpAddresses(await runRequired(context, ADDRESSES_ARGV)), note: null };
}

export async function probeRoutes(context: ProbeContext): Promise<ProbeOutcome<Route[]>> {
  const [v4, v6] = await Promise.all([runRequired(context, ROUTES4_ARGV), runTool(context, ROUTES6_ARGV)]);
  const routes = parseIpRoutes(v4, 4);
  if (!succeeded(v6)) return { value: routes, note: `no IPv6 routes (${whyNot(v6)})` };
  return { value: [...routes, ...parseIpRoutes(v6.stdout, 6)], note: null };
}

export async function probeRules(context: ProbeContext): Promise<ProbeOutcome<Rule[]>> {
  const [v4, v6] = await Promise.all([runRequired(context, RULES4_ARGV), runTool(context, RULES6_ARGV)]);
  const rules = parseIpRules(v4, 4);
  if (!succeeded(v6)) return { value: rules, note: `no IPv6 rules (${whyNot(v6)})` };
  return { value: [...rules, ...parseIpRules(v6.stdout, 6)], note: null };
}
