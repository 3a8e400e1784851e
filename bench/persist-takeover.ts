/**
 * The persist step's measure (issue 9): a netplan + systemd-networkd host (the lab's networkd
 * machine, source/lab/networkd-machine.ts) on a router that has NO reservation for it, so the
 * address it keeps depends only on the DHCP identity it sends. Side by side in one run:
 * - the tool: `apply --yes`, then `confirm` (which persists and hands the bridge to networkd),
 *   then a reboot of the host namespace from the files written;
 * - the original plan's own sequence (shared/seed, section 2): write its /etc/netplan/01-bridge.yaml
 *   in place of the host's netplan file and `netplan apply` (in the lab: `netplan generate` and a
 *   restart of networkd, as lab-recipes.md says), then the same reboot.
 * Measured: lost echo replies (5 ms ping from the peer) during the takeover, the time from the
 * start of the takeover until networkd runs the bridge from netplan's own file (its link state file
 * names 10-netplan-BRIDGE.network), and how often the host's IPv4 address changed across
 * before → apply → takeover → reboot.
 */
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createLab, type Lab, type NetworkdMachine, startNetworkdMachine } from '../source/lab/index.js';
import { sleep, waitFor } from '../source/lab/wait.js';
import { BRIDGE, DIST_CLI } from './lab-scene.js';
import { type LostReplies, lostRepliesDuring } from './ping-window.js';

const HOST_NETPLAN = 'network:\n  version: 2\n  ethernets:\n    ens18:\n      dhcp4: true\n';
/** The original plan's netplan file, as written there. */
const SEED_NETPLAN = `network:
  version: 2
  renderer: networkd
  ethernets:
    ens18:
      dhcp4: no
      dhcp6: no
  bridges:
    fcbr0:
      interfaces:
        - ens18
      dhcp4: yes
      dhcp6: no
`;
const CONFIGURED = { attempts: 300, intervalMs: 100, timeoutMs: 30_000 };
const OWNED_POLL_MS = 50;
const OWNED_LIMIT_MS = 30_000;

export interface TakeoverRound {
  who: 'tool' | 'original plan';
  takeover: LostReplies;
  /**
   * Requests never answered, the tail included: when the takeover changes the address, the old one
   * never answers again, which `lost` (gaps below the last answer) cannot see. One request may
   * still be in flight when ping stops, so one is forgiven.
   */
  unanswered: number;
  /** From the start of the takeover until networkd runs the bridge from netplan's file; null: never within 30 s. */
  ownedAfterMs: number | null;
  /** The host's IPv4 address before, after apply, after the takeover, after the reboot. */
  addresses: Array<string | null>;
  addressChanges: number;
}

export async function measurePersistTakeover(
  rounds: number,
  progress: (line: string) => void,
): Promise<TakeoverRound[]> {
  const results: TakeoverRound[] = [];
  for (let round = 1; round <= rounds; round++) {
    for (const who of ['tool', 'original plan'] as const) {
      const measured = await withMachineLab((lab, machine, root) => oneRound(who, lab, machine, root));
      progress(
        `  round ${round}/${rounds} ${who}: unanswered ${measured.unanswered}, owned after ${measured.ownedAfterMs ?? 'never'} ms, ` +
          `addresses ${measured.addresses.join(' → ')}`,
      );
      results.push(measured);
    }
  }
  return results;
}

async function withMachineLab<T>(
  body: (lab: Lab, machine: { current: NetworkdMachine }, root: string) => Promise<T>,
): Promise<T> {
  const lab = await createLab({ dns: true, reservation: false });
  try {
    // The lab's one-shot client configured ens18; this host's only config is networkd's.
    await lab.exec(lab.ns.host, ['ip', '-4', 'addr', 'flush', 'dev', lab.uplink]);
    const root = join(lab.dir, 'root');
    const machine = {
      current: await startNetworkdMachine(lab, { root, netplan: { '50-host.yaml': HOST_NETPLAN } }),
    };
    await hostAddress(lab, lab.uplink);
    return await body(lab, machine, root);
  } finally {
    const report = await lab.teardown();
    if (report.problems.length > 0)
      process.stderr.write(`bench: lab teardown problems: ${report.problems.join('; ')}\n`);
  }
}

