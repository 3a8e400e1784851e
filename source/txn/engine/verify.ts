/**
 * After each step: is the host in the state the step promises (its `expect` list)? Read from a
 * fresh look at the host (host-state.ts), never from what the commands returned: a command can
 * succeed and still leave something else in place (a renderer re-adding an address, a route the
 * kernel flushed when an address left).
 */
import type { HostState } from '../../host/compare.js';
import type { HostSnapshot, Route } from '../../host/snapshot.js';
import type { Expectation } from '../../plan/types.js';
import { waitUntilGone } from './dhcp-guard.js';
import type { EngineContext } from './engine-context.js';
import { readHostState } from './host-state.js';
import { waitUntilSettled } from './started-client.js';

/** Expectations checked on their own, not against the host's links, addresses and routes. */
type OwnCheck = 'process-gone' | 'process-running' | 'file-content';
const OWN_CHECKS: ReadonlySet<Expectation['kind']> = new Set<OwnCheck>([
  'process-gone',
  'process-running',
  'file-content',
]);

/** Sentences for each expectation the host does not meet; empty when all hold. */
export async function unmetExpectations(
  context: EngineContext,
  expectations: readonly Expectation[],
  preState: Pick<HostSnapshot, 'dhcpClients'>,
): Promise<string[]> {
  if (expectations.length === 0) return [];
  const needsState = expectations.some((expectation) => !OWN_CHECKS.has(expectation.kind));
  const state = needsState ? await readHostState(context) : null;
  const problems: string[] = [];
  for (const expectation of expectations) {
    if (expectation.kind === 'process-gone') {
      const argv = preState.dhcpClients.find((client) => client.pid === expectation.pid)?.argv ?? [];
      if (!(await waitUntilGone(context, expectation.pid, argv)))
        problems.push(`pid ${expectation.pid} is still running`);
      continue;
    }
    if (expectation.kind === 'process-running') {
      const started = await waitUntilSettled(context, expectation.argv);
      if (started === 'not-running') problems.push(`${expectation.argv.join(' ')} is not running`);
      if (started === 'busy') problems.push(`${expectation.argv.join(' ')} has not settled after starting`);
      continue;
    }
    if (expectation.kind === 'file-content') {
      const problem = await fileProblem(context, expectation);
      if (problem) problems.push(problem);
      continue;
    }
    const problem = stateProblem(state as HostState, expectation);
    if (problem) problems.push(problem);
  }
  return problems;
}

export function stateProblem(
  state: HostState,
  expectation: Exclude<Expectation, { kind: OwnCheck }>,
): string | null {
  switch (expectation.kind) {
    case 'link-exists': {
      const link = state.links.find((candidate) => candidate.name === expectation.ifname);
      if (!link) return `${expectation.ifname} does not exist`;
      const wrong: string[] = [];
      if (expectation.mac && link.mac?.toLowerCase() !== expectation.mac.toLowerCase())
        wrong.push(`MAC ${link.mac}, not ${expectation.mac}`);
      if (link.mtu !== expectation.mtu) wrong.push(`MTU ${link.mtu}, not ${expectation.mtu}`);
      if (expectation.up && !link.flags.includes('UP')) wrong.push('down, not up');
      return wrong.length > 0 ? `${expectation.ifname} has ${wrong.join(', ')}` : null;
    }
    case 'link-master': {
      const link = state.links.find((candidate) => candidate.name === expectation.ifname);
      if (!link) return `${expectation.ifname} does not exist`;
      return link.master === expectation.master
        ? null
        : `${expectation.ifname}'s master is ${link.master ?? 'none'}, not ${expectation.master ?? 'none'}`;
    }
    case 'address-on':
    case 'address-absent': {
      const present = state.addresses.some(
        (address) =>
          address.ifname === expectation.ifname &&
          address.family === expectation.family &&
          address.local === expectation.local &&
          address.prefixlen === expectation.prefixlen,
      );
      const text = `${expectation.local}/${expectation.prefixlen}`;
      if (expectation.kind === 'address-on')
        return present ? null : `${text} is not on ${expectation.ifname}`;
      return present ? `${text} is still on ${expectation.ifname}` : null;
    }
    case 'route-via': {
      const found = state.routes.some((route) => routeMatches(route, expectation));
      if (found) return null;
      const via = expectation.gateway ? ` via ${expectation.gateway}` : '';
      const table = expectation.table === 'main' ? '' : ` (table ${expectation.table})`;
      return `no route ${expectation.dst}${via} dev ${expectation.dev}${table}`;
    }
    default: {
      const unreachable: never = expectation;
      return unreachable;
    }
  }
}

/** Read back through the same root-dir-aware module that wrote it. */
async function fileProblem(
  context: EngineContext,
  expectation: Extract<Expectation, { kind: 'file-content' }>,
): Promise<string | null> {
  try {
    const content = await context.runtimeFiles.read(context.rootDir, expectation.path);
    if (content === null) return `${expectation.path} does not exist`;
    return content === expectation.content ? null : `${expectation.path} does not hold what was written`;
  } catch (error) {
    return `${expectation.path} cannot be read: ${(error as Error).message}`;
  }
}

function routeMatches(route: Route, expected: Extract<Expectation, { kind: 'route-via' }>): boolean {
  if (route.family !== expected.family || route.table !== expected.table) return false;
  if (normalDst(route.dst) !== normalDst(expected.dst) || route.metric !== expected.metric) return false;
  const hops = route.nexthops.length > 0 ? route.nexthops : [{ dev: route.dev, gateway: route.gateway }];
  return hops.some(
    (hop) => hop.dev === expected.dev && (expected.gateway === null || hop.gateway === expected.gateway),
  );
}

function normalDst(dst: string): string {
  return dst === '0.0.0.0/0' || dst === '::/0' ? 'default' : dst;
}
