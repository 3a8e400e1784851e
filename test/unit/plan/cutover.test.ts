import { describe, expect, it } from 'vitest';
import { buildCutoverStep } from '../../../source/plan/steps/cutover.js';
import type { Command } from '../../../source/plan/types.js';
import { uplinkState } from '../../../source/plan/uplink-state.js';
import { address, baseSnapshot, route, rule, variant } from './fixtures.js';
import { slaacHost, staticMulti } from './hosts.js';

const text = (command: Command | undefined) =>
  command?.kind === 'ip-batch'
    ? command.lines.map((line) => line.join(' '))
    : command && 'argv' in command
      ? [command.argv.join(' ')]
      : [];

describe('cutover step', () => {
  it('moves a DHCP uplink in one batch, keeping lifetimes, metrics and the route priority', () => {
    const step = buildCutoverStep({
      nic: 'ens18',
      bridge: 'fcbr0',
      state: uplinkState(baseSnapshot(), 'ens18'),
    });
    expect(step.commands).toHaveLength(1);
    expect(text(step.commands[0])).toEqual([
      'link set dev ens18 master fcbr0',
      'addr add 198.51.100.240/24 broadcast 198.51.100.255 metric 100 valid_lft 3456 preferred_lft 3456 dev fcbr0',
      'route replace 198.51.100.1 dev fcbr0 proto dhcp scope link metric 100 src 198.51.100.240 table main',
      'route replace default via 198.51.100.1 dev fcbr0 proto dhcp metric 100 src 198.51.100.240 table main',
      'addr del 198.51.100.240/24 dev ens18',
    ]);
    expect(text(step.inverse[0])).toEqual([
      'addr add 198.51.100.240/24 broadcast 198.51.100.255 metric 100 valid_lft 3456 preferred_lft 3456 dev ens18',
      'route replace 198.51.100.1 dev ens18 proto dhcp scope link metric 100 src 198.51.100.240 table main',
      'route replace default via 198.51.100.1 dev ens18 proto dhcp metric 100 src 198.51.100.240 table main',
      'addr del 198.51.100.240/24 dev fcbr0',
      'link set dev ens18 nomaster',
    ]);
    expect(step.disruptive).toBe(true);
  });

  it('removes secondaries before their primary and renames alias labels', () => {
    const lines = text(
      buildCutoverStep({ nic: 'ens18', bridge: 'fcbr0', state: uplinkState(staticMulti(), 'ens18') })
        .commands[0],
    );
    expect(lines).toContain('addr add 198.51.100.241/24 broadcast 198.51.100.255 label fcbr0:1 dev fcbr0');
    const deletes = lines.filter((line) => line.startsWith('addr del'));
    expect(deletes).toEqual([
      'addr del 198.51.100.241/24 dev ens18',
      'addr del 203.0.113.9/28 dev ens18',
      'addr del 198.51.100.240/24 dev ens18',
    ]);
  });

  it('adds routes without a gateway before gateway routes, the default route first among those', () => {
    const snapshot = variant((s) => {
      s.routes.push(
        route('198.18.0.0/24', { gateway: '198.18.254.1', protocol: 'static', table: '100' }),
        route('198.18.254.1', { scope: 'link', protocol: 'static', table: '100' }),
      );
    });
    const lines = text(
      buildCutoverStep({ nic: 'ens18', bridge: 'fcbr0', state: uplinkState(snapshot, 'ens18') }).commands[0],
    );
    const routes = lines.filter((line) => line.startsWith('route'));
    expect(routes.map((line) => line.split(' ')[2])).toEqual([
      '198.51.100.1',
      '198.18.254.1',
      'default',
      '198.18.0.0/24',
    ]);
  });

  it('moves IPv6 addresses with nodad on the bridge, in reverse so the list order survives, and leaves link-local and temporary ones', () => {
    const snapshot = variant((s) => s.addresses.push(address('ens18', '2001:db8:18::7/64')), slaacHost());
    const step = buildCutoverStep({ nic: 'ens18', bridge: 'fcbr0', state: uplinkState(snapshot, 'ens18') });
    const forward = text(step.commands[0]).filter((line) => line.startsWith('addr add 2001'));
    expect(forward).toEqual([
      'addr add 2001:db8:18::7/64 nodad dev fcbr0',
      'addr add 2001:db8:18::be24:11ff:fe5e:2a01/64 valid_lft 86400 preferred_lft 14400 mngtmpaddr nodad noprefixroute dev fcbr0',
    ]);
    const backward = text(step.inverse[0]).filter((line) => line.startsWith('addr add 2001'));
    expect(backward).toEqual([
      'addr add 2001:db8:18::7/64 dev ens18',
      'addr add 2001:db8:18::be24:11ff:fe5e:2a01/64 valid_lft 86400 preferred_lft 14400 mngtmpaddr noprefixroute dev ens18',
    ]);
    const all = [...text(step.commands[0]), ...text(step.inverse[0])].join('\n');
    expect(all).not.toMatch(/fe80::be24|5c1e:77aa/);
    expect(text(step.commands[0])).toContain(
      'route replace ::/0 via fe80::1 dev fcbr0 proto ra metric 100 table main',
    );
  });

  it('rewrites IPv4 rules inside the batch and IPv6 rules as ip -6 commands around it', () => {
    const snapshot = variant((s) => {
      s.rules.push(
        rule(4, 100, { src: '198.51.100.240', iif: 'ens18', table: '100' }),
        rule(6, 200, { oif: 'ens18', table: 'main' }),
      );
    });
    const step = buildCutoverStep({ nic: 'ens18', bridge: 'fcbr0', state: uplinkState(snapshot, 'ens18') });
    expect(text(step.commands[0])).toEqual(
      expect.arrayContaining([
        'rule del priority 100 from 198.51.100.240 iif ens18 lookup 100',
        'rule add priority 100 from 198.51.100.240 iif fcbr0 lookup 100',
      ]),
    );
    expect(step.commands.slice(1).map((command) => text(command)[0])).toEqual([
      'ip -6 rule del priority 200 oif ens18 lookup main',
      'ip -6 rule add priority 200 oif fcbr0 lookup main',
    ]);
    expect(step.inverse.slice(0, 2).map((command) => text(command)[0])).toEqual([
      'ip -6 rule del priority 200 oif fcbr0 lookup main',
      'ip -6 rule add priority 200 oif ens18 lookup main',
    ]);
    expect(step.inverse[2]?.kind).toBe('ip-batch');
  });

  it('promises the master, the addresses on the bridge only, and each route through the bridge', () => {
    const step = buildCutoverStep({
      nic: 'ens18',
      bridge: 'fcbr0',
      state: uplinkState(baseSnapshot(), 'ens18'),
    });
    expect(step.expect).toEqual([
      { kind: 'link-master', ifname: 'ens18', master: 'fcbr0' },
      { kind: 'address-on', ifname: 'fcbr0', family: 4, local: '198.51.100.240', prefixlen: 24 },
      { kind: 'address-absent', ifname: 'ens18', family: 4, local: '198.51.100.240', prefixlen: 24 },
      {
        kind: 'route-via',
        family: 4,
        table: 'main',
        dst: '198.51.100.1',
        dev: 'fcbr0',
        gateway: null,
        metric: 100,
      },
      {
        kind: 'route-via',
        family: 4,
        table: 'main',
        dst: 'default',
        dev: 'fcbr0',
        gateway: '198.51.100.1',
        metric: 100,
      },
    ]);
  });

  it('carries multipath routes with every next hop renamed', () => {
    const snapshot = variant((s) => {
      s.routes.push(
        route('198.18.0.0/16', {
          dev: null,
          protocol: 'static',
          metric: 20,
          nexthops: [
            { gateway: '198.51.100.2', dev: 'ens18', weight: 1 },
            { gateway: '198.51.100.3', dev: 'ens18', weight: 3 },
          ],
        }),
      );
    });
    const lines = text(
      buildCutoverStep({ nic: 'ens18', bridge: 'fcbr0', state: uplinkState(snapshot, 'ens18') }).commands[0],
    );
    expect(lines).toContain(
      'route replace 198.18.0.0/16 proto static metric 20 table main nexthop via 198.51.100.2 dev fcbr0 weight 1 nexthop via 198.51.100.3 dev fcbr0 weight 3',
    );
  });
});
