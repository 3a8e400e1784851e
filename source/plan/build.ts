/**
 * buildPlan: HostSnapshot + request → Plan, a pure function. Bad input (an unknown NIC, an invalid
 * bridge name, a value that cannot be written into a command) becomes a blocker verdict with its
 * fix; it never throws for it.
 *
 * Step order: remove the bridge's NAT, stage the bridge, hold the renderer off the uplink and the
 * bridge (steps/renderer-hold.ts), stop the uplink's DHCP clients, cut over, keep the lease alive on
 * the bridge (steps/keep-lease.ts; the host's own DHCP client starts on the bridge just before the
 * cutover). Reverting runs the inverses in reverse, so the bridge's DHCP client is stopped before
 * the uplink's client is restarted, the addresses are back on the uplink before that, and the
 * bridge is torn down last.
 */
import type { HostSnapshot } from '../host/snapshot.js';
import { type PlanContext, planContext } from './context.js';
import { InvalidInterfaceName } from './names.js';
import { buildPersist } from './persist/persist.js';
import { blockers, pendingMigrationBlocker } from './preflight/blockers.js';
import { handoverBlockers } from './preflight/handover.js';
import { probeFailureBlockers } from './preflight/probe-failures.js';
import { unrevertableSteps } from './preflight/unrevertable.js';
import { blocker } from './preflight/verdict.js';
import { warnings } from './preflight/warnings.js';
import { resolveRequest } from './resolve.js';
import { buildCutoverStep } from './steps/cutover.js';
import { buildKeepLease } from './steps/keep-lease.js';
import { buildRemoveNatStep } from './steps/remove-nat.js';
import { buildRendererHold } from './steps/renderer-hold.js';
import { buildStageBridgeStep } from './steps/stage-bridge.js';
import { buildStopDhcpStep } from './steps/stop-dhcp.js';
import { UnplannableValue } from './tokens.js';
import { buildTopology } from './topology.js';
import type { ConfigFile, Plan, PlanRequest, Step, Verdict } from './types.js';

/** Blockers after which the steps would describe nonsense, so none are built. */
const STEPLESS = new Set([
  'uplink-has-master',
  'bridge-has-other-ports',
  // A device that cannot be a bridge port has no MAC to give the bridge and nothing to enslave.
  'uplink-is-loopback',
  'uplink-not-ethernet',
]);

export function buildPlan(snapshot: HostSnapshot, request: PlanRequest): Plan {
  const resolution = resolveRequest(snapshot, request);
  // A probe that failed left its part of the snapshot empty: any other verdict or step built on it
  // ("no default route", a cutover that moves no rules) would describe a host that does not exist.
  const probeFailures = probeFailureBlockers(snapshot);
  const pending = pendingMigrationBlocker(snapshot, request);
  const verdicts: Verdict[] = [
    ...(pending ? [pending] : []),
    ...(probeFailures.length > 0 ? probeFailures : resolution.verdicts),
  ];
  let steps: Step[] = [];
  let config: ConfigFile[] = [];
  let persistWith: Plan['persistWith'] = 'none';

  if (resolution.target && probeFailures.length === 0) {
    const context = planContext(snapshot, request, resolution.target);
    verdicts.push(...blockers(context), ...warnings(context));
    if (!verdicts.some((verdict) => STEPLESS.has(verdict.id))) {
      const built = guarded(() => buildSteps(context));
      if (built.ok) {
        steps = built.value.steps;
        verdicts.push(...built.value.verdicts, ...unrevertableSteps(steps));
      } else verdicts.push(built.verdict);
      const persist = guarded(() => buildPersist(context));
      if (persist.ok) {
        config = persist.value.files;
        persistWith = persist.value.with;
        verdicts.push(...persist.value.verdicts, ...handoverBlockers(snapshot, persistWith, config));
      } else verdicts.push(persist.verdict);
    }
  }

  return {
    request,
    nic: resolution.nic,
    bridge: resolution.bridge,
    verdicts,
    blocked: verdicts.some((verdict) => verdict.level === 'blocker'),
    steps,
    config,
    persistWith,
    topology:
      resolution.target && probeFailures.length === 0
        ? buildTopology(snapshot, resolution.nic, resolution.bridge)
        : { before: [], after: [] },
    deadlineSec: request.timeoutSec,
    replay: request.replay ?? null,
    snapshotTakenAt: snapshot.takenAt,
  };
}

function buildSteps(context: PlanContext): { steps: Step[]; verdicts: Verdict[] } {
  const { target, nat, dhcpClients, state } = context;
  const hold = buildRendererHold(context);
  const keep = buildKeepLease(context);
  const steps = [
    buildRemoveNatStep(context.snapshot, target.bridge, nat),
    buildStageBridgeStep({ bridge: target.bridge, uplink: target.uplink, existing: target.existingBridge }),
    hold.step,
    buildStopDhcpStep(dhcpClients, target.nic),
    keep.beforeCutover ? keep.step : null,
    buildCutoverStep({ nic: target.nic, bridge: target.bridge, state }),
    keep.beforeCutover ? null : keep.step,
  ];
  return {
    steps: steps.filter((step): step is Step => step !== null),
    verdicts: [...hold.verdicts, ...keep.verdicts],
  };
}

type Guarded<T> = { ok: true; value: T } | { ok: false; verdict: Verdict };

/** Values from the snapshot that cannot go into a command safely refuse the plan, with the reason. */
function guarded<T>(build: () => T): Guarded<T> {
  try {
    return { ok: true, value: build() };
  } catch (error) {
    if (!(error instanceof UnplannableValue || error instanceof InvalidInterfaceName)) throw error;
    return {
      ok: false,
      verdict: blocker(
        'unplannable',
        `The plan needs ${error.message}.`,
        'Rename or remove that setting on the host (or report it if it looks valid), then plan again.',
      ),
    };
  }
}
