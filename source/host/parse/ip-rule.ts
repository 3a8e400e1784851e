/**
 * `ip -4|-6 -j rule` → Rule[]. Every field but the priority is kept as ip printed it, so the
 * planner can rebuild the rule exactly; iif/oif are lifted out because they name interfaces the
 * cutover must rewrite.
 */
import type { Family, Rule } from '../snapshot.js';
import {
  addressBitsOf,
  isAddressOf,
  isWholeNumber,
  MalformedHostValue,
  shown,
  U32_MAX,
} from './host-values.js';
import { type JsonObject, num, parseJsonArray, str } from './json-fields.js';

export function parseIpRules(text: string, family: Family): Rule[] {
  const what = `ip -${family} -j rule`;
  return parseJsonArray(text, what).map((entry) => toRule(checkedRule(what, entry, family), family));
}

/**
 * The fields the cutover writes back into `ip rule add` lines, checked: a rule the planner cannot
 * read exactly would be rebuilt wrongly, or not moved at all.
 */
function checkedRule(what: string, entry: JsonObject, family: Family): JsonObject {
  const subject = `rule ${shown(entry.priority ?? '?')}`;
  if (!isWholeNumber(entry.priority, 0, U32_MAX))
    throw new MalformedHostValue(what, subject, `priority ${shown(entry.priority)} is not a whole number`);
  const bits = addressBitsOf(family);
  for (const side of ['src', 'dst'] as const) {
    const value = entry[side];
    if (value !== undefined && value !== 'all' && !(typeof value === 'string' && isAddressOf(value, family)))
      throw new MalformedHostValue(what, subject, `${side} ${shown(value)} is not an IPv${family} address`);
    const length = entry[`${side}len`];
    if (length !== undefined && !isWholeNumber(length, 0, bits))
      throw new MalformedHostValue(what, subject, `${side}len ${shown(length)} is not 0–${bits}`);
  }
  return entry;
}

function toRule(entry: JsonObject, family: Family): Rule {
  const fields: Rule['fields'] = {};
  for (const [key, value] of Object.entries(entry)) {
    if (key === 'priority') continue;
    if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean')
      fields[key] = value;
    // iproute2 prints flag keywords (not, l3mdev, nop) as JSON null: present means set.
    else if (value === null) fields[key] = true;
    else if (value !== undefined) fields[key] = JSON.stringify(value);
  }
  return {
    family,
    priority: num(entry, 'priority') ?? 0,
    fields,
    iif: str(entry, 'iif'),
    oif: str(entry, 'oif'),
  };
}
