/**
 * Everything the planner's parts share about one request, derived once from the snapshot: the
 * resolved uplink and bridge, who manages the uplink, and what would move.
 */
import { rendererOwnerFor } from '../host/renderer-owner.js';
import type { DhcpClient, HostSnapshot, Renderer } from '../host/snapshot.js';
import type { Target } from './resolve.js';
import { type NatState, natStateFor } from './steps/remove-nat.js';
import { dhcpClientsServing } from './steps/stop-dhcp.js';
import type { PlanRequest } from './types.js';
import { type UplinkState, uplinkState } from './uplink-state.js';

export interface PlanContext {
  snapshot: HostSnapshot;
  request: PlanRequest;
  target: Target;
  /** Who manages the uplink (the snapshot's own answer may be about another interface). */
  renderer: Renderer;
  state: UplinkState;
  nat: NatState;
  /** DHCP clients the plan stops. */
  dhcpClients: DhcpClient[];
}

export function planContext(snapshot: HostSnapshot, request: PlanRequest, target: Target): PlanContext {
  return {
    snapshot,
    request,
    target,
    renderer: rendererOwnerFor(snapshot, target.nic),
    state: uplinkState(snapshot, target.nic),
    // A bridge the uplink is already a port of carries the LAN itself: its addresses are not NAT.
    nat:
      target.existingBridge && target.uplink.master !== target.bridge
        ? natStateFor(snapshot, target.bridge)
        : { rules: [], addresses: [], routes: [] },
    dhcpClients: dhcpClientsServing(snapshot.dhcpClients, target.nic),
  };
}
