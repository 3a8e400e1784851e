/**
 * Netfilter facts that decide whether bridged guest traffic flows: br_netfilter (which sends
 * bridged frames through iptables), the FORWARD policy (Docker sets DROP), ip_forward, and the
 * existing MASQUERADE rules that a NAT setup for the bridge left behind, in iptables and nftables.
 * Both firewall tools need root to read rules; without it their errors are noted, not fatal. A tool
 * that is not installed is a fact (no nft: no nft rules); as root, one that fails or prints what
 * does not parse fails the probe, and the planner blocks on it.
 */
import { succeeded } from '../../system/runner.js';
import { forwardPolicy, iptablesMasquerade, parseIptablesSave } from '../parse/iptables-save.js';
import { nftForwardDropChains, nftMasquerade, parseNftJson, parseNftListing } from '../parse/nft.js';
import type { NatRule, Netfilter } from '../snapshot.js';
import { type ProbeContext, type ProbeOutcome, runTool, whyNot } from './context.js';
import { readPersistedFirewall } from './firewall-files.js';

export const IPTABLES_SAVE_ARGV = ['iptables-save'] as const;
export const NFT_JSON_ARGV = ['nft', '-j', 'list', 'ruleset'] as const;
export const NFT_TEXT_ARGV = ['nft', '-a', 'list', 'ruleset'] as const;

/** Present only when br_netfilter is a loaded module; the sysctls below are the primary sign. */
export const BR_NETFILTER_MODULE = '/sys/module/br_netfilter';
export const SYSCTL_FILES = {
  callIptables: '/proc/sys/net/bridge/bridge-nf-call-iptables',
  callIp6tables: '/proc/sys/net/bridge/bridge-nf-call-ip6tables',
  ipForward: '/proc/sys/net/ipv4/ip_forward',
} as const;

export async function probeFirewall(context: ProbeContext): Promise<ProbeOutcome<Netfilter>> {
  const [save, nftJson, nftText, module, callIptables, callIp6tables, ipForward, persistedFiles] =
    await Promise.all([
      runTool(context, IPTABLES_SAVE_ARGV),
      runTool(context, NFT_JSON_ARGV),
      runTool(context, NFT_TEXT_ARGV),
      context.files.listDir(BR_NETFILTER_MODULE),
      context.files.readFile(SYSCTL_FILES.callIptables),
      context.files.readFile(SYSCTL_FILES.callIp6tables),
      context.files.readFile(SYSCTL_FILES.ipForward),
      readPersistedFirewall(context),
    ]);
  const notes: string[] = [];
  const natRules: NatRule[] = [];
  // As root a firewall tool that is installed must answer: NAT rules it did not show would stay,
  // and a FORWARD DROP would go unwarned. Without root they cannot read the rules at all, which
  // the not-root blocker already covers; then their errors are notes.
  const failures = [save, nftJson, nftText].filter((result) => !result.notFound && !succeeded(result));
  if (context.env.uid === 0 && failures.length > 0) throw new Error(failures.map(whyNot).join('; '));

  const dump = succeeded(save) ? parseIptablesSave(save.stdout) : null;
  if (dump) natRules.push(...iptablesMasquerade(dump));
  else notes.push(whyNot(save));

  let nftForwardDrop: string[] = [];
  if (succeeded(nftJson)) {
    const ruleset = parseNftJson(nftJson.stdout);
    const listing = succeeded(nftText) ? parseNftListing(nftText.stdout) : new Map<string, string>();
    // iptables-nft keeps its rules in nftables tables of the same names; they are counted once, above.
    const iptablesTables = new Set(
      dump?.backend === 'nf_tables' ? Object.keys(dump.policies).map((table) => `ip ${table}`) : [],
    );
    natRules.push(...nftMasquerade(ruleset, listing, iptablesTables));
    nftForwardDrop = nftForwardDropChains(ruleset);
  } else if (!nftJson.notFound) {
    notes.push(whyNot(nftJson));
  }

  return {
    value: {
      brNetfilterLoaded: brNetfilterLoaded(module, callIptables, callIp6tables),
      bridgeNfCallIptables: sysctlFlag(callIptables),
      bridgeNfCallIp6tables: sysctlFlag(callIp6tables),
      forwardPolicy: dump ? forwardPolicy(dump) : null,
      ipForward: sysctlFlag(ipForward),
      natRules,
      iptablesAvailable: !save.notFound,
      nftAvailable: !nftJson.notFound,
      nftForwardDrop,
      ...(persistedFiles ? { persistedFiles } : {}),
    },
    note: notes.length > 0 ? notes.join('; ') : null,
  };
}

/**
 * br_netfilter is active when its sysctls exist: they appear only once it is registered, whether
 * as a module or built into the kernel (CONFIG_BRIDGE_NETFILTER=y), and only the module has
 * /sys/module/br_netfilter. The module directory still counts on its own: before Linux 5.3 the
 * sysctls lived in the initial network namespace only, so a namespace or container does not see
 * them while the module filters its bridged traffic all the same.
 */
export function brNetfilterLoaded(
  moduleDir: string[] | null,
  callIptables: string | null,
  callIp6tables: string | null,
): boolean {
  return callIptables !== null || callIp6tables !== null || moduleDir !== null;
}

function sysctlFlag(text: string | null): boolean | null {
  if (text === null) return null;
  const value = text.trim();
  return value === '' ? null : value !== '0';
}
