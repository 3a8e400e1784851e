/**
 * systemd-networkd keeps the lease: the renderer hold becomes runtime .network files for the
 * bridge (DHCP with the uplink lease's identity) and its port. Being built (issue 9).
 */
import type { PlanContext } from '../context.js';
import type { KeepLease } from './keep-lease.js';

export function networkdKeepLease(_context: PlanContext): KeepLease {
  return { step: null, verdicts: [] };
}
