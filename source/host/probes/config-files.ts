/**
 * Reading the renderers' configuration files under --root-dir: netplan's three directories,
 * /etc/network/interfaces with everything it sources, and cloud-init's config. Paths are kept as
 * they are on the target system; only the reads are joined with the root.
 */
import { posix } from 'node:path';
import { ReplayMiss } from '../../system/capture.js';
import { cloudNetworkDisabled } from '../parse/cloud-cfg.js';
import {
  CLOUD_INIT_DISABLED_FILE,
  CLOUD_INIT_ENABLED_FILE,
  cloudInitDisabledBy,
  cmdlineCloudInitSwitch,
  KERNEL_CMDLINE,
  KERNEL_CMDLINE_MAX_BYTES,
} from '../parse/cloud-init-switch.js';
import { globMatches, hasGlob } from '../parse/glob.js';
import { parseInterfaces, resolveSourcePath, sourceDirectoryIncludes } from '../parse/ifupdown.js';
import { isCloudInitFile, NETPLAN_DIRS, netplanFileOrder } from '../parse/netplan.js';
import type { CloudInitDisabled, NetplanFile } from '../snapshot.js';
import { configPath, type ProbeContext } from './context.js';

export const INTERFACES_FILE = '/etc/network/interfaces';
export const CLOUD_CFG = '/etc/cloud/cloud.cfg';
export const CLOUD_CFG_DIR = '/etc/cloud/cloud.cfg.d';

/** Bounds on following `source` lines: a loop or a huge tree must not stall the probe. */
const MAX_SOURCE_DEPTH = 4;
const MAX_INTERFACES_FILES = 64;

export async function readNetplanFiles(context: ProbeContext): Promise<NetplanFile[]> {
  const listings = Object.fromEntries(
    await Promise.all(
      NETPLAN_DIRS.map(async (dir) => [dir, await context.files.listDir(configPath(context, dir))] as const),
    ),
  );
  const paths = netplanFileOrder(listings);
  const contents = await Promise.all(paths.map((path) => context.files.readFile(configPath(context, path))));
  return paths.flatMap((path, index) => {
    const content = contents[index];
    return content === null || content === undefined
      ? []
      : [{ path, content, cloudInit: isCloudInitFile(path, content) }];
  });
}

export async function readInterfacesFiles(
  context: ProbeContext,
): Promise<Array<{ path: string; content: string }>> {
  const read: Array<{ path: string; content: string }> = [];
  const seen = new Set<string>();
  const visit = async (path: string, depth: number): Promise<void> => {
    if (seen.has(path) || seen.size >= MAX_INTERFACES_FILES) return;
    seen.add(path);
    const content = await context.files.readFile(configPath(context, path));
    if (content === null) return;
    read.push({ path, content });
    if (depth >= MAX_SOURCE_DEPTH) return;
    // Sourced files are read in order, one after the other, so the list keeps ifupdown's order.
    for (const source of parseInterfaces(content).sources) {
      const target = resolveSourcePath(source.path, path);
      for (const included of await expandSource(context, source.kind, target))
        await visit(included, depth + 1);
    }
  };
  await visit(INTERFACES_FILE, 0);
  return read;
}

async function expandSource(
  context: ProbeContext,
  kind: 'source' | 'source-directory',
  target: string,
): Promise<string[]> {
  if (kind === 'source-directory') {
    const names = (await context.files.listDir(configPath(context, target))) ?? [];
    return names.filter(sourceDirectoryIncludes).map((name) => posix.join(target, name));
  }
  const base = posix.basename(target);
  if (!hasGlob(base)) return [target];
  const dir = posix.dirname(target);
  const names = (await context.files.listDir(configPath(context, dir))) ?? [];
  return names
    .filter((name) => !name.startsWith('.') && globMatches(base, name))
    .map((name) => posix.join(dir, name));
}

/** Whether cloud-init is installed, whether it runs at all, and whether its config disables network configuration. */
export async function readCloudInitNetwork(context: ProbeContext): Promise<{
  installed: boolean;
  disabled: boolean;
  runsNot: CloudInitDisabled | null | undefined;
}> {
  const [main, names] = await Promise.all([
    context.files.readFile(configPath(context, CLOUD_CFG)),
    context.files.listDir(configPath(context, CLOUD_CFG_DIR)),
  ]);
  const cfgNames = (names ?? []).filter((name) => name.endsWith('.cfg'));
  const dropIns = await Promise.all(
    cfgNames.map((name) => context.files.readFile(configPath(context, `${CLOUD_CFG_DIR}/${name}`))),
  );
  const contents = [main, ...dropIns].filter((content): content is string => content !== null);
  const installed = main !== null || names !== null;
  return {
    installed,
    disabled: cloudNetworkDisabled(contents),
    runsNot: installed ? await readCloudInitSwitch(context) : undefined,
  };
}

/**
 * The facts cloud-init's generator decides by (parse/cloud-init-switch.ts). The marker files are
 * configuration, read under --root-dir; the command line is this machine's, so it is read only
 * when the root is the machine itself. A recording made before the probe read them answers
 * nothing for them: unknown, never a guess (then the plan acts as if cloud-init may run).
 */
async function readCloudInitSwitch(context: ProbeContext): Promise<CloudInitDisabled | null | undefined> {
  const [enabled, disabled, cmdline] = await Promise.all([
    readIfRecorded(context, configPath(context, CLOUD_INIT_ENABLED_FILE), 1),
    readIfRecorded(context, configPath(context, CLOUD_INIT_DISABLED_FILE), 1),
    context.env.rootDir === '/'
      ? readIfRecorded(context, KERNEL_CMDLINE, KERNEL_CMDLINE_MAX_BYTES)
      : Promise.resolve(undefined),
  ]);
  if (enabled === undefined || disabled === undefined) return undefined;
  // No command line, or one longer than the kernel allows: not a line the generator would read.
  const known = typeof cmdline === 'string' && Buffer.byteLength(cmdline) <= KERNEL_CMDLINE_MAX_BYTES;
  return cloudInitDisabledBy({
    cmdline: known ? cmdlineCloudInitSwitch(cmdline) : null,
    enabledFile: enabled !== null,
    disabledFile: disabled !== null,
  });
}

/** A capped read; undefined when a replayed recording predates the probe asking for the file. */
async function readIfRecorded(
  context: ProbeContext,
  path: string,
  maxBytes: number,
): Promise<string | null | undefined> {
  try {
    return await context.files.readFile(path, { maxBytes });
  } catch (error) {
    if (error instanceof ReplayMiss) return undefined;
    throw error;
  }
}
