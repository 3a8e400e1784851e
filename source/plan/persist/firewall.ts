/**
 * The boot-time firewall files of a host whose NAT for the bridge the plan removes (steps/
 * remove-nat.ts): the MASQUERADE rules the step deletes at runtime come out of
 * /etc/iptables/rules.v4 and /etc/nftables.conf too, or a reboot would load them again. Written at
 * confirm with the renderer's files (backed up, checked by their own tool: `iptables-restore
 * --test`, `nft -c`). A file the planner cannot edit exactly is left as it is, with a warning that
 * names the line and what to do, never half edited.
 */
import { withBridgeOwners } from '../../host/nat-owner.js';
import type { NatRule, PersistedFirewallFile } from '../../host/snapshot.js';
import type { PlanContext } from '../context.js';
import { warning } from '../preflight/verdict.js';
import { natRuleServes } from '../steps/remove-nat.js';
import type { ConfigCheck, ConfigFile, Verdict } from '../types.js';
import { configFile } from './diff.js';
import type { BridgeNat, FirewallEdit } from './firewall-edit.js';
import { removeIptablesRules } from './firewall-iptables.js';
import { type NftEdit, removeNftRules } from './firewall-nft.js';

const FORMATS: Record<
  PersistedFirewallFile['format'],
  {
    source: NatRule['source'];
    check: ConfigCheck;
    edit: (content: string, removed: readonly NatRule[], bridge: BridgeNat) => FirewallEdit | NftEdit;
  }
> = {
  'iptables-save': { source: 'iptables', check: 'iptables-restore', edit: removeIptablesRules },
  nft: { source: 'nftables', check: 'nft', edit: removeNftRules },
};

export function firewallConfig(context: PlanContext): { files: ConfigFile[]; verdicts: Verdict[] } {
  const { nat, snapshot, target } = context;
  const files: ConfigFile[] = [];
  const verdicts: Verdict[] = [];
  // Only when the plan removes the bridge's NAT; a recording without these files says nothing.
  if (nat.rules.length === 0 && nat.addresses.length === 0) return { files, verdicts };
  const bridge: BridgeNat = {
    name: target.bridge,
    serves: (rule) =>
      natRuleServes(
        withBridgeOwners([rule], snapshot.links, snapshot.addresses)[0] as NatRule,
        target.bridge,
        nat.addresses,
      ),
  };
  for (const file of snapshot.netfilter.persistedFiles ?? []) {
    const format = FORMATS[file.format];
    const removed = nat.rules.filter((rule) => rule.source === format.source);
    if (file.content === null) {
      if (removed.length > 0) verdicts.push(unedited(file.path, file.problem ?? 'it cannot be read', bridge));
      continue;
    }
    const edit = format.edit(file.content, removed, bridge);
    if (edit.kind === 'refused') {
      verdicts.push(unedited(file.path, edit.problem, bridge));
      continue;
    }
    if ('includes' in edit && edit.includes && edit.unmatched.length > 0)
      verdicts.push(includedUnread(file.path, edit.includes, bridge));
    if (edit.removedLines.length === 0) continue;
    const count = edit.removedLines.length;
    files.push({
      ...configFile(
        file.path,
        'firewall',
        file.content,
        edit.after,
        `${count === 1 ? 'the MASQUERADE rule' : `${count} MASQUERADE rules`} for ${bridge.name} that the NAT step deletes, so a reboot does not load ${count === 1 ? 'it' : 'them'} again; checked with ${format.check === 'nft' ? 'nft -c' : 'iptables-restore --test'}`,
      ),
      check: format.check,
    });
  }
  return { files, verdicts };
}

function unedited(path: string, problem: string, bridge: BridgeNat): Verdict {
  return warning(
    'firewall-file-unedited',
    `${path} is not changed, because ${problem}: if it loads NAT for ${bridge.name} at boot, a reboot brings that NAT back.`,
    `After confirming, remove the MASQUERADE rules for ${bridge.name} from ${path} yourself.`,
  );
}

function includedUnread(path: string, includes: string[], bridge: BridgeNat): Verdict {
  return warning(
    'firewall-include-unread',
    `${path} includes ${includes.join(', ')}, which are not read: a masquerade rule for ${bridge.name} there would come back at reboot.`,
    `After confirming, remove any masquerade rule for ${bridge.name} from those files yourself.`,
  );
}
