/**
 * The persist hand-over at confirm needs a running renderer (txn/persist): netplan's config is
 * handed to systemd-networkd with `networkctl reload` over the system D-Bus, NetworkManager's
 * profiles through nmcli to the daemon. A host where that service is not there lets apply work,
 * then fails at confirm and reverts the change the operator just confirmed. Said before the
 * first change instead, with the way out. Unknown (a recording made before it was probed, or
 * --root-dir elsewhere for NetworkManager) keeps today's behaviour: no verdict.
 */
import type { HostSnapshot } from '../../host/snapshot.js';
import type { ConfigFile, Plan, Verdict } from '../types.js';
import { blocker, warning } from './verdict.js';

const RUNTIME_ONLY = 'or plan with --persist none to keep the change runtime-only';

export function handoverBlockers(
  snapshot: Pick<HostSnapshot, 'renderer'>,
  persistWith: Plan['persistWith'],
  config: readonly ConfigFile[],
): Verdict[] {
  if (config.length === 0) return [];
  const { networkd, networkManager } = snapshot.renderer;
  if (persistWith === 'netplan' && networkd.reachable === false) {
    // A warning, not a blocker: `busctl status` was seen failing inside the lab's networkd machine
    // where `networkctl reload` works, so the probe's "no" is not proof enough to refuse.
    return [
      warning(
        'persist-renderer-unreachable',
        'At confirm the netplan config is handed to systemd-networkd with `networkctl reload` over the system D-Bus, but systemd-networkd did not answer a status query there: if it still does not at confirm, confirm fails and reverts the change.',
        `Start systemd-networkd (and D-Bus), ${RUNTIME_ONLY}.`,
      ),
    ];
  }
  if (persistWith === 'networkmanager' && networkManager.available && !networkManager.running) {
    return [
      blocker(
        'persist-renderer-unreachable',
        'At confirm the NetworkManager profiles are handed to the daemon through nmcli, but NetworkManager is not running: confirm would fail and revert the change.',
        `Start NetworkManager, ${RUNTIME_ONLY}.`,
      ),
    ];
  }
  return [];
}
