/**
 * The raw facts about who manages the network: configuration files (under --root-dir) and, on the
 * machine itself (--root-dir /), what networkd and NetworkManager say at runtime. With another root
 * the machine's own daemons describe a different system, so they are not asked. Deciding which
 * one owns a given interface is rendererOwnerFor() (renderer-owner.ts), run once the links are known.
 */
import { succeeded } from '../../system/runner.js';
import { parseNetworkctlList } from '../parse/networkctl.js';
import { parseNmcliDevices } from '../parse/nmcli.js';
import type { Renderer } from '../snapshot.js';
import { readCloudInitNetwork, readInterfacesFiles, readNetplanFiles } from './config-files.js';
import { joinNotes, type ProbeContext, type ProbeOutcome, runTool, whyNot } from './context.js';

export const NETWORKCTL_ARGV = ['networkctl', 'list', '--no-legend', '--no-pager'] as const;
export const NMCLI_ARGV = ['nmcli', '-t', '-f', 'DEVICE,TYPE,STATE,CONNECTION', 'device'] as const;
/**
 * Whether org.freedesktop.network1 has an owner on the system bus: read-only, bounded, and it never
 * starts networkd (asking the bus driver for a name's credentials does not activate the name).
 */
export const NETWORKD_BUS_ARGV = [
  'busctl',
  '--system',
  '--timeout=2',
  'status',
  'org.freedesktop.network1',
] as const;
const BUS_PROBE_TIMEOUT_MS = 3_000;

export async function probeRendererFacts(context: ProbeContext): Promise<ProbeOutcome<Renderer>> {
  const onMachine = context.env.rootDir === '/';
  const [netplanFiles, interfaces, cloud, networkd, networkManager, networkdReachable] = await Promise.all([
    readNetplanFiles(context),
    readInterfacesFiles(context),
    readCloudInitNetwork(context),
    onMachine ? runtimeNetworkd(context) : null,
    onMachine ? runtimeNetworkManager(context) : null,
    // Asked with any --root-dir: the hand-over at confirm reaches this machine's daemon either way.
    probeNetworkdReachable(context),
  ]);
  const cloudInitFiles =
    netplanFiles.some((file) => file.cloudInit) || interfaces.some((file) => /50-cloud-init/.test(file.path));
  const renderer: Renderer = {
    owner: 'none',
    evidence: [],
    netplan: { files: netplanFiles, renderer: null, uplinkConfig: null, uplinkFile: null },
    networkd: {
      ...(networkd?.value ?? { available: false, links: {} }),
      ...(networkdReachable === undefined ? {} : { reachable: networkdReachable }),
    },
    networkManager: networkManager?.value ?? { available: false, running: false, devices: {} },
    ifupdown: { files: interfaces, uplinkMethod: null },
    cloudInitNetwork: cloudInitFiles && cloud.installed && !cloud.disabled && !cloud.runsNot,
    ...(cloud.runsNot === undefined ? {} : { cloudInitDisabled: cloud.runsNot }),
  };
  const rootNote = onMachine ? null : `--root-dir ${context.env.rootDir}: judged from its files only`;
  return {
    value: renderer,
    note: joinNotes([rootNote, networkd?.note ?? null, networkManager?.note ?? null]),
  };
}

async function runtimeNetworkd(context: ProbeContext): Promise<ProbeOutcome<Renderer['networkd']>> {
  const result = await runTool(context, NETWORKCTL_ARGV);
  if (result.notFound) return { value: { available: false, links: {} }, note: null };
  if (!succeeded(result)) return { value: { available: false, links: {} }, note: whyNot(result) };
  return { value: { available: true, links: parseNetworkctlList(result.stdout) }, note: null };
}

async function runtimeNetworkManager(
  context: ProbeContext,
): Promise<ProbeOutcome<Renderer['networkManager']>> {
  const result = await runTool(context, NMCLI_ARGV);
  if (result.notFound) return { value: { available: false, running: false, devices: {} }, note: null };
  // nmcli exits 8 ("NetworkManager is not running") when the daemon is down.
  if (!succeeded(result))
    return { value: { available: true, running: false, devices: {} }, note: whyNot(result) };
  return { value: { available: true, running: true, devices: parseNmcliDevices(result.stdout) }, note: null };
}

/**
 * systemd-networkd reachable over the system D-Bus, as `networkctl reload` at confirm needs it
 * (plan/preflight/handover.ts); false when busctl is missing or the bus or the name does not answer.
 * undefined when it could not be asked (a replayed recording made before it was): unknown.
 */
async function probeNetworkdReachable(context: ProbeContext): Promise<boolean | undefined> {
  try {
    const result = await context.runner.run(NETWORKD_BUS_ARGV, { timeoutMs: BUS_PROBE_TIMEOUT_MS });
    return succeeded(result);
  } catch {
    // A replayed recording made before this was asked (ReplayMiss), or a runner that cannot run it:
    // unknown, and the plan says nothing either way.
    return undefined;
  }
}
