/**
 * `ip -j addr` → Address[]. Lifetimes are seconds; the kernel's INFINITY_LIFE_TIME (0xffffffff)
 * means forever and becomes null. iproute2 prints "dynamic" when the kernel did not mark the address
 * IFA_F_PERMANENT, i.e. it has a finite lifetime: set by a DHCP client, or learned by SLAAC.
 */
import type { Address, Family } from '../snapshot.js';
import {
  addressBitsOf,
  checkOptionalAddress,
  checkOptionalNumber,
  isAddressOf,
  isWholeNumber,
  MalformedHostValue,
  shown,
  U32_MAX,
} from './host-values.js';
import { isObject, type JsonObject, num, parseJsonArray, str } from './json-fields.js';

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

const WHAT = 'ip -j addr';

export function parseIpAddresses(text: string): Address[] {
  const addresses: Address[] = [];
  for (const link of parseJsonArray(text, WHAT)) {
    const ifname = str(link, 'ifname');
    if (!ifname) throw new MalformedHostValue(WHAT, `link ${shown(link.ifindex ?? '?')}`, 'no ifname');
    const infos = Array.isArray(link.addr_info) ? (link.addr_info as unknown[]) : [];
    for (const info of infos) {
      if (!isObject(info))
        throw new MalformedHostValue(WHAT, `${ifname} addr_info`, 'an entry that is not an object');
      const address = toAddress(ifname, info as JsonObject);
      if (address) addresses.push(address);
    }
  }
  return addresses;
}

function toAddress(ifname: string, info: JsonObject): Address | null {
  const family = familyOf(str(info, 'family'));
  // Other families (none today) are not addresses the migration moves.
  if (!family) return null;
  const local = checkedAddress(ifname, info, family);
  const prefixlen = num(info, 'prefixlen') as number;
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

/**
 * The fields of one addr_info entry the planner writes into `ip addr` lines, checked: a value no
 * kernel reports fails the probe with the field named, instead of the address being left out
 * (and so not moved to the bridge).
 */
function checkedAddress(ifname: string, info: JsonObject, family: Family): string {
  const local = info.local;
  const bits = addressBitsOf(family);
  const subject = `${ifname} address ${typeof local === 'string' ? local : shown(local)}/${shown(info.prefixlen)}`;
  if (typeof local !== 'string' || !isAddressOf(local, family))
    throw new MalformedHostValue(WHAT, subject, `${shown(local)} is not an IPv${family} address`);
  if (!isWholeNumber(info.prefixlen, 0, bits))
    throw new MalformedHostValue(WHAT, subject, `prefix length ${shown(info.prefixlen)} is not 0–${bits}`);
  checkOptionalAddress(WHAT, subject, 'peer', info.address, family);
  checkOptionalAddress(WHAT, subject, 'broadcast', info.broadcast, family);
  checkOptionalNumber(WHAT, subject, 'valid_life_time', info.valid_life_time, 0, U32_MAX);
  checkOptionalNumber(WHAT, subject, 'preferred_life_time', info.preferred_life_time, 0, U32_MAX);
  checkOptionalNumber(WHAT, subject, 'metric', info.metric, 0, U32_MAX);
  return local;
}

function familyOf(name: string | null): Family | null {
  if (name === 'inet') return 4;
  if (name === 'inet6') return 6;
  return null;
}

function lifetime(seconds: number | null): number | null {
  return seconds === null || seconds === FOREVER ? null : seconds;
}
