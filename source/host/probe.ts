/**
 * probeHost: every probe at once, each through the runner and file reader only, each reported to
 * the listener as it starts and ends. A probe that fails is recorded with its reason and leaves its
 * part of the snapshot empty; the others still complete. Facts that need several probes (the
 * uplink's renderer, which bridge a NAT rule serves) are derived once all have finished.
 *
 * A replay that cannot answer the probe (ReplayMiss) is not a fact about the host: planning from a
 * half-probed recording would show a plan for a host that never existed, so it ends the probe.
 */

import { ReplayMiss } from '../system/capture.js';
import { withBridgeOwners } from './nat-owner.js';
import { defaultGateways } from './parse/ip-route.js';
import { type Dmi, hypervisorHint } from './parse/virt.js';
import type { ProbeDeps, ProbeListener } from './probe-api.js';
import type { ProbeContext, ProbeOutcome } from './probes/context.js';
import { dadWaitNote, probeDadSettled, realClock } from './probes/dad.js';
import { probeDhcpClients } from './probes/dhcp.js';
import { probeDhcpLeases } from './probes/dhcp-leases.js';
import { probeDns } from './probes/dns.js';
import { probeFirewall } from './probes/firewall.js';
import { probeAddresses, probeRoutes, probeRules } from './probes/ip-state.js';
import { probeLinks } from './probes/links.js';
import { probeRendererFacts } from './probes/renderer.js';
import { probeSshPath } from './probes/ssh.js';
import { probeVirtualization } from './probes/virtualization.js';
import { rendererOwnerFor } from './renderer-owner.js';
import type { HostSnapshot, Netfilter, ProbeRecord, Renderer, Virtualization } from './snapshot.js';

/** The probes in the order the probe screen lists them. */
export const PROBE_NAMES = [
  'links',
  'addresses',
  'routes',
  'rules',
  'dns',
  'renderer',
  'dhcp-clients',
  'dhcp-leases',
  'virtualization',
  'firewall',
  'ssh-path',
  'ipv6-dad',
] as const;

export type ProbeName = (typeof PROBE_NAMES)[number];

/** Tools the snapshot always reports on, found or not (a tool never run is not listed). */
export const PROBED_TOOLS = [
  'ip',
  'nmcli',
  'networkctl',
  'nft',
  'iptables-save',
  'systemd-detect-virt',
  'ps',
] as const;

export const HOSTNAME_FILE = '/proc/sys/kernel/hostname';

