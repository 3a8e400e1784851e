/**
 * `ip -j addr` → Address[]. Lifetimes are seconds; the kernel's INFINITY_LIFE_TIME (0xffffffff)
 * means forever and becomes null. iproute2 prints "dynamic" when the kernel did not mark the address
 * IFA_F_PERMANENT, i.e. it has a finite lifetime: set by a DHCP client, or learned by SLAAC.
 */
import type { Address, Family } from '../snapshot.js';
import { type JsonObject, num, parseJsonArray, str } from './json-fields.js';

const FOREVER = 4294967295;

/** Keys of addr_info that are data, not kernel flags. */
const DATA_KEYS = new Set([
  'family',
  'local',
  'address',
  'prefixlen',
  'scope',
  'broadcast',
  'label',
  'valid_life_time',
  'preferred_life_time',
  'dynamic',
  'metric',
]);

export function parseIpAddresses(text: string): Address[] {
  const addresses: Address[] = [];
  for (const link of parseJsonArray(text, 'ip -j addr')) {
    const ifname = str(link, 'ifname') ?? '';
    const infos = Array.isArray(link.addr_info) ? (link.addr_info as unknown[]) : [];
    for (const info of infos) {
      if (typeof info !== 'object' || info === null) continue;
      const address = toAddress(ifname, info as JsonObject);
      if (address) addresses.push(address);
    }
  }
  return addresses;
}

function toAddress(ifname: string, info: JsonObject): Address | null {
  const family = familyOf(str(info, 'family'));
  const local = str(info, 'local');
  const prefixlen = num(info, 'prefixlen');
  if (!family || !local || prefixlen === null) return null;
  // On a point-to-point address ip prints the peer as "address" next to "local".
  const address = str(info, 'address');
  return {
    ifname,
    family,
    local,
    prefixlen,
    scope: str(info, 'scope') ?? 'global',
    dynamic: info.dynamic === true,
    validLft: lifetime(num(info, 'valid_life_time')),
    preferredLft: lifetime(num(info, 'preferred_life_time')),
    broadcast: str(info, 'broadcast'),
    peer: address && address !== local ? address : null,
    label: str(info, 'label'),
    flags: Object.keys(info).filter((key) => !DATA_KEYS.has(key) && info[key] === true),
    metric: num(info, 'metric'),
  };
}

function familyOf(name: string | null): Family | null {
  if (name === 'inet') return 4;
  if (name === 'inet6') return 6;
  return null;
}

function lifetime(seconds: number | null): number | null {
  return seconds === null || seconds === FOREVER ? null : seconds;
}
