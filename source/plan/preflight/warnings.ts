/**
 * Warnings: the migration can go ahead, but the operator must know this first (the preview asks
 * for an acknowledgement). Info verdicts state facts that need no action.
 */

import { isIpv6LinkLocal } from '../../system/ip-math.js';
import type { PlanContext } from '../context.js';
import { commandLine, planCommands } from '../operator-commands.js';
import { cloudInitOff, describeCloudInitDisabled } from '../persist/cloud-init-disabled.js';
import { dhcpClientsLeftAlone, whyNotOurs } from '../steps/stop-dhcp.js';
import type { Verdict } from '../types.js';
import { hypervisorWarnings } from './hypervisor.js';
import { info, warning } from './verdict.js';

/** Seconds a lease must outlast the deadline by: time to confirm and for the renderer to renew. */
export const LEASE_MARGIN_SEC = 120;

export function warnings(context: PlanContext): Verdict[] {
  return [
    ...sshWarnings(context),
    ...hypervisorWarnings(context.snapshot, context.target.uplink),
    ...netfilterWarnings(context),
    ...uplinkKindWarnings(context),
    ...addressWarnings(context),
    ...rendererWarnings(context),
    ...dhcpClientVerdicts(context),
    ...natVerdicts(context),
  ];
}

function sshWarnings({ snapshot, target, request }: PlanContext): Verdict[] {
  const ssh = snapshot.ssh;
  if (!ssh || ssh.viaDev !== target.nic) return [];
  return [
    warning(
      'ssh-over-uplink',
      `Your SSH session from ${ssh.clientAddr} arrives over ${target.nic}, the interface being moved.`,
      `If the session does not survive the cutover, the change reverts by itself after ${request.timeoutSec} s; confirm from a new session with \`${commandLine(planCommands(request).confirm)}\` to prove the new path works.`,
    ),
  ];
}

function netfilterWarnings({ snapshot, target }: PlanContext): Verdict[] {
  const filter = snapshot.netfilter;
  const nftDrop = filter.nftForwardDrop ?? [];
  // An unreadable sysctl (br_netfilter's module seen from a namespace on an old kernel) has the
  // kernel's default, 1.
  if (!filter.brNetfilterLoaded || filter.bridgeNfCallIptables === false) return [];
  if (filter.forwardPolicy !== 'DROP' && nftDrop.length === 0) return [];
  const bridge = target.bridge;
  const iptablesDrop = filter.forwardPolicy === 'DROP';
  const where = iptablesDrop
    ? 'the iptables FORWARD policy is DROP (as Docker sets it)'
    : `the nftables chain ${nftDrop[0]} drops by default`;
  const accept = iptablesDrop
    ? `\`iptables -I DOCKER-USER -i ${bridge} -o ${bridge} -j ACCEPT\` (or -I FORWARD without Docker)`
    : `\`nft insert rule ${nftDrop[0]} iifname "${bridge}" oifname "${bridge}" accept\``;
  const setting =
    filter.bridgeNfCallIptables === true
      ? 'bridge-nf-call-iptables=1'
      : 'bridge-nf-call-iptables at its default of 1';
  return [
    warning(
      'docker-forward-drop',
      `br_netfilter is loaded with ${setting} and ${where}, so traffic between guests and the LAN through ${bridge} would be dropped silently.`,
      `Accept it before applying, e.g. with ${accept}, or set net.bridge.bridge-nf-call-iptables=0.`,
    ),
  ];
}

function uplinkKindWarnings({ target }: PlanContext): Verdict[] {
  const { uplink, nic, bridge } = target;
  if (uplink.kind === 'bond') {
    return [
      warning(
        'bond-or-vlan-uplink',
        `${nic} is a bond, so guest MACs reach the switch over its member links and their hashing.`,
        `Make sure the switch ports accept more than one MAC (port security, LACP) before moving ${nic} into ${bridge}.`,
      ),
    ];
  }
  if (uplink.kind === 'vlan') {
    const on = uplink.parent ? ` on ${uplink.parent}` : '';
    return [
      warning(
        'bond-or-vlan-uplink',
        `${nic} is VLAN ${uplink.vlanId ?? '?'}${on}, so guests on ${bridge} will be on that VLAN only.`,
        'Check that this VLAN is the network the guests should join and that its DHCP server serves them.',
      ),
    ];
  }
  return [];
}