export async function probeHost(deps: ProbeDeps, listener: ProbeListener = () => {}): Promise<HostSnapshot> {
  const context: ProbeContext = { ...deps, tools: {} };
  const records = new Map<ProbeName, ProbeRecord>();

  const track = async <T>(
    name: ProbeName,
    probe: (context: ProbeContext) => Promise<ProbeOutcome<T>>,
    empty: T,
    runningNote: string | null = null,
  ) => {
    listener({ name, state: 'running', ...(runningNote ? { note: runningNote } : {}) });
    const started = performance.now();
    let outcome: ProbeOutcome<T>;
    let ok = true;
    try {
      outcome = await probe(context);
    } catch (error) {
      ok = false;
      outcome = { value: empty, note: (error as Error).message };
      if (error instanceof ReplayMiss) {
        listener({ name, state: 'failed', note: outcome.note });
        throw error;
      }
    }
    records.set(name, { name, ok, durationMs: performance.now() - started, note: outcome.note });
    listener({ name, state: ok ? 'ok' : 'failed', note: outcome.note });
    return outcome.value;
  };

  const [
    links,
    firstAddresses,
    firstRoutes,
    rules,
    dns,
    rendererFacts,
    dhcpClients,
    virt,
    netfilter,
    ssh,
    hostname,
  ] = await Promise.all([
    track('links', probeLinks, []),
    track('addresses', probeAddresses, []),
    track('routes', probeRoutes, []),
    track('rules', probeRules, []),
    track('dns', probeDns, { nameservers: [], search: [], source: null }),
    track('renderer', probeRendererFacts, emptyRenderer()),
    track('dhcp-clients', probeDhcpClients, []),
    track('virtualization', probeVirtualization, emptyVirtualization()),
    track('firewall', probeFirewall, emptyNetfilter()),
    track('ssh-path', probeSshPath, null),
    deps.files
      .readFile(HOSTNAME_FILE)
      .then((text) => text?.trim() || null)
      .catch((error: unknown) => {
        if (error instanceof ReplayMiss) throw error;
        return null;
      }),
  ]);

  // The pre-state is taken once the uplink's IPv6 DAD has ended (probes/dad.ts), bounded.
  const first = { addresses: firstAddresses, routes: firstRoutes };
  const firstUplink = defaultGateways(firstRoutes).find((gateway) => gateway.family === 4)?.dev ?? null;
  // The lease identities need the links, addresses and clients; they are read while DAD settles.
  const leaseFacts = {
    links,
    addresses: firstAddresses,
    dhcpClients,
    renderer: rendererFacts,
    nowMs: Date.now(),
  };
  const [{ addresses, routes }, dhcpLeases] = await Promise.all([
    track(
      'ipv6-dad',
      (context) => probeDadSettled(context, first, firstUplink, deps.clock ?? realClock),
      first,
      dadWaitNote(first, firstUplink),
    ),
    track('dhcp-leases', (context) => probeDhcpLeases(context, leaseFacts), []),
  ]);
  const gateways = defaultGateways(routes);
  const uplink = gateways.find((gateway) => gateway.family === 4)?.dev ?? null;
  const uplinkLink = links.find((link) => link.name === uplink);
  const uplinkMac = uplinkLink ? (uplinkLink.permanentMac ?? uplinkLink.mac) : null;
  const renderer: Renderer = uplink
    ? rendererOwnerFor({ renderer: rendererFacts, links }, uplink)
    : { ...rendererFacts, evidence: ['no IPv4 default route: no uplink to judge'] };

  return {
    takenAt: new Date().toISOString(),
    hostname,
    links,
    addresses,
    routes,
    rules,
    defaultGateways: gateways,
    dns,
    renderer,
    dhcpClients,
    dhcpLeases,
    // The uplink's MAC may name the hypervisor when DMI does not (Proxmox VE's OUI).
    virt: { ...virt, hypervisorHint: hypervisorHint(virt.kind, dmiOf(virt), uplinkMac) },
    netfilter: { ...netfilter, natRules: withBridgeOwners(netfilter.natRules, links, addresses) },
    ssh,
    tools: Object.fromEntries(
      PROBED_TOOLS.filter((tool) => tool in context.tools).map((tool) => [
        tool,
        context.tools[tool] as boolean,
      ]),
    ),
    probes: PROBE_NAMES.map((name) => records.get(name) as ProbeRecord),
    isRoot: deps.env.uid === 0,
    // Filled by the transaction layer, which owns the state directory.
    pendingMigration: null,
  };
}

function dmiOf(virt: Virtualization): Dmi {
  const { dmi } = virt;
  return {
    sysVendor: dmi.sysVendor,
    productName: dmi.productName,
    productVersion: dmi.productVersion ?? null,
    biosVendor: dmi.biosVendor,
    biosVersion: dmi.biosVersion ?? null,
    chassisAssetTag: dmi.chassisAssetTag ?? null,
  };
}

function emptyRenderer(): Renderer {
  return {
    owner: 'none',
    evidence: [],
    netplan: { files: [], renderer: null, uplinkConfig: null, uplinkFile: null },
    networkd: { available: false, links: {} },
    networkManager: { available: false, running: false, devices: {} },
    ifupdown: { files: [], uplinkMethod: null },
    cloudInitNetwork: false,
  };
}

function emptyVirtualization(): Virtualization {
  return {
    kind: null,
    dmi: { sysVendor: null, productName: null, biosVendor: null },
    cloud: null,
    hypervisorHint: null,
  };
}

function emptyNetfilter(): Netfilter {
  return {
    brNetfilterLoaded: false,
    bridgeNfCallIptables: null,
    bridgeNfCallIp6tables: null,
    forwardPolicy: null,
    ipForward: null,
    natRules: [],
    iptablesAvailable: false,
    nftAvailable: false,
  };
}
