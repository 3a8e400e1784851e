/**
 * What `status` says about a kept (confirmed) migration, so that nobody mistakes a runtime-only
 * change, or a lease nothing renews, for a finished one (issue 9, "the truth on screen"):
 * - config: persisted (which files, with their backups), being written, or runtime only (a reboot
 *   brings back the old network);
 * - lease: who renews the bridge's DHCP lease now, and when the current one ends by this host's
 *   clock (the kernel's valid lifetime of the bridge's dynamic IPv4 address), or that nobody does.
 * Pure: the journal and the bridge's addresses from status's fresh probe go in, data comes out.
 */
import type { Address } from '../host/snapshot.js';
import type { Plan, Step } from '../plan/types.js';
import type { Journal } from '../txn/journal/journal.js';
import { KEPT_PHASES } from '../txn/journal/journal-format.js';

export interface KeptStatus {
  config: {
    state: 'persisted' | 'writing' | 'runtime-only';
    /** Files written, each "PATH (backup B)" or "PATH (new)"; empty unless persisted. */
    files: string[];
  };
  /** null when no IPv4 address of the uplink was leased (static): there is nothing to renew. */
  lease: {
    /** Who renews it, in words; null: nobody, so the address ends with its lease. */
    renewedBy: string | null;
    /** When the current lease ends (ISO), from the address's valid lifetime; null: no end shown. */
    endsAt: string | null;
    /** Seconds until then by this host's clock, when endsAt is known. */
    endsInSec: number | null;
  } | null;
}

const RENDERER_WORDS: Record<Exclude<Plan['persistWith'], 'none'>, string> = {
  netplan: 'systemd-networkd, from the written netplan config',
  networkmanager: 'NetworkManager, from the written profile',
  ifupdown: "ifupdown's DHCP client, from the written /etc/network/interfaces",
};

export function keptStatus(
  journal: Pick<Journal, 'phase' | 'plan' | 'preState' | 'files' | 'bridge' | 'nic'>,
  bridgeAddresses: readonly Address[],
  now: number,
): KeptStatus | null {
  if (!KEPT_PHASES.includes(journal.phase)) return null;
  const files = journal.files.map((file) =>
    file.backup ? `${file.path} (backup ${file.backup.backup})` : `${file.path} (new)`,
  );
  const persisted = journal.phase === 'persisted' && files.length > 0;
  const config: KeptStatus['config'] = persisted
    ? { state: 'persisted', files }
    : { state: journal.phase === 'persisting' ? 'writing' : 'runtime-only', files: [] };
  const leased = journal.preState.addresses.some(
    (address) => address.ifname === journal.nic && address.family === 4 && address.dynamic,
  );
  const keeper = journal.plan.steps.find((step) => step.kind === 'keep-lease') ?? null;
  if (!leased && !keeper) return { config, lease: null };
  const renewedBy =
    persisted && journal.plan.persistWith !== 'none'
      ? RENDERER_WORDS[journal.plan.persistWith]
      : keeper
        ? windowKeeper(keeper, journal.bridge)
        : null;
  const seconds = leaseSecondsLeft(bridgeAddresses, journal.bridge);
  return {
    config,
    lease: {
      renewedBy,
      endsAt: seconds === null ? null : new Date(now + seconds * 1000).toISOString(),
      endsInSec: seconds,
    },
  };
}

/** The keep-lease step's renewer in words, from what the step runs. */
function windowKeeper(step: Step, bridge: string): string {
  for (const command of step.commands) {
    if (command.kind === 'spawn-detached') {
      const program = command.argv[0]?.split('/').pop() ?? 'a DHCP client';
      const applet = program === 'busybox' ? (command.argv[1] ?? program) : program;
      return `${applet} on ${bridge}, started by this tool (runtime only)`;
    }
    if (command.kind === 'write-file' && command.path.startsWith('/run/systemd/network/'))
      return `systemd-networkd, from the runtime file ${command.path}`;
    if (command.kind === 'exec' && command.argv[0] === 'nmcli')
      return `NetworkManager, from an in-memory profile for ${bridge}`;
  }
  return `the keep-lease step on ${bridge}`;
}

/** Seconds left of the shortest-lived dynamic IPv4 address on the bridge; null when none shows an end. */
function leaseSecondsLeft(addresses: readonly Address[], bridge: string): number | null {
  const lifetimes = addresses
    .filter((address) => address.ifname === bridge && address.family === 4 && address.dynamic)
    .map((address) => address.validLft)
    .filter((seconds): seconds is number => typeof seconds === 'number' && Number.isFinite(seconds));
  return lifetimes.length === 0 ? null : Math.min(...lifetimes);
}

/** The status lines for a kept migration (indented under "migration:"). */
export function keptStatusLines(kept: KeptStatus, bridge: string): string[] {
  const lines: string[] = [];
  if (kept.config.state === 'persisted')
    lines.push(`  config: persisted, written: ${kept.config.files.join(', ')}`);
  else if (kept.config.state === 'writing')
    lines.push(
      '  config: being written under the guardian (persisting); a failure restores the files and reverts',
    );
  else lines.push('  config: runtime only, nothing written to disk: a reboot brings back the old network');
  const lease = kept.lease;
  if (!lease) return lines;
  const ends = lease.endsAt
    ? `the current lease ends ${lease.endsAt} (in ${lease.endsInSec} s by this host's clock)`
    : 'no end is shown on the address';
  lines.push(
    lease.renewedBy
      ? `  lease: renewed by ${lease.renewedBy}; ${ends}`
      : `  lease: NOT renewed: nothing renews ${bridge}'s DHCP lease, so its address ends with it; ${ends}`,
  );
  return lines;
}
