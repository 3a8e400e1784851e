/**
 * Blockers: facts that make the migration unsafe or impossible. The plan is still built and shown
 * where it can be (the preview explains what would happen), but it must not be applied.
 */

import type { HostSnapshot } from '../../host/snapshot.js';
import type { PlanContext } from '../context.js';
import { pendingMigrationFix, planCommands } from '../operator-commands.js';
import type { PlanRequest, Verdict } from '../types.js';
import { portHasNoAddress, uplinkHasMaster } from './already-bridged.js';
import { uplinkNotEthernet } from './uplink-kind.js';
import { blocker } from './verdict.js';

const CLOUD_NAMES: Record<string, string> = {
  aws: 'AWS EC2',
  gcp: 'Google Cloud',
  azure: 'Azure',
  oracle: 'Oracle Cloud',
  digitalocean: 'DigitalOcean',
};

/**
 * Another migration's journal is still open in this state directory. Checked before the target is
 * resolved, and listed first: the uplink it moved is a bridge port now, so "already bridged,
 * nothing to migrate" alone would hide the change that still waits for a confirm or a rollback.
 */
export function pendingMigrationBlocker(
  snapshot: Pick<HostSnapshot, 'pendingMigration'>,
  request: Pick<PlanRequest, 'commands'>,
): Verdict | null {
  const pending = snapshot.pendingMigration;
  if (!pending) return null;
  const fix = pendingMigrationFix(pending.phase, planCommands(request));
  return blocker(
    'migration-pending',
    `Another migration (${pending.nic} into ${pending.bridge}) is not finished: its journal says ${pending.phase}.`,
    `${fix.charAt(0).toUpperCase()}${fix.slice(1)}.`,
  );
}

export function blockers(context: PlanContext): Verdict[] {
  const { snapshot, request, target } = context;
  const { nic, uplink, bridge } = target;
  const verdicts: Verdict[] = [];

  if (!snapshot.isRoot) {
    verdicts.push(
      blocker(
        'not-root',
        'Applying changes links, addresses and routes, which needs root; this preview changes nothing.',
        'Run it again as root (sudo bridge-migrate) to apply.',
      ),
    );
  }
  if (!Number.isInteger(request.timeoutSec) || request.timeoutSec < 10) {
    verdicts.push(
      blocker(
        'invalid-timeout',
        `A deadline of ${request.timeoutSec} s leaves no time to confirm the change.`,
        'Give --timeout a whole number of seconds, 10 or more (default 120).',
      ),
    );
  }
  if (snapshot.virt.cloud) {
    const cloud = CLOUD_NAMES[snapshot.virt.cloud] ?? snapshot.virt.cloud;
    verdicts.push(
      blocker(
        'public-cloud',
        `This is ${withArticle(cloud)} instance, whose network drops frames from MAC addresses it did not assign, so bridged guests would get no traffic.`,
        'Use NAT or routed mode for the guests instead (keep the NAT bridge, or route a subnet to them).',
      ),
    );
  }
  if (uplink.wireless) {
    verdicts.push(
      blocker(
        'wifi-uplink',
        `${nic} is Wi-Fi, and an access point accepts only the station's own MAC, so a bridge cannot carry guests over it.`,
        'Use a wired uplink with --nic, or NAT or routed mode for the guests.',
      ),
    );
  }
  const notEthernet = uplinkNotEthernet(nic, uplink);
  if (notEthernet) verdicts.push(notEthernet);
  if (uplink.master) verdicts.push(uplinkHasMaster(uplink, bridge, planCommands(request).status));
  const otherPorts = snapshot.links.filter(
    (link) => link.master === bridge && link.name !== nic && link.tunType !== 'tap',
  );
  if (target.existingBridge && otherPorts.length > 0) {
    verdicts.push(
      blocker(
        'bridge-has-other-ports',
        `${bridge} already has ports other than TAP devices (${otherPorts.map((link) => link.name).join(', ')}), which would end up on the LAN too.`,
        `Remove them from ${bridge} first, or pick a new bridge name with --bridge.`,
      ),
    );
  }
  const hasIpv4 = snapshot.addresses.some((address) => address.ifname === nic && address.family === 4);
  if (!hasIpv4 && uplink.master) verdicts.push(portHasNoAddress(uplink, bridge));
  else if (!hasIpv4) {
    verdicts.push(
      blocker(
        'no-ipv4-on-uplink',
        `${nic} has no IPv4 address, so there is no LAN for guests to get DHCP leases on.`,
        `Bring ${nic} up with its address first, or name the right uplink with --nic.`,
      ),
    );
  }
  return verdicts;
}

/** "an AWS EC2", "a Google Cloud": every cloud name here is read as it is spelled. */
export function withArticle(name: string): string {
  return `${/^[aeiou]/i.test(name) ? 'an' : 'a'} ${name}`;
}
