/**
 * `ip -4|-6 -j rule` → Rule[]. Every field but the priority is kept as ip printed it, so the
 * planner can rebuild the rule exactly; iif/oif are lifted out because they name interfaces the
 * cutover must rewrite.
 */
import type { Family, Rule } from '../snapshot.js';
import { type JsonObject, num, parseJsonArray, str } from './json-fields.js';

export function parseIpRules(text: string, family: Family): Rule[] {
  return parseJsonArray(text, `ip -${family} -j rule`).map((entry) => toRule(entry, family));
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
