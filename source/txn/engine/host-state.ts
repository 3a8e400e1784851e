/**
 * A fresh look at the part of the host a migration changes (links, addresses, routes, rules),
 * through the same probes and parsers as the full probe, so what is compared with the journal's
 * pre-state was read exactly the way the pre-state was. It runs after every step, so it skips
 * the slow probes (renderers, firewall, virtualization) a full snapshot takes.
 */
import type { HostState } from '../../host/compare.js';
import { withBridgeOwners } from '../../host/nat-owner.js';
import type { ProbeContext } from '../../host/probes/context.js';
import { probeDhcpClients } from '../../host/probes/dhcp.js';
import { probeFirewall } from '../../host/probes/firewall.js';
import { probeAddresses, probeRoutes, probeRules } from '../../host/probes/ip-state.js';
import { probeLinks } from '../../host/probes/links.js';
import type { PlanInputs } from '../../plan/stale-plan.js';
import type { EngineContext } from './engine-context.js';

export async function readHostState(context: EngineContext): Promise<HostState> {
  const { runner, files, env } = context.deps;
  const probe: ProbeContext = { runner, files, env, tools: {} };
  const [links, addresses, routes, rules] = await Promise.all([
    probeLinks(probe),
    probeAddresses(probe),
    probeRoutes(probe),
    probeRules(probe),
  ]);
  return { links: links.value, addresses: addresses.value, routes: routes.value, rules: rules.value };
}

/**
 * A fresh look at everything a plan's steps act on (plan/stale-plan.ts): the state above plus the
 * DHCP clients and the NAT rules, read by the same probes as the plan's snapshot, right before the
 * first change. The NAT rules get their bridge owners as the full probe gives them (probe.ts).
 */
export async function readPlanInputs(context: EngineContext): Promise<PlanInputs> {
  const { runner, files, env } = context.deps;
  const probe: ProbeContext = { runner, files, env, tools: {} };
  const [state, clients, firewall] = await Promise.all([
    readHostState(context),
    probeDhcpClients(probe),
    probeFirewall(probe),
  ]);
  const netfilter = {
    ...firewall.value,
    natRules: withBridgeOwners(firewall.value.natRules, state.links, state.addresses),
  };
  return { ...state, dhcpClients: clients.value, netfilter };
}
