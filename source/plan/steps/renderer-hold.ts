/**
 * The renderer hold: while the change is pending, the daemon that manages the uplink is told by
 * runtime-only config to keep its hands off the uplink and the bridge. Seen in the lab
 * (shared notes, lab-recipes.md): a restart of systemd-networkd with the old netplan config — what
 * any `netplan apply` or a package upgrade does — took the uplink out of the bridge, ran DHCP on it
 * again and killed the operator's TCP session. With the hold it does nothing to either link.
 *
 * It runs after the bridge is staged and before the cutover; its inverse removes the file, and
 * persisting (on confirm) replaces it with the renderer's real config. The file only takes effect
 * when the daemon next reads its config (a restart or reload), which is the event it guards
 * against: nothing is reloaded now, so the daemon running today is not disturbed.
 *
 * NetworkManager is not asked to reload its config (`nmcli general reload conf`) either: a device
 * that turns unmanaged while NM has it activated may be deconfigured by NM, which must never happen
 * to the uplink before the cutover; the file guards NM's next start, as it does networkd's.
 *
 * ifupdown runs no daemon (nothing re-reads /etc/network/interfaces by itself), and an uplink no
 * renderer manages has nobody to hold off: neither gets a hold; ifupdown gets a note saying why.
 */
import type { PlanContext } from '../context.js';
import { checkedName } from '../names.js';
import { info } from '../preflight/verdict.js';
import { checkedAddress, checkedNumber } from '../tokens.js';
import type { Command, Step, Verdict } from '../types.js';
import { movesLeasedAddress, nmcliDeviceManaged } from './keep-lease-nm.js';
import {
  type HoldFile,
  NETWORKCTL_RELOAD,
  networkdHoldFile,
  networkManagerHoldFile,
  removeHoldFile,
  writeHoldFile,
} from './renderer-hold-files.js';

export type HeldRenderer = 'networkd' | 'networkmanager';

/** networkd runs and manages `nic`: networkctl listed it, and not as unmanaged. */
export function networkdManages(renderer: PlanContext['renderer'], nic: string): boolean {
  const state = renderer.networkd.links[nic]?.setupState;
  return state !== undefined && state !== 'unmanaged';
}

/**
 * Which daemon would fight the pending change: the same rule as the `renderer-fights` verdict
 * (preflight/warnings.ts), so the promise the verdict makes and the step that keeps it agree.
 * A link the daemon already reports as unmanaged needs no hold.
 */
export function heldRenderer({
  renderer,
  target,
}: Pick<PlanContext, 'renderer' | 'target'>): HeldRenderer | null {
  const viaNetplan = renderer.owner === 'netplan';
  const networkdState = renderer.networkd.links[target.nic]?.setupState;
  const nmState = renderer.networkManager.devices[target.nic]?.state;
  if (
    (renderer.owner === 'networkd' || (viaNetplan && renderer.netplan.renderer !== 'NetworkManager')) &&
    networkdState !== 'unmanaged'
  )
    return 'networkd';
  if (
    (renderer.owner === 'networkmanager' || (viaNetplan && renderer.netplan.renderer === 'NetworkManager')) &&
    nmState !== 'unmanaged'
  )
    return 'networkmanager';
  return null;
}

export interface RendererHold {
  step: Step | null;
  verdicts: Verdict[];
}

export function buildRendererHold(
  context: Pick<PlanContext, 'renderer' | 'target' | 'state' | 'snapshot'>,
): RendererHold {
  const { nic, bridge } = context.target;
  const held = heldRenderer(context);
  if (held === 'networkd') {
    const step = holdStep('systemd-networkd', networkdHoldFile(nic, bridge), nic, bridge);
    if (!networkdManages(context.renderer, nic)) return { step, verdicts: [] };
    return {
      step: {
        ...step,
        detail: `${step.detail} The revert then runs networkctl reload, so networkd manages ${nic} again and renews its lease.`,
        inverse: [...step.inverse, ...networkdHandBack(context)],
      },
      verdicts: [],
    };
  }
  if (held === 'networkmanager') {
    const step = holdStep('NetworkManager', networkManagerHoldFile(nic, bridge), nic, bridge);
    // NetworkManager keeps a leased address in the window (keep-lease-nm.ts), which makes the uplink
    // unmanaged first; if that step stopped half way, this (which runs last) makes NM manage the
    // uplink again so that it autoconnects the uplink's own profile, which keeps the address the
    // revert put back and renews it. On a link NM manages already it changes nothing. No explicit
    // `nmcli connection up`: on a device NM has just autoconnected it re-activates the profile and
    // flushes the address (54 ms in the lab, NM 1.42).
    if (movesLeasedAddress(context)) step.inverse.push(nmcliDeviceManaged(nic, true));
    return { step, verdicts: [] };
  }
  if (context.renderer.owner === 'ifupdown') {
    return {
      step: null,
      verdicts: [
        info(
          'renderer-no-hold',
          `ifupdown runs no daemon that could take ${nic} back while the change is pending, so nothing needs holding off; only ifup, ifdown or a restart of networking.service would act on the old config.`,
          'Leave ifup, ifdown and networking.service alone until you confirm or the change reverts.',
        ),
      ],
    };
  }
  return { step: null, verdicts: [] };
}

/**
 * Hands the uplink back to networkd after the hold file is removed. Removing it changes nothing
 * until networkd reads its config again; if it read the hold in the window (the keep-lease step's
 * reload, or a restart), it leaves the uplink unmanaged and nobody renews its lease (seen: "rollback
 * left ens18 unmanaged"). `networkctl reload` makes it manage the uplink again (a link whose
 * matching file changed is reconfigured). networkd 252 then waits for the uplink's IPv6 link-local
 * address before calling it configured, but forgot that address while the link was unmanaged and
 * hears of it only from a new RTM_NEWADDR: seen in the lab, ens18 stayed "configuring" (DHCPv4 ran,
 * NDisc never started) until an `ip -6 addr replace` of the same address announced it again, after
 * which it was "configured". `networkctl reconfigure` did not help. So each link-local address the
 * uplink had is replaced by itself (same prefix, scope, and the kernel's forever lifetimes).
 */
function networkdHandBack({ snapshot, target }: Pick<PlanContext, 'snapshot' | 'target'>): Command[] {
  const nic = checkedName(target.nic);
  const linkLocal = snapshot.addresses.filter(
    (address) => address.ifname === target.nic && address.family === 6 && address.scope === 'link',
  );
  return [
    { kind: 'exec', argv: [...NETWORKCTL_RELOAD] },
    ...linkLocal.map((address) => ({
      kind: 'exec' as const,
      argv: [
        'ip',
        '-6',
        'addr',
        'replace',
        `${checkedAddress(address.local, 6)}/${checkedNumber(address.prefixlen, 'prefix length')}`,
        'dev',
        nic,
        'scope',
        'link',
      ],
    })),
  ];
}

function holdStep(daemon: string, file: HoldFile, nic: string, bridge: string): Step {
  return {
    id: 'renderer-hold',
    kind: 'renderer-hold',
    title: `Hold ${daemon} off ${nic} and ${bridge} until confirmed`,
    detail:
      `${file.path} tells ${daemon} to leave ${nic} and ${bridge} alone if it restarts or reloads while the ` +
      'change is pending (it would take the uplink back out of the bridge); runtime only, so a reboot drops ' +
      "it with the rest of the change. Revert removes it; the persist step replaces it with the renderer's own config.",
    disruptive: false,
    commands: [writeHoldFile(file)],
    inverse: [removeHoldFile(file)],
    expect: [{ kind: 'file-content', path: file.path, content: file.content }],
  };
}
