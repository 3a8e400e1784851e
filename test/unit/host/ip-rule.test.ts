import { describe, expect, it } from 'vitest';
import { parseIpRules } from '../../../source/host/parse/ip-rule.js';
import { fixture } from './fixture.js';

describe('parseIpRules (ip -4|-6 -j rule)', () => {
  const v4 = parseIpRules(fixture('ip-rule4-lab.json'), 4);
  const v6 = parseIpRules(fixture('ip-rule6-lab.json'), 6);

  it('lifts iif and oif out of a rule and keeps its other fields', () => {
    expect(v4.find((rule) => rule.priority === 1000)).toEqual({
      family: 4,
      priority: 1000,
      fields: { src: 'all', iif: 'ens18', table: '100' },
      iif: 'ens18',
      oif: null,
    });
    expect(v4.find((rule) => rule.priority === 1001)).toMatchObject({ oif: 'ens18', iif: null });
  });

  it('keeps selectors such as a source prefix and fwmark exactly', () => {
    expect(v4.find((rule) => rule.priority === 1002)?.fields).toEqual({
      src: '198.51.100.0',
      srclen: 24,
      fwmark: '0x10',
      table: 'main',
    });
  });

  it('keeps flag keywords that ip prints as JSON null (not) as set', () => {
    // Seen on iproute2 6.1: `ip -j rule` after `ip rule add not from 198.51.100.0/24 table 100 pref 500`.
    const text = '[{"priority":500,"not":null,"src":"198.51.100.0","srclen":24,"table":"100"}]';
    expect(parseIpRules(text, 4)[0]?.fields).toEqual({
      not: true,
      src: '198.51.100.0',
      srclen: 24,
      table: '100',
    });
  });

  it('reads IPv6 rules including one with iif', () => {
    expect(v6.map((rule) => rule.priority)).toEqual([0, 32765, 32766]);
    expect(v6[1]).toMatchObject({ family: 6, iif: 'ens18' });
  });

  it('keeps nested values as JSON text', () => {
    const [rule] = parseIpRules(
      '[{"priority":5,"src":"all","uidrange":{"start":1000,"end":2000},"table":"7"}]',
      4,
    );
    expect(rule?.fields.uidrange).toBe('{"start":1000,"end":2000}');
  });
});
