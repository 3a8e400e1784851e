/**
 * Waiting, bounded, for IPv6 duplicate address detection on the uplink before the snapshot that
 * becomes a migration's pre-state. Right after an interface comes up its link-local address is
 * "tentative" for a second or two (one probe per RetransTimer, RFC 4862 5.4, after a random
 * delay), and the kernel adds that address's `local … table local` route only when DAD ends
 * (addrconf_dad_completed). A pre-state taken in that window differs from the same host a moment
 * later with nobody touching it. So when the first look finds a tentative address on the uplink,
 * this polls `ip -j -6 address show dev NIC` until none is (bounded, DAD_WAIT), then looks
 * at addresses and routes again. An address whose DAD failed stays tentative for good and is not
 * waited for. When nothing is tentative (the usual case) nothing runs, so a recorded host replays
 * without this probe's command.
 */
import { isValidInterfaceName } from '../../system/ifname.js';
import { parseIpAddresses } from '../parse/ip-addr.js';
import type { Address, Route } from '../snapshot.js';
import { type ProbeContext, type ProbeOutcome, runRequired } from './context.js';
import { probeAddresses, probeRoutes } from './ip-state.js';

/**
 * Polls 100 ms apart for at most 3 s (by the clock, and never more than 30 polls, however fast
 * the clock): longer than the default DAD of one probe after a random delay of up to 1 s.
 */
export const DAD_WAIT = { limitMs: 3_000, intervalMs: 100, attempts: 30 } as const;

export interface WaitClock {
  now(): number;
  sleep(ms: number): Promise<void>;
}

export const realClock: WaitClock = {
  now: () => performance.now(),
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
};

export function dadArgv(nic: string): string[] {
  return ['ip', '-j', '-6', 'address', 'show', 'dev', nic];
}

/** IPv6 addresses on `nic` still in DAD (tentative, and not given up on as dadfailed). */
export function inDad(addresses: readonly Address[], nic: string): Address[] {
  return addresses.filter(
    (address) =>
      address.ifname === nic &&
      address.family === 6 &&
      address.flags.includes('tentative') &&
      !address.flags.includes('dadfailed'),
  );
}

export interface IpState {
  addresses: Address[];
  routes: Route[];
}

/** The note the probe line shows while it waits, or null when there is nothing to wait for. */
export function dadWaitNote(first: IpState, nic: string | null): string | null {
  if (nic === null || !isValidInterfaceName(nic)) return null;
  const pending = inDad(first.addresses, nic);
  if (pending.length === 0) return null;
  return `waiting up to ${DAD_WAIT.limitMs / 1000} s for IPv6 duplicate address detection on ${nic} (${pending.map((address) => address.local).join(', ')})`;
}

/** The uplink's addresses and routes once its DAD has ended, or as first seen when it has not in time. */
export async function probeDadSettled(
  context: ProbeContext,
  first: IpState,
  nic: string | null,
  clock: WaitClock,
): Promise<ProbeOutcome<IpState>> {
  if (nic === null || dadWaitNote(first, nic) === null) return { value: first, note: null };
  const started = clock.now();
  const seconds = () => `${(Math.round((clock.now() - started) / 100) / 10).toString()} s`;
  for (let attempt = 1; attempt <= DAD_WAIT.attempts; attempt++) {
    if (clock.now() - started >= DAD_WAIT.limitMs) break;
    await clock.sleep(DAD_WAIT.intervalMs);
    const now = parseIpAddresses(await runRequired(context, dadArgv(nic)));
    if (inDad(now, nic).length > 0) continue;
    const [addresses, routes] = await Promise.all([probeAddresses(context), probeRoutes(context)]);
    return {
      value: { addresses: addresses.value, routes: routes.value },
      note: `${nic}: IPv6 duplicate address detection ended after ${seconds()}`,
    };
  }
  const still = inDad(first.addresses, nic).map((address) => address.local);
  return {
    value: first,
    note: `${nic}: ${still.join(', ')} still tentative after ${seconds()}; taken as it is`,
  };
}
