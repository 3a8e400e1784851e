import { describe, expect, it } from 'vitest';
import {
  forwardPolicy,
  iptablesMasquerade,
  parseIptablesSave,
  tokenize,
} from '../../../source/host/parse/iptables-save.js';
import { fixture } from './fixture.js';

describe('parseIptablesSave', () => {
  const nat = parseIptablesSave(fixture('iptables-save-nat-lab.txt'));
  const docker = parseIptablesSave(fixture('iptables-save-docker-lab.txt'));

  it('reads the backend and the chain policies', () => {
    expect(nat.backend).toBe('nf_tables');
    expect(nat.policies.filter).toEqual({ INPUT: 'ACCEPT', FORWARD: 'DROP', OUTPUT: 'ACCEPT' });
    expect(docker.policies.nat?.DOCKER).toBe('-');
  });

  it('reads the FORWARD policy, DROP on a Docker host', () => {
    expect(forwardPolicy(docker)).toBe('DROP');
    expect(forwardPolicy(parseIptablesSave(''))).toBeNull();
  });

  it('keeps each MASQUERADE rule with its exact spec and its position in the chain', () => {
    const rules = iptablesMasquerade(nat);
    expect(rules).toHaveLength(2);
    expect(rules[0]).toMatchObject({
      source: 'iptables',
      table: 'nat',
      chain: 'POSTROUTING',
      text: '-A POSTROUTING -s 203.0.113.0/24 -o ens18 -j MASQUERADE',
      spec: ['-s', '203.0.113.0/24', '-o', 'ens18', '-j', 'MASQUERADE'],
      position: 1,
      interfaces: ['ens18'],
      sourcePrefixes: ['203.0.113.0/24'],
      handle: null,
    });
    expect(rules[1]).toMatchObject({
      position: 2,
      spec: ['-s', '10.9.0.0/16', '!', '-o', 'fcbr0', '-j', 'MASQUERADE'],
    });
  });

  it('counts positions per chain, and unquotes a comment so -D gets the same argument', () => {
    const rules = iptablesMasquerade(docker);
    expect(rules.map((rule) => rule.position)).toEqual([1, 2]);
    expect(rules[1]?.spec).toEqual([
      '-s',
      '203.0.113.0/24',
      '-o',
      'ens18',
      '-m',
      'comment',
      '--comment',
      'fc bridge nat',
      '-j',
      'MASQUERADE',
    ]);
    expect(docker.rules.find((rule) => rule.chain === 'DOCKER')?.position).toBe(1);
  });

  it('refuses what is not iptables-save output (a failure message), naming the line', () => {
    const denied =
      'iptables-save v1.8.9 (nf_tables): Could not fetch rule set generation id: Permission denied (you must be root)\n';
    expect(() => parseIptablesSave(denied)).toThrow(
      'could not parse iptables-save: line 1 "iptables-save v1.8.9 (nf_tables): Could not fetch rule set g" is not a table, chain, rule or COMMIT',
    );
  });

  it('refuses output cut short inside a table (no COMMIT)', () => {
    const cut = '*nat\n:POSTROUTING ACCEPT [0:0]\n-A POSTROUTING -s 203.0.113.0/24 -j MASQUERADE\n';
    expect(() => parseIptablesSave(cut)).toThrow(
      'could not parse iptables-save: table nat has no COMMIT (cut short?)',
    );
  });

  it('refuses a rule or chain outside any table', () => {
    expect(() => parseIptablesSave('-A POSTROUTING -j MASQUERADE\n')).toThrow(/line 1 .* is not a table/);
  });

  it('tokenizes quoted values with escapes', () => {
    expect(tokenize('-A X -m comment --comment "say \\"hi\\" \\\\ bye" -j ACCEPT')).toEqual([
      '-A',
      'X',
      '-m',
      'comment',
      '--comment',
      'say "hi" \\ bye',
      '-j',
      'ACCEPT',
    ]);
    expect(tokenize('--comment ""')).toEqual(['--comment', '']);
  });
});
