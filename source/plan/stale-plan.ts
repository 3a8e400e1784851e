/**
 * Is a plan still the plan for this host? A plan is made from one snapshot and applied later: the
 * operator may read the preview for minutes, and meanwhile anything may change the host (a
 * guardian's revert restarts the uplink's DHCP client under a new pid, a NAT rule is added, the
 * lease moves the address). A plan applied to a host it was not made for signals a pid that is
 * gone (or reused), leaves a client renewing on the uplink that puts the address back on the port,
 * or deletes a NAT rule by a handle that names another rule now.
 *
 * So the engine compares a fresh look at the host, taken right before the first change, with the
 * plan's snapshot for everything the plan's steps act on, and refuses on any difference:
 * - the uplink's and the bridge's links, addresses, routes and rules (host/compare.ts; lifetimes
 *   that count down and the kernel's own churn are not differences there);
 * - the DHCP clients of the uplink or the bridge in our namespace: pid, start time, program, argv,
 *   owner (the stop step signals them by pid; the revert restarts them by argv);
 * - the NAT rules the remove-nat step deletes (by handle or spec, at their position).
 * Pure: the caller reads the host (txn/engine/host-state.ts readPlanInputs).
 */
import { compareHostState, differenceTexts } from '../host/compare.js';
import type { DhcpClient, HostSnapshot, NatRule } from '../host/snapshot.js';
import { shellQuote } from './command-text.js';
import { displaySafe } from './display-text.js';
import { natStateFor } from './steps/remove-nat.js';
import { servesInterface, startedByNetworkManager } from './steps/stop-dhcp.js';
import type { Plan } from './types.js';

/** The parts of a snapshot a plan's steps act on. */
export type PlanInputs = Pick<
  HostSnapshot,
  'links' | 'addresses' | 'routes' | 'rules' | 'dhcpClients' | 'netfilter'
>;

/** What differs, one sentence each for the operator; empty when the plan still fits the host. */
export function changesSincePlan(
  plan: Pick<Plan, 'nic' | 'bridge'>,
  before: PlanInputs,
  now: PlanInputs,
): string[] {
  const devices = [plan.nic, plan.bridge];
  return [
    ...differenceTexts(compareHostState(before, now, { devices })),
    ...clientChanges(clientsOf(before.dhcpClients, devices), clientsOf(now.dhcpClients, devices)),
    ...natChanges(natStateFor(before, plan.bridge).rules, natStateFor(now, plan.bridge).rules),
  ];
}

/** DHCP clients in our namespace that serve one of `devices` (NetworkManager's are its own). */
function clientsOf(clients: readonly DhcpClient[], devices: readonly string[]): DhcpClient[] {
  return clients.filter(
    (client) =>
      client.sameNetns &&
      !startedByNetworkManager(client) &&
      devices.some((device) => servesInterface(client, device)),
  );
}

function clientChanges(before: DhcpClient[], now: DhcpClient[]): string[] {
  const nowKeys = new Set(now.map(clientKey));
  const beforeKeys = new Set(before.map(clientKey));
  return [
    ...before
      .filter((client) => !nowKeys.has(clientKey(client)))
      .map((client) => `${clientText(client)} is no longer running`),
    ...now
      .filter((client) => !beforeKeys.has(clientKey(client)))
      .map((client) => `${clientText(client)} runs now and did not before`),
  ];
}

/** One process: the same pid started again (a reused pid) or with other arguments is another. */
function clientKey(client: DhcpClient): string {
  return JSON.stringify([
    client.pid,
    client.startTime ?? null,
    client.program,
    client.argv,
    client.exe,
    client.uid,
    client.euid,
  ]);
}

function clientText(client: DhcpClient): string {
  // argv is the process's own text: quoted and escaped, it cannot act on the operator's terminal.
  return `${client.program} (pid ${client.pid}: ${client.argv.map(shellQuote).join(' ')})`;
}

function natChanges(before: NatRule[], now: NatRule[]): string[] {
  const key = (rule: NatRule) =>
    JSON.stringify([rule.source, rule.family, rule.table, rule.chain, rule.spec, rule.handle, rule.position]);
  const nowKeys = new Set(now.map(key));
  const beforeKeys = new Set(before.map(key));
  return [
    ...before
      .filter((rule) => !nowKeys.has(key(rule)))
      .map((rule) => `the NAT rule "${displaySafe(rule.text)}" is gone or moved`),
    ...now
      .filter((rule) => !beforeKeys.has(key(rule)))
      .map((rule) => `the NAT rule "${displaySafe(rule.text)}" is new or moved`),
  ];
}
