/**
 * Which renderer's config the confirmed change is written to. 'auto' follows whoever manages the
 * uplink today, so the boot-time config and the running system keep one owner; an explicit choice
 * is honoured, with a warning when it differs from that owner (both would configure the uplink).
 */
import type { RendererName } from '../../host/snapshot.js';
import { info, warning } from '../preflight/verdict.js';
import type { PersistChoice, Plan, Verdict } from '../types.js';

export type PersistWith = Plan['persistWith'];

const OWNER_NAMES: Record<RendererName, string> = {
  netplan: 'netplan',
  networkd: 'systemd-networkd .network files',
  networkmanager: 'NetworkManager',
  ifupdown: 'ifupdown (/etc/network/interfaces)',
  none: 'nothing',
};

export function choosePersist(
  requested: PersistChoice,
  owner: RendererName,
  nic: string,
): { with: PersistWith; verdicts: Verdict[] } {
  if (requested === 'none') {
    return {
      with: 'none',
      verdicts: [
        info(
          'no-persist',
          'Nothing is written to disk (--persist none), so a reboot brings back the old network.',
          'Write the bridge into your network config yourself after confirming, or plan again with --persist auto.',
        ),
      ],
    };
  }
  if (requested !== 'auto') {
    // Nothing else configures the uplink at boot when nothing manages it: no conflict to warn about.
    const owned = owner === requested || owner === 'none';
    return {
      with: requested,
      verdicts: owned
        ? []
        : [
            warning(
              'persist-not-owner',
              `${nic} is managed by ${OWNER_NAMES[owner]}, but the bridge would be written for ${requested}, so both would configure it at boot.`,
              `Use --persist auto, or remove ${nic} from ${OWNER_NAMES[owner]} yourself after confirming.`,
            ),
          ],
    };
  }
  if (owner === 'netplan' || owner === 'networkmanager' || owner === 'ifupdown')
    return { with: owner, verdicts: [] };
  const reason =
    owner === 'networkd'
      ? `${nic} is configured by hand-written systemd-networkd files, which this tool does not edit, so the bridge would last until reboot only.`
      : `Nothing manages ${nic} (no netplan, NetworkManager or ifupdown config names it), so the bridge would last until reboot only.`;
  return {
    with: 'none',
    verdicts: [
      warning(
        'persist-unsupported',
        reason,
        'Add the bridge to your boot-time network config yourself after confirming, or choose a renderer with --persist.',
      ),
    ],
  };
}