async function oneRound(
  who: TakeoverRound['who'],
  lab: Lab,
  machine: { current: NetworkdMachine },
  root: string,
): Promise<TakeoverRound> {
  const addresses: Array<string | null> = [await hostAddress(lab, lab.uplink)];
  const stateDir = join(lab.dir, 'state');
  const cli = (args: string[]) =>
    machine.current.exec([process.execPath, DIST_CLI, ...args, '--state-dir', stateDir, '--root-dir', '/'], {
      check: false,
      timeoutMs: 120_000,
    });
  let takeover: { owned: number | null; replies: LostReplies };
  if (who === 'tool') {
    const apply = await cli(['apply', '--yes', '--nic', lab.uplink, '--bridge', BRIDGE, '--timeout', '120']);
    if (apply.exitCode !== 0) throw new Error(`apply --yes exited ${apply.exitCode}: ${apply.stderr.trim()}`);
    addresses.push(await hostAddress(lab, BRIDGE));
    takeover = await timedTakeover(lab, machine.current, addresses[1] ?? null, async () => {
      const confirm = await cli(['confirm']);
      if (confirm.exitCode !== 0)
        throw new Error(`confirm exited ${confirm.exitCode}: ${confirm.stderr.trim()}`);
    });
  } else {
    // The original plan has no runtime step before its netplan file: apply is the takeover.
    addresses.push(addresses[0] ?? null);
    rmSync(join(root, 'etc/netplan/50-host.yaml'));
    writeFileSync(join(root, 'etc/netplan/01-bridge.yaml'), SEED_NETPLAN, { mode: 0o600 });
    takeover = await timedTakeover(lab, machine.current, addresses[0] ?? null, async () => {
      await machine.current.exec(['netplan', 'generate'], { timeoutMs: 30_000 });
      await machine.current.restartNetworkd();
    });
  }
  addresses.push(await hostAddress(lab, BRIDGE));
  await machine.current.stop();
  await lab.rebootHost();
  machine.current = await startNetworkdMachine(lab, { root });
  addresses.push(await hostAddress(lab, BRIDGE));
  let changes = 0;
  for (let at = 1; at < addresses.length; at++) if (addresses[at] !== addresses[at - 1]) changes += 1;
  const { transmitted, received, lost } = takeover.replies;
  return {
    who,
    takeover: takeover.replies,
    unanswered: Math.max(lost, transmitted - received - 1),
    ownedAfterMs: takeover.owned,
    addresses,
    addressChanges: changes,
  };
}

/** Runs `operation` inside a ping window and times how long until networkd runs the bridge from netplan's file. */
async function timedTakeover(
  lab: Lab,
  machine: NetworkdMachine,
  address: string | null,
  operation: () => Promise<void>,
): Promise<{ owned: number | null; replies: LostReplies }> {
  const started = performance.now();
  let owned: number | null = null;
  if (!address) throw new Error('the host has no IPv4 address to ping');
  const { replies } = await lostRepliesDuring(
    lab,
    async () => {
      await operation();
      const limit = started + OWNED_LIMIT_MS;
      while (performance.now() < limit) {
        if (await ownedByNetplan(lab, machine)) {
          owned = performance.now() - started;
          break;
        }
        await sleep(OWNED_POLL_MS);
      }
    },
    address,
  );
  return { owned, replies };
}

async function ownedByNetplan(lab: Lab, machine: NetworkdMachine): Promise<boolean> {
  const index = await lab.exec(lab.ns.host, ['cat', `/sys/class/net/${BRIDGE}/ifindex`], { check: false });
  if (!/^\d+\s*$/.test(index.stdout)) return false;
  const state = await machine.exec(['cat', `/run/systemd/netif/links/${index.stdout.trim()}`], {
    check: false,
  });
  return (
    /^ADMIN_STATE=configured$/m.test(state.stdout) &&
    new RegExp(`^NETWORK_FILE=.*/10-netplan-${BRIDGE}\\.network$`, 'm').test(state.stdout)
  );
}

/** The first IPv4 address on `ifname` once there is one (bounded), or null when none came. */
async function hostAddress(lab: Lab, ifname: string): Promise<string | null> {
  try {
    return await waitFor(`an IPv4 address on ${ifname}`, CONFIGURED, async (problem) => {
      const shown = await lab.exec(lab.ns.host, ['ip', '-j', '-4', 'addr', 'show', 'dev', ifname], {
        check: false,
      });
      const parsed =
        shown.exitCode === 0
          ? (JSON.parse(shown.stdout) as Array<{ addr_info: Array<{ local: string }> }>)
          : [];
      const local = parsed[0]?.addr_info[0]?.local;
      return local ?? problem('none yet');
    });
  } catch {
    return null;
  }
}
