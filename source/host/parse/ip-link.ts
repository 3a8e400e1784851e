/**
 * `ip -j -d link` → Link[]. The kind comes from linkinfo.info_kind (absent for a plain NIC); the
 * details we need sit in linkinfo.info_data (bridge STP and forward delay, VLAN id, TUN/TAP type).
 * /sys facts (wireless, driver) are not in this output: the links probe fills them in afterwards.
 */
import type { Link } from '../snapshot.js';
import { isWholeNumber, MalformedHostValue, shown } from './host-values.js';
import { type JsonObject, num, obj, parseJsonArray, str, strings } from './json-fields.js';

const WHAT = 'ip -j -d link';

/** The kernel's ceiling on an interface index and an MTU (both are signed 32-bit in rtnetlink). */
const S32_MAX = 2147483647;
const MAC = /^[0-9a-f]{2}(?::[0-9a-f]{2}){5}$/i;

export function parseIpLinks(text: string): Link[] {
  return parseJsonArray(text, WHAT).map((entry) => toLink(checkedLink(entry)));
}

/**
 * The fields the planner copies into commands (the bridge takes the uplink's MAC and MTU), checked:
 * a value no kernel reports fails the probe with the field named instead of becoming MTU 0.
 */
function checkedLink(entry: JsonObject): JsonObject {
  const name = str(entry, 'ifname');
  if (!name) throw new MalformedHostValue(WHAT, `link ${shown(entry.ifindex ?? '?')}`, 'no ifname');
  if (!isWholeNumber(entry.ifindex, 1, S32_MAX))
    throw new MalformedHostValue(
      WHAT,
      name,
      `ifindex ${shown(entry.ifindex)} is not a positive whole number`,
    );
  if (!isWholeNumber(entry.mtu, 0, S32_MAX))
    throw new MalformedHostValue(WHAT, name, `mtu ${shown(entry.mtu)} is not a whole number of bytes`);
  // Only Ethernet-like hardware addresses are MACs; a tunnel's is an IP address or absent.
  if (str(entry, 'link_type') === 'ether') {
    for (const field of ['address', 'permaddr']) {
      const value = entry[field];
      if (value !== undefined && !(typeof value === 'string' && MAC.test(value)))
        throw new MalformedHostValue(WHAT, name, `${field} ${shown(value)} is not a MAC address`);
    }
  }
  return entry;
}

function toLink(entry: JsonObject): Link {
  const linkinfo = obj(entry, 'linkinfo');
  const kind = linkinfo ? str(linkinfo, 'info_kind') : null;
  const data = linkinfo ? obj(linkinfo, 'info_data') : null;
  const tunType = kind === 'tun' && data ? str(data, 'type') : null;
  return {
    ifindex: num(entry, 'ifindex') ?? 0,
    name: str(entry, 'ifname') ?? '',
    kind,
    tunType: tunType === 'tap' || tunType === 'tun' ? tunType : null,
    // A tun device (link_type none) has no hardware address at all.
    mac: str(entry, 'address'),
    // iproute2 prints permaddr only when the permanent address differs from the current one.
    permanentMac: str(entry, 'permaddr'),
    mtu: num(entry, 'mtu') ?? 0,
    // "ether" for Ethernet-like devices (NICs, veth, bond, bridge, tap); "loopback", "none" (tun),
    // "ipip", "ppp", ... for the devices that cannot be a bridge port.
    linkType: str(entry, 'link_type'),
    operstate: str(entry, 'operstate') ?? 'UNKNOWN',
    flags: strings(entry, 'flags'),
    master: str(entry, 'master'),
    // The port's own view of its master (info_slave_kind); the probe falls back to the master's kind.
    masterKind: linkinfo ? str(linkinfo, 'info_slave_kind') : null,
    // "link" also names a veth's peer; only for a VLAN is it the parent device.
    parent: kind === 'vlan' ? str(entry, 'link') : null,
    vlanId: kind === 'vlan' && data ? num(data, 'id') : null,
    wireless: false,
    driver: null,
    bridge: kind === 'bridge' ? bridgeAttributes(data) : null,
  };
}

/** forward_delay is in centiseconds (clock_t), as `ip link set ... type bridge forward_delay` takes it. */
function bridgeAttributes(data: JsonObject | null): Link['bridge'] {
  if (!data) return { stpState: null, forwardDelay: null };
  return { stpState: num(data, 'stp_state'), forwardDelay: num(data, 'forward_delay') };
}

/** Fills masterKind from the master's own kind when the port did not say (older kernels). */
export function withMasterKinds(links: Link[]): Link[] {
  const kindByName = new Map(links.map((link) => [link.name, link.kind]));
  return links.map((link) =>
    link.master && !link.masterKind ? { ...link, masterKind: kindByName.get(link.master) ?? null } : link,
  );
}
