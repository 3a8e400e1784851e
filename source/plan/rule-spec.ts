/**
 * `ip rule add|del` arguments rebuilt from the fields `ip -j rule` printed (iproute2 iprule.c,
 * print_rule). A rule is deleted by giving every selector it has, so the same arguments serve both
 * verbs. A field this table does not know means the rule cannot be rebuilt exactly, and the
 * planner refuses rather than move half a rule.
 *
 * IPv6 rules cannot go into an `ip -batch` file: iprule_modify() never takes the family from an
 * address (`ip rule add from ::/0 ...` silently makes an IPv4 rule, seen with iproute2 6.1), so
 * they run as `ip -6 rule ...` commands.
 */
import type { Rule } from '../host/snapshot.js';
import { checkedName } from './names.js';
import type { Rename } from './route-spec.js';
import { checkedAddress, checkedNumber, checkedWord, UnplannableValue } from './tokens.js';

/** Fields that are state or implied by others, never written back. */
const IGNORED = new Set([
  'iif_detached',
  'oif_detached',
  'unresolved',
  'srclen',
  'dstlen',
  'fwmask',
  'uid_end',
  'flow_to',
]);
const PORT_FIELDS = ['sport', 'dport'] as const;
const RULE_TYPES = new Set(['blackhole', 'unreachable', 'prohibit', 'nop']);

type Fields = Rule['fields'];

export function ruleArgs(rule: Rule, rename: Rename): string[] {
  const fields = rule.fields;
  const args = ['priority', checkedNumber(rule.priority, 'rule priority')];
  const handled = new Set<string>(IGNORED);
  const take = (key: string): Fields[string] | undefined => {
    handled.add(key);
    return present(fields, key) ? fields[key] : undefined;
  };

  if (take('not') !== undefined) args.push('not');
  const src = take('src');
  if (src !== undefined && src !== 'all') args.push('from', prefixOf(String(src), fields.srclen));
  const dst = take('dst');
  if (dst !== undefined && dst !== 'all') args.push('to', prefixOf(String(dst), fields.dstlen));
  for (const key of ['tos', 'dscp'] as const) {
    const value = take(key);
    if (value !== undefined) args.push(key, checkedWord(value, `rule ${key}`));
  }
  const fwmark = take('fwmark');
  if (fwmark !== undefined) {
    const mask = present(fields, 'fwmask') ? `/${checkedWord(fields.fwmask as string, 'rule fwmask')}` : '';
    args.push('fwmark', `${checkedWord(fwmark, 'rule fwmark')}${mask}`);
  }
  const iif = take('iif');
  if (iif !== undefined) args.push('iif', checkedName(rename(String(iif))));
  const oif = take('oif');
  if (oif !== undefined) args.push('oif', checkedName(rename(String(oif))));
  if (take('l3mdev') !== undefined) args.push('l3mdev');
  const uidStart = take('uid_start');
  if (uidStart !== undefined) {
    args.push(
      'uidrange',
      `${checkedNumber(Number(uidStart), 'uid')}-${checkedNumber(Number(fields.uid_end ?? uidStart), 'uid')}`,
    );
  }
  const ipproto = take('ipproto');
  if (ipproto !== undefined) args.push('ipproto', checkedWord(ipproto, 'rule ipproto'));
  for (const port of PORT_FIELDS) {
    const single = take(port);
    const start = take(`${port}_start`);
    const end = take(`${port}_end`);
    if (single !== undefined) args.push(port, checkedNumber(Number(single), `rule ${port}`));
    else if (start !== undefined) {
      args.push(
        port,
        `${checkedNumber(Number(start), `rule ${port}`)}-${checkedNumber(Number(end ?? start), `rule ${port}`)}`,
      );
    }
  }
  const tunId = take('tun_id');
  if (tunId !== undefined) args.push('tun_id', checkedNumber(Number(tunId), 'rule tun_id'));
  const protocol = take('protocol');
  if (protocol !== undefined && protocol !== 'unspec')
    args.push('protocol', checkedWord(protocol, 'rule protocol'));
  const flowFrom = take('flow_from');
  if (flowFrom !== undefined || present(fields, 'flow_to')) {
    const to = checkedWord(fields.flow_to as string, 'rule realm');
    args.push('realms', flowFrom === undefined ? to : `${checkedWord(flowFrom, 'rule realm')}/${to}`);
  }
  for (const key of ['suppress_prefixlen', 'suppress_ifgroup'] as const) {
    const value = take(key);
    if (value !== undefined) args.push(key, checkedWord(value, `rule ${key}`));
  }
  const table = take('table');
  const gotoTarget = take('goto');
  if (gotoTarget !== undefined) args.push('goto', checkedNumber(Number(gotoTarget), 'rule goto'));
  else if (table !== undefined) args.push('lookup', checkedWord(table, 'rule table'));
  const action = take('action');
  if (action !== undefined) {
    if (!RULE_TYPES.has(String(action))) throw new UnplannableValue('rule action', String(action));
    args.push(String(action));
  }
  if (take('nop') !== undefined) args.push('nop');

  const unknown = Object.keys(fields).filter((key) => !handled.has(key) && present(fields, key));
  if (unknown.length > 0) throw new UnplannableValue('rule field', unknown.join(','));
  return args;
}

/** ip -j prints flags as null (JSON) which the probe may keep as true; false means absent. */
function present(fields: Fields, key: string): boolean {
  return key in fields && fields[key] !== false;
}

function prefixOf(address: string, length: Fields[string] | undefined): string {
  checkedAddress(address);
  return length === undefined || length === false
    ? address
    : `${address}/${checkedNumber(Number(length), 'rule prefix length')}`;
}
