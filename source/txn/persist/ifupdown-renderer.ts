/**
 * ifupdown's part in persisting (Debian, Proxmox-style hosts; ifupdown 0.8 with bridge-utils).
 *
 * validate: `ifup --no-act` reads a scratch copy of each new file with a scratch --state-dir, so
 * it neither runs a command nor reads or writes /run/network; what it refuses (an unknown method,
 * an option without a value, a missing `address`) comes back as the sentence.
 *
 * handOver, chosen from lab runs (test/lab/ifupdown-persist.test.ts): a real `ifup BRIDGE` once
 * the files are written. The bridge exists with its port and addresses, so bridge-utils' pre-up
 * hook only sets STP and forward delay again and `hwaddress` sets the MAC it already has; ifup then
 * starts its own DHCP client exactly as it would at boot and records the bridge in its state, so
 * `ifdown`/`ifup` and `ifquery --state` work afterwards. Seen: 0 of 600 pings at 5 ms lost, the
 * same lease. Three things make that so:
 * - the client running on the bridge since the cutover is stopped first with SIGKILL: two clients
 *   would fight over the lease, and dhclient on SIGTERM releases it and flushes the address
 *   (plan/steps/stop-dhcp.ts);
 * - ifupdown runs `dhclient -i`, whose client id is ff + IAID (from the MAC, which the bridge shares)
 *   + the DUID in the interface's own lease file; a new file would get a new DUID and the server a
 *   new client, so the uplink's `default-duid` is copied into the bridge's file first;
 * - dhclient-script's BOUND runs `ip addr add`, which fails with "Address already assigned" for the
 *   moved address, so its lifetime stays what was left of the old lease until the first renewal
 *   (T1). It may end before that: the address gets the new lease's time at once.
 *
 * handBack, after the files are restored: ifupdown's client on the bridge is stopped (SIGKILL: the
 * address stays until the runtime revert moves it back) and the bridge is taken out of ifupdown's
 * state. The uplink never left that state and its own client is started again by the revert with
 * the argv it had, pid file included, so ifupdown owns it again as before; `ifup NIC` would only
 * answer "already configured".
 */
