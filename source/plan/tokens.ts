/**
 * Every token the planner puts into an argv or an `ip -batch` line is checked here or by
 * checkedName: interface names by the kernel's rules, addresses by parsing them, numbers by range,
 * and words (protocol and table names, fwmarks) against a conservative alphabet. `ip -batch`
 * splits lines on whitespace and treats quotes, backslashes and "#" specially, so none of these
 * may appear in a batch token; a value from the snapshot that fails is refused, never escaped.
 */
import type { Family } from '../host/snapshot.js';
import { familyOf, parsePrefix } from '../system/ip-math.js';
import { PlanError } from './plan-error.js';

/** A value from the snapshot that cannot be written into a command as it is. */
export class UnplannableValue extends PlanError {
  constructor(
    readonly what: string,
    readonly value: string,
  ) {
    super(`${what} "${value}" cannot be written into a command safely`);
    this.name = 'UnplannableValue';
  }
}

export function checkedAddress(value: string, family?: Family): string {
  const parsed = familyOf(value);
  if (!parsed || (family && parsed !== family)) throw new UnplannableValue('address', value);
  return value;
}

/** A prefix as iproute2 prints it ("198.51.100.0/24", "2001:db8::/64", a bare host address). */
export function checkedPrefix(value: string, family: Family): string {
  if (value === 'default' || !parsePrefix(value, family)) throw new UnplannableValue('prefix', value);
  return value;
}

export function checkedNumber(value: number, what: string): string {
  if (!Number.isInteger(value) || value < 0 || value > 0xffffffff)
    throw new UnplannableValue(what, String(value));
  return String(value);
}

/** Names and symbolic values: "dhcp", "main", "0x1/0xff", "tcp", "1000-2000". */
export function checkedWord(value: string | number | boolean, what: string): string {
  const text = String(value);
  if (typeof value === 'boolean' || !/^[A-Za-z0-9][A-Za-z0-9_.:/+-]*$/.test(text))
    throw new UnplannableValue(what, text);
  return text;
}

/** An Ethernet MAC, lower-cased the way iproute2 prints it. */
export function checkedMac(mac: string | null): string {
  if (!mac || !/^[0-9a-fA-F]{2}(:[0-9a-fA-F]{2}){5}$/.test(mac))
    throw new UnplannableValue('MAC address', mac ?? 'none');
  return mac.toLowerCase();
}

/** A token of an `ip -batch` line must survive iproute2's makeargs() unchanged. */
export function isBatchSafe(token: string): boolean {
  return token.length > 0 && !/[\s"'\\#]/.test(token);
}
