/**
 * Small typed accessors for the JSON that `ip -j`, `nft -j` and friends print. Their output is
 * loosely typed (fields appear only when set), so every read says what it expects and falls back to
 * null instead of trusting the shape.
 */
import { HostError } from '../host-error.js';

export type JsonObject = Record<string, unknown>;

export class ParseError extends HostError {
  constructor(what: string, why: string) {
    super(`could not parse ${what}: ${why}`);
    this.name = 'ParseError';
  }
}

export function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** `ip -j` prints a JSON array; an empty output (nothing to list) counts as an empty array. */
export function parseJsonArray(text: string, what: string): JsonObject[] {
  const trimmed = text.trim();
  if (trimmed === '') return [];
  let data: unknown;
  try {
    data = JSON.parse(trimmed);
  } catch (error) {
    throw new ParseError(what, (error as Error).message);
  }
  if (!Array.isArray(data)) throw new ParseError(what, 'expected a JSON array');
  // iproute2 prints only objects here: anything else is a damaged or forged output, and skipping
  // it would silently leave an address, route or rule unmoved (a probe that fails blocks the plan).
  const odd = data.findIndex((entry) => !isObject(entry));
  if (odd >= 0)
    throw new ParseError(
      what,
      `entry #${odd + 1} is ${JSON.stringify(data[odd])?.slice(0, 40)}, not an object`,
    );
  return data as JsonObject[];
}

export function str(object: JsonObject, key: string): string | null {
  const value = object[key];
  return typeof value === 'string' ? value : null;
}

export function num(object: JsonObject, key: string): number | null {
  const value = object[key];
  return typeof value === 'number' && Number.isFinite(value) ? value : null;
}

export function obj(object: JsonObject, key: string): JsonObject | null {
  const value = object[key];
  return isObject(value) ? value : null;
}

export function strings(object: JsonObject, key: string): string[] {
  const value = object[key];
  return Array.isArray(value) ? value.filter((item): item is string => typeof item === 'string') : [];
}
