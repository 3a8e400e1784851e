/**
 * netplan with systemd-networkd behind it, without systemd as PID 1 (`netplan apply` needs
 * systemctl): `netplan generate` renders the YAML to .network/.netdev files under /run, and
 * `networkctl reload` (D-Bus to networkd) makes networkd read them and reconfigure the links whose
 * file changed (networkctl(1), "reload").
 *
 * validate: the new files go into a scratch copy of the host's netplan directories and
 *   `netplan generate --root-dir SCRATCH` must accept them; nothing real is touched.
 * handOver: generate for real, then remove the pending window's runtime files (the hold and the
 *   lease keeper's .network files, all named 00-bridge-migrate-*): they sort before netplan's
 *   10-netplan-* files and networkd uses the first file that matches a link, so while they exist
 *   netplan's config would never take effect. Then reload, and wait (bounded) until networkd
 *   reports the bridge "configured".
 * handBack: generate from the restored files and reload, so networkd manages the uplink again.
 */
import { cp, mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { setTimeout as sleepFor } from 'node:timers/promises';
import { parseNetworkctlList } from '../../host/parse/networkctl.js';
import { NETWORKCTL_ARGV } from '../../host/probes/renderer.js';
import type { ConfigFile } from '../../plan/types.js';
import { listDirectory, writeFileAtomic } from '../../system/atomic-file.js';
import { type RunResult, succeeded } from '../../system/runner.js';
import { runtimeFiles } from '../../system/runtime-files.js';
import { hostPath } from './config-files.js';
import type { PersistContext, PersistRenderer } from './persist-renderer.js';

/** Where netplan reads YAML (netplan(5), "General structure"): all three are copied to the scratch root. */
const NETPLAN_DIRS = ['/etc/netplan', '/lib/netplan', '/run/netplan'];
const NETWORKD_RUNTIME_DIR = '/run/systemd/network';
/** The pending window's runtime files (renderer-hold-files.ts, the networkd lease keeper). */
const WINDOW_FILE_PREFIX = '00-bridge-migrate-';
const GENERATE_TIMEOUT_MS = 30_000;
const NETWORKCTL_TIMEOUT_MS = 10_000;
/** networkd configures a DHCP bridge within a few seconds when the server answers (the same lease). */
const CONFIGURED_POLLS = 40;
const CONFIGURED_POLL_MS = 500;

export const netplanRenderer: PersistRenderer = {
  name: 'netplan',

  async validate(context, files) {
    const scratch = await mkdtemp(join(tmpdir(), 'bridge-migrate-netplan-'));
    try {
      for (const dir of NETPLAN_DIRS) {
        await cp(hostPath(context.rootDir, dir), join(scratch, dir), {
          recursive: true,
          errorOnExist: false,
        }).catch((error: NodeJS.ErrnoException) => {
          if (error.code !== 'ENOENT') throw error;
        });
      }
      for (const file of netplanFiles(files)) {
        const target = hostPath(scratch, file.path);
        await writeInScratch(target, file.after);
      }
      const result = await run(context, ['netplan', 'generate', '--root-dir', scratch], GENERATE_TIMEOUT_MS);
      return succeeded(result) ? null : `netplan generate refused the new config: ${reason(result)}`;
    } finally {
      await rm(scratch, { recursive: true, force: true });
    }
  },

  async handOver(context, plan) {
    const generated = await generate(context);
    if (generated) return generated;
    for (const name of await listDirectory(hostPath(context.rootDir, NETWORKD_RUNTIME_DIR))) {
      if (!name.startsWith(WINDOW_FILE_PREFIX)) continue;
      await runtimeFiles.remove(context.rootDir, `${NETWORKD_RUNTIME_DIR}/${name}`);
      context.note(`persist: removed the window's runtime file ${NETWORKD_RUNTIME_DIR}/${name}`);
    }
    const reloaded = await reload(context);
    if (reloaded) return reloaded;
    return waitConfigured(context, plan.bridge);
  },

  async handBack(context) {
    return (await generate(context)) ?? (await reload(context));
  },
};

function netplanFiles(files: ConfigFile[]): ConfigFile[] {
  return files.filter((file) => NETPLAN_DIRS.some((dir) => file.path.startsWith(`${dir}/`)));
}

async function writeInScratch(target: string, content: string | null): Promise<void> {
  if (content === null) {
    await rm(target, { force: true });
    return;
  }
  await mkdir(dirname(target), { recursive: true, mode: 0o755 });
  await writeFileAtomic(target, content, { mode: 0o600 });
}

async function generate(context: PersistContext): Promise<string | null> {
  const result = await run(
    context,
    ['netplan', 'generate', '--root-dir', context.rootDir],
    GENERATE_TIMEOUT_MS,
  );
  return succeeded(result) ? null : `netplan generate failed: ${reason(result)}`;
}

async function reload(context: PersistContext): Promise<string | null> {
  const result = await run(context, ['networkctl', 'reload'], NETWORKCTL_TIMEOUT_MS);
  return succeeded(result) ? null : `networkctl reload failed: ${reason(result)}`;
}

async function waitConfigured(context: PersistContext, bridge: string): Promise<string | null> {
  const sleep = context.sleep ?? ((ms: number) => sleepFor(ms).then(() => undefined));
  let last = 'not listed';
  for (let poll = 0; poll < CONFIGURED_POLLS; poll++) {
    if (poll > 0) await sleep(CONFIGURED_POLL_MS);
    const result = await run(context, [...NETWORKCTL_ARGV], NETWORKCTL_TIMEOUT_MS);
    if (!succeeded(result)) return `networkctl list failed: ${reason(result)}`;
    const state = parseNetworkctlList(result.stdout)[bridge];
    last = state ? `${state.setupState}` : 'not listed';
    if (state?.setupState === 'configured') return null;
    if (state?.setupState === 'failed') break;
  }
  return `systemd-networkd did not take over ${bridge} (its state is "${last}")`;
}

async function run(context: PersistContext, argv: string[], timeoutMs: number): Promise<RunResult> {
  const result = await context.runner.run(argv, { timeoutMs });
  context.note(
    `persist: ${argv.join(' ')} → exit ${result.exitCode}${result.stderr ? `: ${result.stderr.trim()}` : ''}`,
  );
  return result;
}

/** Why a command failed, in a few words, for a persist problem sentence. */
export function reason(result: RunResult): string {
  if (result.notFound) return `${result.argv[0]} is not installed`;
  if (result.timedOut) return 'it timed out';
  const line = (result.stderr.trim() || result.stdout.trim()).split('\n')[0] ?? '';
  return line === '' ? `exit ${result.exitCode}` : line;
}
