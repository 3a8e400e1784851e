/**
 * Turn the operator's request into a concrete uplink and bridge, or say in a verdict why not. The
 * uplink defaults to the device of the IPv4 default route the kernel uses (lowest metric). Bad
 * input never throws: it becomes a blocker the preview shows with its fix.
 */
import type { HostSnapshot, Link, Route } from '../host/snapshot.js';
import { bridgeNameProblem, interfaceNameProblem } from './names.js';
import { uplinkIsBridge } from './preflight/already-bridged.js';
import { blocker } from './preflight/verdict.js';
import type { PlanRequest, Verdict } from './types.js';

export interface Target {
  nic: string;
  uplink: Link;
  bridge: string;
  /** The bridge as it exists today (the NAT setup), or null when it will be created. */
  existingBridge: Link | null;
}

export interface Resolution {
  /** Best names for the plan header even when unresolved. */
  nic: string;
  bridge: string;
  target: Target | null;
  verdicts: Verdict[];
}

export function resolveRequest(snapshot: HostSnapshot, request: PlanRequest): Resolution {
  const verdicts: Verdict[] = [];
  const bridge = request.bridge;
  const bridgeProblem = bridgeNameProblem(bridge);
  if (bridgeProblem) {
    verdicts.push(
      blocker(
        'invalid-bridge-name',
        `The bridge name "${bridge}" ${bridgeProblem}.`,
        'Pick a name of 1 to 15 letters, digits, "-" or "_" with --bridge, for example fcbr0.',
      ),
    );
  }

  const nic = request.nic ?? defaultRouteDevice(snapshot.routes);
  if (nic === null) {
    verdicts.push(
      blocker(
        'no-default-route',
        'There is no IPv4 default route, so there is no uplink to pick.',
        'Name the uplink with --nic, or bring up the network with a default route first.',
      ),
    );
    return { nic: '', bridge, target: null, verdicts };
  }
  const nicProblem = interfaceNameProblem(nic);
  if (nicProblem) {
    verdicts.push(
      blocker(
        'invalid-nic-name',
        `The interface name "${nic}" ${nicProblem}.`,
        'Give the uplink as `ip link` lists it with --nic.',
      ),
    );
    return { nic, bridge, target: null, verdicts };
  }
  const uplink = snapshot.links.find((link) => link.name === nic);
  if (!uplink) {
    const candidates = snapshot.links.filter((link) => link.name !== 'lo').map((link) => link.name);
    verdicts.push(
      blocker(
        'unknown-nic',
        `There is no interface named ${nic} on this host.`,
        `Give one of ${candidates.join(', ') || 'the host interfaces'} with --nic.`,
      ),
    );
    return { nic, bridge, target: null, verdicts };
  }
  if (bridgeProblem) return { nic, bridge, target: null, verdicts };

  const existing = snapshot.links.find((link) => link.name === bridge) ?? null;
  if (uplink.kind === 'bridge') {
    verdicts.push(uplinkIsBridge(snapshot, nic));
  } else if (nic === bridge) {
    verdicts.push(
      blocker(
        'nic-is-bridge',
        `The uplink and the bridge are both named ${nic}.`,
        'Give the bridge another name with --bridge.',
      ),
    );
  } else if (existing && existing.kind !== 'bridge') {
    verdicts.push(
      blocker(
        'bridge-name-taken',
        `${bridge} already exists and is a ${existing.kind ?? 'network device'}, not a bridge.`,
        'Give the bridge a name no device uses with --bridge.',
      ),
    );
  }
  if (verdicts.length > 0) return { nic, bridge, target: null, verdicts };
  return { nic, bridge, target: { nic, uplink, bridge, existingBridge: existing }, verdicts };
}

/** Device of the main table's IPv4 default route with the lowest metric (the one in use). */
export function defaultRouteDevice(routes: Route[]): string | null {
  const defaults = routes
    .filter(
      (route) =>
        route.family === 4 && route.table === 'main' && route.dst === 'default' && route.type === 'unicast',
    )
    .map((route, index) => ({
      route,
      index,
      dev: route.dev ?? route.nexthops.find((hop) => hop.dev)?.dev ?? null,
    }))
    .filter((candidate) => candidate.dev !== null)
    .sort((a, b) => (a.route.metric ?? 0) - (b.route.metric ?? 0) || a.index - b.index);
  return defaults[0]?.dev ?? null;
}
