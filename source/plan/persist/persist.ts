/**
 * The persistent config of a confirmed change, for the renderer chosen by --persist: files with
 * their current content, the content to write, and the diff between them. Nothing is written
 * here; txn/ writes these files only after the operator confirms.
 */
import type { PlanContext } from '../context.js';
import { warning } from '../preflight/verdict.js';
import { leaseKeeper } from '../steps/keep-lease.js';
import type { ConfigFile, Verdict } from '../types.js';
import { choosePersist, type PersistWith } from './choose.js';
import { firewallConfig } from './firewall.js';
import { ifupdownConfig } from './ifupdown.js';
import { netplanConfig } from './netplan.js';
import { networkManagerConfig } from './networkmanager.js';

export interface PersistPlan {
  with: PersistWith;
  files: ConfigFile[];
  verdicts: Verdict[];
}

/**
 * Nothing written on a DHCP uplink: the address lives on only while the runtime keeper renews it
 * (steps/keep-lease.ts), and a reboot brings back the old config. Say which keeper, so nobody
 * mistakes the change for a finished one. With no keeper the plan is blocked already.
 */
function unwrittenLease(context: PlanContext): Verdict[] {
  const keeper = leaseKeeper(context);
  if (keeper === 'none-needed' || keeper === 'nobody') return [];
  const { nic, bridge } = context.target;
  const who =
    keeper === 'networkd'
      ? `systemd-networkd, from a runtime file under /run/systemd/network`
      : keeper === 'networkmanager'
        ? 'NetworkManager, from an in-memory profile'
        : `${[...new Set(context.dhcpClients.map((client) => client.program))].join(' and ')} started again on ${bridge}`;
  return [
    warning(
      'no-persist-lease',
      `${nic}'s address is leased by DHCP and nothing is written to disk (persist: none): after the change only ${who} renews it on ${bridge}, runtime only; if that stops, the address ends with its lease, and a reboot brings back the old config.`,
      'Plan with --persist auto to have the renderer keep the lease, or write the bridge into your network config yourself after confirming.',
    ),
  ];
}

/**
 * The renderer's files, then the firewall files that lose the NAT the plan removes (firewall.ts).
 * With nothing persisted the firewall files stay too: the old network, NAT included, comes back at
 * reboot as a whole.
 */
export function buildPersist(context: PlanContext): PersistPlan {
  const plan = rendererPersist(context);
  if (plan.with === 'none') return plan;
  const firewall = firewallConfig(context);
  return {
    with: plan.with,
    files: [...plan.files, ...firewall.files],
    verdicts: [...plan.verdicts, ...firewall.verdicts],
  };
}

function rendererPersist(context: PlanContext): PersistPlan {
  const choice = choosePersist(context.request.persist, context.renderer.owner, context.target.nic);
  switch (choice.with) {
    case 'none':
      return { with: 'none', files: [], verdicts: [...choice.verdicts, ...unwrittenLease(context)] };
    case 'netplan': {
      const netplan = netplanConfig(context);
      return { with: 'netplan', files: netplan.files, verdicts: [...choice.verdicts, ...netplan.verdicts] };
    }
    case 'ifupdown': {
      const ifupdown = ifupdownConfig(context);
      return {
        with: 'ifupdown',
        files: ifupdown.files,
        verdicts: [...choice.verdicts, ...ifupdown.verdicts],
      };
    }
    case 'networkmanager':
      return { with: 'networkmanager', files: networkManagerConfig(context), verdicts: choice.verdicts };
    default: {
      const unreachable: never = choice.with;
      return unreachable;
    }
  }
}
