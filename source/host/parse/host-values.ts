/**
 * Checks on the values the host's tools print, for fields the planner turns into commands or
 * arithmetic. A value no kernel would report (prefix length 99, "24.5", an address that is not an
 * IP, an MTU that is not a number) means the output cannot be trusted: the probe fails with the
 * field named, and the planner blocks on the failed probe, rather than skipping the entry (an
 * address not moved) or planning with it.
 */
import { isIPv4, isIPv6 } from 'node:net';
import { HostError } from '../host-error.js';
import type { Family } from '../snapshot.js';

export class MalformedHostValue extends HostError {
  constructor(what: string, subject: string, problem: string) {
    super(`${what}: ${subject}: ${problem}`);
    this.name = 'MalformedHostValue';
  }
}

/** A value from the host, shown in an error on one line and not too long. */
export function shown(value: unknown): string {
  if (value === undefined) return '(missing)';
  const text = typeof value === 'number' ? String(value) : (JSON.stringify(value) ?? String(value));
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}

export function isAddressOf(value: string, family: Family): boolean {
  return family === 4 ? isIPv4(value) : isIPv6(value);
}

export function isAnyAddress(value: string): boolean {
  return isIPv4(value) || isIPv6(value);
}

export function addressBitsOf(family: Family): number {
  return family === 4 ? 32 : 128;
}

export function isWholeNumber(value: unknown, min: number, max: number): value is number {
  return typeof value === 'number' && Number.isInteger(value) && value >= min && value <= max;
}

/**
 * A route or rule destination as ip prints it: "default" (routes), "all" (rules), an address, or
 * ADDRESS/LEN. Returns the problem, or null when it is well formed.
 */
export function prefixProblem(value: string, family: Family): string | null {
  const [address = '', length, ...rest] = value.split('/');
  const bits = addressBitsOf(family);
  if (rest.length > 0 || !isAddressOf(address, family))
    return `${shown(value)} is not an IPv${family} prefix`;
  if (length !== undefined && !(/^\d{1,3}$/.test(length) && Number(length) <= bits))
    return `prefix length ${shown(length)} is not 0–${bits}`;
  return null;
}

/** Fails with the field named unless `value` is absent or a whole number in [min, max]. */
export function checkOptionalNumber(
  what: string,
  subject: string,
  field: string,
  value: unknown,
  min: number,
  max: number,
): void {
  if (value !== undefined && !isWholeNumber(value, min, max))
    throw new MalformedHostValue(
      what,
      subject,
      `${field} ${shown(value)} is not a whole number from ${min} to ${max}`,
    );
}

/** Fails unless `value` is absent or an address of this family. */
export function checkOptionalAddress(
  what: string,
  subject: string,
  field: string,
  value: unknown,
  family: Family | null,
): void {
  if (value === undefined) return;
  const ok = typeof value === 'string' && (family ? isAddressOf(value, family) : isAnyAddress(value));
  if (!ok)
    throw new MalformedHostValue(
      what,
      subject,
      `${field} ${shown(value)} is not an ${family ? `IPv${family} ` : 'IP '}address`,
    );
}

export const U32_MAX = 4294967295;