import { existsSync, readFileSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import type { ConfigFile } from '../../plan/types.js';
import { writeFileAtomic } from '../../system/atomic-file.js';
import { displaySafe } from '../../system/display-text.js';
import { checkedName } from '../../system/ifname.js';
import { familyOf } from '../../system/ip-math.js';
import { killArgv } from '../../system/process-signal.js';
import { type RunResult, succeeded } from '../../system/runner.js';
import { defaultDuidLine, leaseSecondsFor } from './dhclient-lease-file.js';
import { forget, ifstateDir, isRecordedUp, recordUp } from './ifupdown-state.js';
import { clientsServing } from './interface-dhcp-clients.js';
import type { PersistContext, PersistRenderer } from './persist-renderer.js';

const INTERFACES = '/etc/network/interfaces';
const DHCLIENT_DIR = '/var/lib/dhcp';
/** ifup waits for its DHCP client's first lease; dhclient gives up after 60 s by default. */
const IFUP_TIMEOUT_MS = 70_000;
const CHECK_TIMEOUT_MS = 10_000;

export const ifupdownRenderer: PersistRenderer = {
  name: 'ifupdown',

  async validate(context, files) {
    const scratch = await mkdtemp(join(context.stateDir, 'ifupdown-check-'));
    try {
      for (const [index, file] of files.entries()) {
        if (file.renderer !== 'ifupdown' || file.after === null) continue;
        const copy = join(scratch, `interfaces-${index}`);
        await writeFile(copy, absoluteSources(file.after, dirname(join(context.rootDir, file.path))), {
          mode: 0o600,
        });
        const state = join(scratch, `state-${index}`);
        await mkdir(state, { mode: 0o700 });
        const result = await context.runner.run(
          ['ifup', '--no-act', '--no-mappings', '-i', copy, '--state-dir', state, '--all'],
          { timeoutMs: CHECK_TIMEOUT_MS },
        );
        context.note(`ifup --no-act on the new ${file.path}: exit ${result.exitCode}`);
        // ifup names the file it read: the operator knows it by its real path, not the scratch copy.
        if (!succeeded(result))
          return `ifup --no-act refused the new ${file.path}: ${why(result).replaceAll(copy, file.path)}.`;
      }
      return null;
    } finally {
      await rm(scratch, { recursive: true, force: true });
    }
  },

  async handOver(context, plan) {
    const bridge = checkedName(plan.bridge);
    const nic = checkedName(plan.nic);
    const interfaces = join(context.rootDir, INTERFACES);
    const state = ifstateDir(context.rootDir);
    if (await isRecordedUp(context.runner, state, interfaces, bridge)) return null;
    if (bridgeMethod(plan.config, bridge) !== 'dhcp') {
      // Static or manual: the bridge already holds exactly what ifup would set (see ifupdown-state.ts).
      const recorded = await recordUp(context.runner, state, bridge);
      context.note(`recorded ${bridge} as up in ifupdown's state: exit ${recorded.exitCode}`);
      if (!succeeded(recorded))
        return `${bridge} could not be recorded in ifupdown's state: ${why(recorded)}.`;
    } else {
      await copyDhclientDuid(context, nic, bridge);
      for (const client of await clientsServing(context.runner, bridge)) {
        context.note(`stopping ${client.program} (pid ${client.pid}) on ${bridge} for ifupdown's own`);
        await context.runner.run(killArgv(client.pid, 'KILL'));
      }
      const up = await context.runner.run(['ifup', '--state-dir', state, '-i', interfaces, bridge], {
        timeoutMs: IFUP_TIMEOUT_MS,
      });
      context.note(`ifup ${bridge}: exit ${up.exitCode}`);
      if (!succeeded(up)) return `ifup ${bridge} failed: ${why(up)}.`;
      await renewLifetimes(context, bridge);
    }
    if (!(await isRecordedUp(context.runner, state, interfaces, bridge)))
      return `ifupdown does not list ${bridge} as up (ifquery --state ${bridge}).`;
    return null;
  },

  async handBack(context, plan) {
    const bridge = checkedName(plan.bridge);
    for (const client of await clientsServing(context.runner, bridge)) {
      context.note(`stopping ${client.program} (pid ${client.pid}) on ${bridge}: ifupdown gives it up`);
      await context.runner.run(killArgv(client.pid, 'KILL'));
    }
    const forgotten = await forget(context.runner, ifstateDir(context.rootDir), bridge);
    context.note(`took ${bridge} out of ifupdown's state: exit ${forgotten.exitCode}`);
    // No /run/network at all: ifupdown has no state, so none names the bridge.
    if (!succeeded(forgotten) && !/No such file/.test(forgotten.stderr))
      return `${bridge} could not be taken out of ifupdown's state: ${why(forgotten)}.`;
    return null;
  },
};

/** The method of `iface BRIDGE inet METHOD` in the new files, or null when none names it. */
function bridgeMethod(files: ConfigFile[], bridge: string): string | null {
  for (const file of files) {
    if (file.renderer !== 'ifupdown' || file.after === null) continue;
    for (const line of file.after.split('\n')) {
      const words = line.trim().split(/\s+/);
      if (words[0] === 'iface' && words[1] === bridge && words[2] === 'inet') return words[3] ?? null;
    }
  }
  return null;
}

/**
 * `source` and `source-directory` paths are read relative to the file that names them
 * (interfaces(5)); the scratch copy lives elsewhere, so a relative one is made absolute.
 */
function absoluteSources(text: string, directory: string): string {
  return text.replace(/^(source(?:-directory)?[ \t]+)(\S+)/gm, (line, keyword: string, path: string) =>
    isAbsolute(path) ? line : `${keyword}${resolve(directory, path)}`,
  );
}

/** The uplink's dhclient DUID into the bridge's lease file (dhclient reads it there first). */
async function copyDhclientDuid(context: PersistContext, nic: string, bridge: string): Promise<void> {
  const file = (name: string) => join(context.rootDir, DHCLIENT_DIR, name);
  const target = file(`dhclient.${bridge}.leases`);
  const existing = existsSync(target) ? readFileSync(target, 'utf8') : '';
  if (defaultDuidLine(existing)) return;
  // dhclient's own order: the lease file (-lf), then the DUID file (-df) ifupdown names.
  const duid = [`dhclient.${nic}.leases`, `dhclient6.${nic}.leases`]
    .map((name) => (existsSync(file(name)) ? defaultDuidLine(readFileSync(file(name), 'utf8')) : null))
    .find((line) => line !== null);
  if (!duid) return;
  await writeFileAtomic(target, `${duid}\n${existing}`, { mode: 0o644 });
  context.note(`copied ${nic}'s dhclient DUID into ${target}`);
}

/** Gives each finite IPv4 address on the bridge the lease time dhclient just bound it for. */
async function renewLifetimes(context: PersistContext, bridge: string): Promise<void> {
  const leases = join(context.rootDir, DHCLIENT_DIR, `dhclient.${bridge}.leases`);
  if (!existsSync(leases)) return;
  const text = readFileSync(leases, 'utf8');
  const shown = await context.runner.run(['ip', '-j', '-4', 'addr', 'show', 'dev', bridge]);
  if (!succeeded(shown)) return;
  let links: Array<{ addr_info?: Array<{ local?: string; prefixlen?: number; valid_life_time?: number }> }>;
  try {
    links = JSON.parse(shown.stdout);
  } catch {
    return;
  }
  for (const address of links[0]?.addr_info ?? []) {
    if (typeof address.local !== 'string' || familyOf(address.local) !== 4) continue;
    if (!Number.isInteger(address.prefixlen)) continue;
    if (address.valid_life_time === undefined || address.valid_life_time >= 0xffffffff) continue;
    const seconds = leaseSecondsFor(text, address.local);
    if (seconds === null) continue;
    const lifetime = String(seconds);
    const cidr = `${address.local}/${address.prefixlen}`;
    const changed = await context.runner.run([
      'ip',
      'addr',
      'change',
      cidr,
      'dev',
      bridge,
      'valid_lft',
      lifetime,
      'preferred_lft',
      lifetime,
    ]);
    context.note(`${cidr} on ${bridge} valid for ${lifetime} s: exit ${changed.exitCode}`);
  }
}

function why(result: RunResult): string {
  if (result.notFound) return `${result.argv[0]} is not installed (apt-get install ifupdown)`;
  if (result.timedOut) return `no answer within ${Math.round(result.durationMs / 1000)} s`;
  const lines = `${result.stderr}\n${result.stdout}`.split('\n').map((line) => line.trim());
  return displaySafe(
    lines.find((line) => line.startsWith('ifup:') || line.startsWith('ifquery:')) ??
      lines.find(Boolean) ??
      `exit ${result.exitCode}`,
  );
}
