/**
 * `ip -j -d link` → Link[]. The kind comes from linkinfo.info_kind (absent for a plain NIC); the
 * details we need sit in linkinfo.info_data (bridge STP and forward delay, VLAN id, TUN/TAP type).
 * /sys facts (wireless, driver) are not in this output: the links probe fills them in afterwards.
 */
import type { Link } from '../snapshot.js';
import { type JsonObject, num, obj, parseJsonArray, str, strings } from './json-fields.js';

export function parseIpLinks(text: string): Link[] {
  return parseJsonArray(text, 'ip -j -d link').map(toLink);
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
