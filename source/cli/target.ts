import type { HostSnapshot } from '../host/snapshot.js';
import type { PlanRequest, ReplaySource } from '../plan/types.js';
import { operatorCommands } from './command-deps.js';
import { UsageError } from './errors.js';
import type { CommonOptions, TargetOptions } from './options.js';

/** An unknown --nic is the operator's typo, not a host fact: say which names exist. */
export function checkNicExists(snapshot: HostSnapshot, nic: string | null, replay = false): void {
  if (nic === null || snapshot.links.some((link) => link.name === nic)) return;
  const names = snapshot.links.filter((link) => link.name !== 'lo').map((link) => link.name);
  throw new UsageError(
    // A replay is a recorded host, not this one: the error must not pass it off as the live host.
    `no interface named "${nic}" ${replay ? 'in the recording (--replay)' : 'on this host'}`,
    names.length > 0 ? `pass --nic with one of: ${names.join(', ')}` : 'check `ip link` for the uplink name',
  );
}

export function planRequest(
  target: TargetOptions,
  common: CommonOptions,
  replay: ReplaySource | null = null,
): PlanRequest {
  return {
    nic: target.nic,
    bridge: target.bridge,
    timeoutSec: target.timeoutSec,
    persist: common.persist,
    // The plan and its verdicts name these; they must act where this run does (CommandPlace).
    commands: operatorCommands(common),
    replay,
    netns: common.netns ?? null,
  };
}
