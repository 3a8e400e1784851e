/**
 * Two kinds of blockers the preview must show instead of a plan that looks fine: an uplink that
 * cannot be a bridge port (loopback, not Ethernet, no MAC), and a probe that failed, whose part of
 * the snapshot is empty (the plan would silently leave rules, DHCP clients or NAT behind).
 */
import { describe, expect, it } from 'vitest';
import type { ProbeRecord } from '../../../source/host/snapshot.js';
import { buildPlan } from '../../../source/plan/build.js';
import type { Plan } from '../../../source/plan/types.js';
import { request, uplinkOf, variant } from './fixtures.js';

const blockers = (plan: Plan) =>
  plan.verdicts
    .filter((verdict) => verdict.level === 'blocker')
    .map(({ id, reason, fix }) => ({ id, reason, fix }));

describe('an uplink that cannot join a bridge', () => {
  it('refuses the loopback device', () => {
    const plan = buildPlan(
      variant(() => {}),
      request({ nic: 'lo' }),
    );
    expect(blockers(plan)).toContainEqual({
      id: 'uplink-is-loopback',
      reason: 'lo is the loopback device, which never reaches the LAN and cannot join a bridge.',
      fix: 'Name the Ethernet uplink with --nic (by default the interface of the default route).',
    });
    expect(plan.blocked).toBe(true);
  });

  it('refuses a device whose link type is not Ethernet, and names the type', () => {
    const plan = buildPlan(
      variant((s) => Object.assign(uplinkOf(s), { linkType: 'ipip', mac: '198.51.100.7' })),
      request(),
    );
    expect(blockers(plan)).toEqual([
      {
        id: 'uplink-not-ethernet',
        reason: 'ens18 is not Ethernet (link type ipip), and only Ethernet devices can join a bridge.',
        fix: 'Name an Ethernet uplink with --nic, or route to the guests instead.',
      },
    ]);
    // No steps: there is no MAC to give the bridge and nothing a bridge could enslave.
    expect(plan.steps).toEqual([]);
  });

  it('refuses a device without a MAC address', () => {
    const plan = buildPlan(
      variant((s) => Object.assign(uplinkOf(s), { mac: null })),
      request(),
    );
    expect(blockers(plan).map((verdict) => [verdict.id, verdict.reason])).toEqual([
      [
        'uplink-not-ethernet',
        'ens18 has no MAC address (a tunnel or point-to-point link), and only Ethernet can join a bridge.',
      ],
    ]);
  });

  it('accepts an Ethernet uplink', () => {
    const plan = buildPlan(
      variant((s) => Object.assign(uplinkOf(s), { linkType: 'ether' })),
      request(),
    );
    expect(blockers(plan)).toEqual([]);
  });
});

describe('a failed probe', () => {
  const failed = (name: string, note: string): ProbeRecord => ({ name, ok: false, durationMs: 1, note });
  const ok = (name: string): ProbeRecord => ({ name, ok: true, durationMs: 1, note: null });

  it('blocks with the probe, its error and the command to run, and plans no steps', () => {
    const plan = buildPlan(
      variant((s) => {
        s.probes = [
          ok('links'),
          failed('rules', 'could not parse ip -4 -j rule: Unexpected end of JSON input'),
          failed('dhcp-clients', 'ps -eo pid=,netns=,args= exited 1: ps: fatal library error, lookup self'),
        ];
      }),
      request(),
    );
    expect(blockers(plan)).toEqual([
      {
        id: 'probe-failed-rules',
        reason:
          'The rules probe failed (could not parse ip -4 -j rule: Unexpected end of JSON input), so policy rules that name the uplink would not be moved.',
        fix: 'Run `ip -4 -j rule show` on the host to see why, fix what it reports (or report its output if it looks valid), then plan again.',
      },
      {
        id: 'probe-failed-dhcp-clients',
        reason:
          'The dhcp-clients probe failed (ps -eo pid=,netns=,args= exited 1: ps: fatal library error, lookup self), so a DHCP client on the uplink would not be stopped and would fight the bridge for the lease.',
        fix: 'Run `ps -eo pid=,netns=,args=` on the host to see why, fix what it reports (or report its output if it looks valid), then plan again.',
      },
    ]);
    expect(plan.verdicts.map((verdict) => verdict.level)).toEqual(['blocker', 'blocker']);
    expect(plan.blocked).toBe(true);
    expect(plan.steps).toEqual([]);
    expect(plan.nic).toBe('ens18');
  });

  it('names both firewall tools for a failed firewall probe', () => {
    const plan = buildPlan(
      variant((s) => {
        s.probes = [failed('firewall', 'iptables-save exited 1: iptables-save: line 3 failed')];
      }),
      request(),
    );
    expect(blockers(plan)[0]?.fix).toBe(
      'Run `iptables-save` and `nft -j list ruleset` on the host to see why, fix what it reports (or report its output if it looks valid), then plan again.',
    );
  });

  it('does not block on probes the plan can do without (DNS, virtualization, renderer, SSH path)', () => {
    const plan = buildPlan(
      variant((s) => {
        s.probes = ['dns', 'virtualization', 'renderer', 'ssh-path'].map((name) => failed(name, 'broken'));
      }),
      request(),
    );
    expect(blockers(plan)).toEqual([]);
    expect(plan.steps.length).toBeGreaterThan(0);
  });
});
