import { describe, expect, it } from 'vitest';
import { buildRemoveNatStep, natStateFor } from '../../../source/plan/steps/remove-nat.js';
import type { Command } from '../../../source/plan/types.js';
import { baseSnapshot, natRule, route, variant } from './fixtures.js';
import { natSetup } from './hosts.js';

const text = (commands: Command[]) =>
  commands.flatMap((command) =>
    command.kind === 'ip-batch'
      ? command.lines.map((line) => `batch: ${line.join(' ')}`)
      : 'argv' in command
        ? [command.argv.join(' ')]
        : [],
  );

describe('remove-nat step', () => {
  it('deletes the MASQUERADE rules and the gateway address, and restores them in place', () => {
    const snapshot = natSetup();
    const step = buildRemoveNatStep(snapshot, 'fcbr0', natStateFor(snapshot, 'fcbr0'));
    expect(text(step?.commands ?? [])).toEqual([
      'nft delete rule ip fcnat postrouting handle 4',
      'iptables -t nat -D POSTROUTING -s 203.0.113.0/24 -o ens18 -j MASQUERADE',
      'batch: addr del 203.0.113.1/24 dev fcbr0',
    ]);
    expect(text(step?.inverse ?? [])).toEqual([
      'batch: addr add 203.0.113.1/24 broadcast 203.0.113.255 dev fcbr0',
      'iptables -t nat -I POSTROUTING 1 -s 203.0.113.0/24 -o ens18 -j MASQUERADE',
      'nft add rule ip fcnat postrouting index 0 ip saddr 203.0.113.0/24 oifname "ens18" masquerade',
    ]);
    expect(step?.expect).toEqual([
      { kind: 'address-absent', ifname: 'fcbr0', family: 4, local: '203.0.113.1', prefixlen: 24 },
    ]);
  });

  it('passes the nft rule as one argument, without its handle comment', () => {
    const snapshot = variant((s) => {
      s.netfilter.natRules = [
        natRule({
          source: 'nftables',
          text: 'ip saddr 203.0.113.0/24 masquerade # handle 9',
          handle: 9,
          table: 'nat',
          chain: 'post',
          position: 1,
        }),
      ];
    }, natSetup());
    const step = buildRemoveNatStep(snapshot, 'fcbr0', natStateFor(snapshot, 'fcbr0'));
    const restore = step?.inverse.at(-1);
    expect(restore?.kind === 'exec' && restore.argv).toEqual([
      'nft',
      'insert',
      'rule',
      'ip',
      'nat',
      'post',
      'ip saddr 203.0.113.0/24 masquerade',
    ]);
  });

  it('takes only rules that name the bridge or its subnet', () => {
    const snapshot = variant((s) => {
      s.netfilter.natRules.push(
        natRule({
          text: '-A POSTROUTING -s 198.18.0.0/24 -j MASQUERADE',
          sourcePrefixes: ['198.18.0.0/24'],
          interfaces: [],
          position: 2,
        }),
        natRule({
          text: '-A POSTROUTING -o fcbr0 -j MASQUERADE',
          sourcePrefixes: [],
          interfaces: ['fcbr0'],
          position: 3,
        }),
      );
    }, natSetup());
    expect(natStateFor(snapshot, 'fcbr0').rules.map((rule) => rule.text)).toEqual([
      '-A POSTROUTING -s 203.0.113.0/24 -o ens18 -j MASQUERADE',
      'ip saddr 203.0.113.0/24 oifname "ens18" masquerade',
      '-A POSTROUTING -o fcbr0 -j MASQUERADE',
    ]);
  });

  it('deletes routes through the bridge before its last address takes them away, and re-adds them after', () => {
    const snapshot = variant(
      (s) =>
        s.routes.push(route('198.18.7.0/24', { dev: 'fcbr0', gateway: '203.0.113.7', protocol: 'static' })),
      natSetup(),
    );
    const step = buildRemoveNatStep(snapshot, 'fcbr0', natStateFor(snapshot, 'fcbr0'));
    expect(text(step?.commands ?? []).filter((line) => line.startsWith('batch'))).toEqual([
      'batch: route del 198.18.7.0/24 via 203.0.113.7 dev fcbr0 proto static table main',
      'batch: addr del 203.0.113.1/24 dev fcbr0',
    ]);
    expect(text(step?.inverse ?? []).filter((line) => line.startsWith('batch'))).toEqual([
      'batch: addr add 203.0.113.1/24 broadcast 203.0.113.255 dev fcbr0',
      'batch: route replace 198.18.7.0/24 via 203.0.113.7 dev fcbr0 proto static table main',
    ]);
  });

  it('is left out when the bridge has no NAT', () => {
    const snapshot = baseSnapshot();
    expect(buildRemoveNatStep(snapshot, 'fcbr0', natStateFor(snapshot, 'fcbr0'))).toBeNull();
  });
});
