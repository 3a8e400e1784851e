/**
 * Links from `ip -j -d link`, completed from /sys: a Wi-Fi device has /sys/class/net/IF/wireless
 * or /sys/class/net/IF/phy80211, and a device backed by hardware has a driver symlink
 * (/sys/class/net/IF/device/driver → .../drivers/virtio_net).
 */
import { posix } from 'node:path';
import { isValidInterfaceName } from '../../system/ifname.js';
import { parseIpLinks, withMasterKinds } from '../parse/ip-link.js';
import type { Link } from '../snapshot.js';
import { type ProbeContext, type ProbeOutcome, runRequired } from './context.js';

export const LINKS_ARGV = ['ip', '-j', '-d', 'link', 'show'] as const;

export async function probeLinks(context: ProbeContext): Promise<ProbeOutcome<Link[]>> {
  const links = withMasterKinds(parseIpLinks(await runRequired(context, LINKS_ARGV)));
  const completed = await Promise.all(links.map((link) => withSysFacts(context, link)));
  return { value: completed, note: null };
}

async function withSysFacts(context: ProbeContext, link: Link): Promise<Link> {
  // A name the planner would refuse is not worth a path either (and could not contain "/").
  if (!isValidInterfaceName(link.name)) return link;
  const base = `/sys/class/net/${link.name}`;
  const [wireless, phy, driver] = await Promise.all([
    context.files.listDir(`${base}/wireless`),
    context.files.listDir(`${base}/phy80211`),
    context.files.readLink(`${base}/device/driver`),
  ]);
  return {
    ...link,
    wireless: wireless !== null || phy !== null,
    driver: driver ? posix.basename(driver) : null,
  };
}
