import { describe, expect, it } from 'vitest';
import type { Rule } from '../../../source/host/snapshot.js';
import { ruleArgs } from '../../../source/plan/rule-spec.js';
import { UnplannableValue } from '../../../source/plan/tokens.js';

/** `ip -j -d rule` output from iproute2 6.1 for rules made with the commands in the comments. */
const IP_J_RULE = `[{"priority":100,"src":"198.51.100.240","iif":"ens18","table":"100","protocol":"unspec"},
{"priority":101,"not":null,"src":"all","dst":"203.0.113.0","dstlen":24,"fwmark":"0x1","fwmask":"0xff","oif":"ens18","table":"main","suppress_prefixlen":0,"protocol":"unspec"},
{"priority":102,"src":"all","iif":"ens18","uid_start":100,"uid_end":200,"ipproto":"tcp","sport_start":1000,"sport_end":2000,"dport":22,"goto":200,"unresolved":null,"protocol":"unspec"},
{"priority":103,"src":"all","tos":"0x10","iif":"ens18","action":"prohibit","protocol":"unspec"},
{"priority":104,"src":"all","oif":"ens18","oif_detached":null,"l3mdev":null,"protocol":"static"},
{"priority":105,"src":"all","iif":"ens18","table":"7","flow_from":"3","flow_to":"4","protocol":"unspec"},
{"priority":106,"src":"all","iif":"ens18","nop":null,"protocol":"unspec"},
{"priority":107,"src":"2001:db8::","srclen":64,"iif":"ens18","table":"5"}]`;

/** As the probe keeps them: flags printed as JSON null become true. */
function rules(): Rule[] {
  return (JSON.parse(IP_J_RULE) as Array<Record<string, unknown>>).map((entry) => {
    const fields: Rule['fields'] = {};
    for (const [key, value] of Object.entries(entry))
      if (key !== 'priority') fields[key] = value === null ? true : (value as string | number);
    return {
      family: String(entry.src).includes(':') ? 6 : 4,
      priority: entry.priority as number,
      fields,
      iif: (entry.iif as string) ?? null,
      oif: (entry.oif as string) ?? null,
    };
  });
}

describe('rule arguments', () => {
  it('rebuilds every selector and action ip printed, with the uplink renamed', () => {
    const rename = (name: string) => (name === 'ens18' ? 'fcbr0' : name);
    expect(rules().map((rule) => ruleArgs(rule, rename).join(' '))).toEqual([
      'priority 100 from 198.51.100.240 iif fcbr0 lookup 100',
      'priority 101 not to 203.0.113.0/24 fwmark 0x1/0xff oif fcbr0 suppress_prefixlen 0 lookup main',
      'priority 102 iif fcbr0 uidrange 100-200 ipproto tcp sport 1000-2000 dport 22 goto 200',
      'priority 103 tos 0x10 iif fcbr0 prohibit',
      'priority 104 oif fcbr0 l3mdev protocol static',
      'priority 105 iif fcbr0 realms 3/4 lookup 7',
      'priority 106 iif fcbr0 nop',
      'priority 107 from 2001:db8::/64 iif fcbr0 lookup 5',
    ]);
  });

  it('refuses a rule with a field it cannot write back', () => {
    const rule: Rule = {
      family: 4,
      priority: 9,
      fields: { src: 'all', iif: 'ens18', table: 'main', flowlabel: '0x1' },
      iif: 'ens18',
      oif: null,
    };
    expect(() => ruleArgs(rule, (name) => name)).toThrow(UnplannableValue);
  });

  it('refuses values that would break an ip -batch line', () => {
    const rule: Rule = {
      family: 4,
      priority: 9,
      fields: { src: 'all', iif: 'ens18', table: 'main table' },
      iif: 'ens18',
      oif: null,
    };
    expect(() => ruleArgs(rule, (name) => name)).toThrow(/routing|rule table/);
  });
});