function addressWarnings({ snapshot, target, request }: PlanContext): Verdict[] {
  const verdicts: Verdict[] = [];
  const own = snapshot.addresses.filter((address) => address.ifname === target.nic);
  const slaac = own.filter(
    (address) => address.family === 6 && address.dynamic && !isIpv6LinkLocal(address.local),
  );
  if (slaac.length > 0) {
    verdicts.push(
      warning(
        'ipv6-slaac',
        `${target.nic} has IPv6 addresses from router advertisements (${slaac.map((a) => a.local).join(', ')}), which move to ${target.bridge} with their current lifetimes.`,
        `${target.bridge} must accept router advertisements to renew them (its renderer config or net.ipv6.conf.${target.bridge}.accept_ra); temporary addresses stay behind and the bridge makes new ones.`,
      ),
    );
  }
  const needed = request.timeoutSec + LEASE_MARGIN_SEC;
  for (const address of own) {
    if (address.family !== 4 || !address.dynamic || address.validLft === null || address.validLft >= needed)
      continue;
    verdicts.push(
      warning(
        'short-dhcp-lease',
        `The lease of ${address.local} on ${target.nic} runs out in ${address.validLft} s, before the ${request.timeoutSec} s deadline plus ${LEASE_MARGIN_SEC} s to persist, and nothing renews it while the change is pending.`,
        'Renew the lease first (restart the DHCP client, or `networkctl renew` under networkd), or give a shorter --timeout.',
      ),
    );
  }
  return verdicts;
}

function rendererWarnings({ renderer, target }: PlanContext): Verdict[] {
  const verdicts: Verdict[] = [];
  const { nic, bridge } = target;
  const viaNetplan = renderer.owner === 'netplan';
  const networkdRuns = renderer.networkd.links[nic]?.setupState;
  const nmDevice = renderer.networkManager.devices[nic];
  const byNetworkd =
    (renderer.owner === 'networkd' || (viaNetplan && renderer.netplan.renderer !== 'NetworkManager')) &&
    networkdRuns !== 'unmanaged';
  const byNm =
    (renderer.owner === 'networkmanager' || (viaNetplan && renderer.netplan.renderer === 'NetworkManager')) &&
    nmDevice?.state !== 'unmanaged';
  if (byNetworkd || byNm) {
    const daemon = byNetworkd ? 'systemd-networkd' : 'NetworkManager';
    const trigger = byNetworkd
      ? 'on its next restart (any `netplan apply`, a package upgrade)'
      : 'when it re-activates the device';
    verdicts.push(
      warning(
        'renderer-fights',
        `${daemon} manages ${nic} and would take it back out of ${bridge} ${trigger} while the change is pending.`,
        `The tool holds ${daemon} off ${nic} and ${bridge} with runtime-only config under /run until you confirm or it reverts; do not apply network config by hand meanwhile.`,
      ),
    );
  }
  // cloud-init's header on the file says who wrote it, not who will write it again: only while its
  // network config is enabled (the probe read cloud.cfg and cloud.cfg.d) would it undo the bridge.
  if (viaNetplan && renderer.cloudInitNetwork) {
    const cloudFile = renderer.netplan.files.find(
      (file) => file.path === renderer.netplan.uplinkFile && file.cloudInit,
    );
    verdicts.push(
      warning(
        'cloud-init-owns-netplan',
        cloudFile
          ? `cloud-init wrote ${cloudFile.path} for ${nic} and may write it again from its datasource, undoing the bridge.`
          : `cloud-init's network config is enabled on this host, so it may write netplan config for ${nic} again from its datasource, undoing the bridge.`,
        'On confirm the tool edits the netplan config and disables cloud-init network config in /etc/cloud/cloud.cfg.d; keep it disabled while the bridge is in use.',
      ),
    );
  }
  // A file cloud-init wrote, on a host where cloud-init no longer runs: the file is simply ours.
  const off = viaNetplan ? cloudInitOff(renderer) : null;
  const writtenByCloudInit = renderer.netplan.files.find(
    (file) => file.path === renderer.netplan.uplinkFile && file.cloudInit,
  );
  if (off && writtenByCloudInit) {
    verdicts.push(
      info(
        'cloud-init-disabled',
        `${describeCloudInitDisabled(off)}, so it does not write ${writtenByCloudInit.path} again and does not own it.`,
        `On confirm the tool edits ${writtenByCloudInit.path} itself and writes no cloud-init drop-in; if you enable cloud-init again, disable its network config in /etc/cloud/cloud.cfg.d first.`,
      ),
    );
  }
  return verdicts;
}

