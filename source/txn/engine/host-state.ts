/**
 * A fresh look at the part of the host a migration changes (links, addresses, routes, rules),
 * through the same probes and parsers as the full probe, so what is compared with the journal's
 * pre-state was read exactly the way the pre-state was. It runs after every step, so it skips
 * the slow probes (renderers, firewall, virtualization) a full snapshot takes.
 */
import type { HostState } from '../../host/compare.js';
import type { ProbeContext } from '../../host/probes/context.js';
import { probeAddresses, probeRoutes, probeRules } from '../../host/probes/ip-state.js';
import { probeLinks } from '../../host/probes/links.js';
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
