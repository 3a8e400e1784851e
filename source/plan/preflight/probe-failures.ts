/**
 * A probe that failed (its tool ran and failed, or printed something that does not parse, or a
 * value no kernel would report) leaves its part of the snapshot empty. A plan built on that would
 * look fine and silently skip what it did not see: rules not moved, a DHCP client left running on
 * the enslaved uplink, NAT not removed. So each such probe is a blocker naming the probe, its
 * error and the command to look at. A tool that is absent is a fact (no nft: no nft rules) and
 * not a failure; the probes record it as a note.
 */

import { PS_ARGV } from '../../host/probes/dhcp.js';
import { IPTABLES_SAVE_ARGV, NFT_JSON_ARGV } from '../../host/probes/firewall.js';
import { ADDRESSES_ARGV, ROUTES4_ARGV, RULES4_ARGV } from '../../host/probes/ip-state.js';
import { LINKS_ARGV } from '../../host/probes/links.js';
import type { HostSnapshot, ProbeRecord } from '../../host/snapshot.js';
import type { Verdict } from '../types.js';
import { blocker } from './verdict.js';

interface ProbeStake {
  /** What the plan would get wrong without this probe (completes "so ..."). */
  stake: string;
  /** The command(s) the probe runs, for the operator to try by hand. */
  commands: ReadonlyArray<readonly string[]>;
}

/** The probes the plan cannot do without, in PROBE_NAMES order. */
const BLOCKING_PROBES: Record<string, ProbeStake> = {
  links: { stake: "the host's interfaces are unknown", commands: [LINKS_ARGV] },
  addresses: {
    stake: 'the addresses the cutover must move are unknown',
    commands: [ADDRESSES_ARGV],
  },
  routes: {
    stake: 'the routes the cutover must move are unknown',
    commands: [ROUTES4_ARGV],
  },
  rules: {
    stake: 'policy rules that name the uplink would not be moved',
    commands: [RULES4_ARGV],
  },
  'dhcp-clients': {
    stake: 'a DHCP client on the uplink would not be stopped and would fight the bridge for the lease',
    commands: [PS_ARGV],
  },
  firewall: {
    stake: 'NAT rules for the bridge and a FORWARD DROP policy are unknown',
    commands: [IPTABLES_SAVE_ARGV, NFT_JSON_ARGV],
  },
};

export function probeFailureBlockers(snapshot: HostSnapshot): Verdict[] {
  return snapshot.probes.filter(isBlockingFailure).map((record) => {
    const { stake, commands } = BLOCKING_PROBES[record.name] as ProbeStake;
    const run = commands.map((argv) => `\`${argv.join(' ')}\``).join(' and ');
    const error = (record.note ?? 'no reason recorded').replace(/[.\s]+$/, '');
    return blocker(
      `probe-failed-${record.name}`,
      `The ${record.name} probe failed (${error}), so ${stake}.`,
      `Run ${run} on the host to see why, fix what it reports (or report its output if it looks valid), then plan again.`,
    );
  });
}

function isBlockingFailure(record: ProbeRecord): boolean {
  return !record.ok && Object.hasOwn(BLOCKING_PROBES, record.name);
}