function dhcpClientVerdicts({ snapshot, target, dhcpClients }: PlanContext): Verdict[] {
  const verdicts: Verdict[] = [];
  for (const client of dhcpClients.filter((candidate) => candidate.ifname === null)) {
    verdicts.push(
      warning(
        'dhcp-client-global',
        `${client.program} (pid ${client.pid}) serves every interface, not only ${target.nic}, and is stopped with it, so other interfaces stop renewing too.`,
        'Restart it for the other interfaces after confirming, or let the renderer take over their leases.',
      ),
    );
  }
  for (const client of dhcpClientsLeftAlone(snapshot.dhcpClients, target.nic)) {
    verdicts.push(
      warning(
        'dhcp-client-not-ours',
        `${client.program} ${whyNotOurs(client)}: left alone (never signalled, never restarted), though it names ${client.ifname ?? 'every interface'}.`,
        `If it really is ${target.nic}'s DHCP client, stop it as its owner before applying; a process that only calls itself ${client.program} needs nothing.`,
      ),
    );
  }
  const foreign = snapshot.dhcpClients.filter((client) => !client.sameNetns && client.ifname === target.nic);
  if (foreign.length > 0) {
    verdicts.push(
      info(
        'dhcp-client-other-netns',
        `${foreign.map((client) => `${client.program} (pid ${client.pid})`).join(', ')} ${foreign.length === 1 ? 'serves' : 'serve'} an interface named ${target.nic} in another network namespace.`,
        `Nothing to do: ${foreign.length === 1 ? 'it belongs' : 'they belong'} to another network stack and ${foreign.length === 1 ? 'is' : 'are'} left alone.`,
      ),
    );
  }
  return verdicts;
}

function natVerdicts({ snapshot, target, nat }: PlanContext): Verdict[] {
  if (nat.rules.length === 0 && nat.addresses.length === 0) return [];
  const taps = snapshot.links.filter((link) => link.master === target.bridge && link.tunType === 'tap');
  const parts = [
    nat.rules.length > 0 ? `${nat.rules.length} MASQUERADE rule${nat.rules.length === 1 ? '' : 's'}` : null,
    nat.addresses.length > 0
      ? `address ${nat.addresses.map((a) => `${a.local}/${a.prefixlen}`).join(', ')}`
      : null,
  ].filter(Boolean);
  const reason = `${target.bridge} is set up for NAT today (${parts.join(', ')}), which is removed so guests join the LAN.`;
  // guest-config (DESIGN.md) is not built yet: the fix must not name a command that does not exist.
  const fix = `Guests must take LAN addresses by DHCP afterwards (configure DHCP on each guest's interface); their NAT addresses stop working.`;
  return [taps.length > 0 ? warning('existing-nat', reason, fix) : info('existing-nat', reason, fix)];
}
