/**
 * Keep the uplink's DHCP lease alive on the bridge from the cutover on. The cutover moves a dynamic
 * address with only its remaining lifetime, and the stop-dhcp step stopped whoever renewed it, so
 * without this step the bridge loses its address when the lease ends (seen in the lab: a 2-minute
 * lease, confirmed, and 130 s later no IPv4 and no default route). A real DHCP client renews it on
 * the bridge with the identity the uplink's lease used (client id, or DUID+IAID), because a server
 * that binds leases by client id would otherwise hand out another address.
 *
 * Who renews it depends on who renewed it on the uplink:
 * - systemd-networkd: the renderer hold becomes runtime .network files for the bridge (DHCP, the
 *   same identity) and its port (keep-lease-networkd.ts);
 * - NetworkManager: an in-memory profile runs NM's DHCP client on the bridge (keep-lease-nm.ts);
 * - a DHCP client the host runs by itself or through ifupdown: the same program started again on the
 *   bridge (keep-lease-client.ts);
 * - anything else: a blocker with the reason, because the tool never leaves a lease to lapse.
 *
 * The step runs after the cutover (the bridge has the address by then), except a client's, which
 * starts just before it (keep-lease-client.ts says why). A revert stops the bridge's client before
 * the uplink's is started again.
 */
import type { PlanContext } from '../context.js';
import { blocker } from '../preflight/verdict.js';
import type { Step, Verdict } from '../types.js';
import { clientKeepLease } from './keep-lease-client.js';
import { networkdKeepLease } from './keep-lease-networkd.js';
import { networkManagerKeepLease } from './keep-lease-nm.js';
import { heldRenderer } from './renderer-hold.js';

export interface KeepLease {
  step: Step | null;
  verdicts: Verdict[];
  /**
   * The step goes before the cutover instead of after it: a DHCP client started on the bridge
   * flushes it at start-up, which must happen while the bridge has nothing to lose
   * (keep-lease-client.ts). Its inverse then still runs after the cutover's inverse.
   */
  beforeCutover?: boolean;
}

export type LeaseKeeper = 'none-needed' | 'networkd' | 'networkmanager' | 'client' | 'nobody';

/**
 * Who renews the moved lease on the bridge; 'none-needed' when the uplink has no leased IPv4
 * address: none is dynamic and no DHCP client serves it. A running client counts even when the
 * address is not dynamic: Debian's client scripts add the leased address without a lifetime
 * (udhcpc's default.script with ifconfig, dhclient-script with `ip addr add`), so the kernel keeps
 * it, but the server hands it to someone else once the lease ends unrenewed.
 */
export function leaseKeeper(
  context: Pick<PlanContext, 'renderer' | 'target' | 'state' | 'dhcpClients'>,
): LeaseKeeper {
  const dynamic = context.state.addresses.some(
    (moved) => moved.address.family === 4 && moved.address.dynamic,
  );
  if (!dynamic && context.dhcpClients.length === 0) return 'none-needed';
  const held = heldRenderer(context);
  if (held !== null) return held;
  return context.dhcpClients.length > 0 ? 'client' : 'nobody';
}

export function buildKeepLease(context: PlanContext): KeepLease {
  const keeper = leaseKeeper(context);
  switch (keeper) {
    case 'none-needed':
      return { step: null, verdicts: [] };
    case 'networkd':
      return networkdKeepLease(context);
    case 'client':
      return clientKeepLease(context);
    case 'networkmanager':
      return networkManagerKeepLease(context);
    case 'nobody':
      return {
        step: null,
        verdicts: [
          blocker(
            'lease-no-keeper',
            `${context.target.nic}'s IPv4 address is leased by DHCP, but no renderer or DHCP client that this tool can start again on ${context.target.bridge} renews it, so the address would end with the lease.`,
            `Run the host's DHCP client (dhclient, udhcpc or dhcpcd) as root on ${context.target.nic}, or give it a static address, then plan again.`,
          ),
        ],
      };
    default: {
      const unreachable: never = keeper;
      return unreachable;
    }
  }
}
