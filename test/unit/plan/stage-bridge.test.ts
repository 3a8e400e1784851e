import { describe, expect, it } from 'vitest';
import { buildStageBridgeStep } from '../../../source/plan/steps/stage-bridge.js';
import { link } from './fixtures.js';

const uplink = link('ens18', { mac: 'BC:24:11:5E:2A:01', mtu: 9000 });
const argv = (commands: Array<{ kind: string; argv?: string[] }>) =>
  commands.map((command) => command.argv?.join(' '));

describe('stage-bridge step', () => {
  it('creates the bridge with the uplink MAC and MTU, STP off and no forward delay, and deletes it as inverse', () => {
    const step = buildStageBridgeStep({ bridge: 'fcbr0', uplink, existing: null });
    expect(argv(step?.commands ?? [])).toEqual([
      'ip link add name fcbr0 type bridge stp_state 0 forward_delay 0',
      'ip link set dev fcbr0 address bc:24:11:5e:2a:01 mtu 9000',
      'ip link set dev fcbr0 up',
    ]);
    expect(argv(step?.inverse ?? [])).toEqual(['ip link del dev fcbr0']);
    expect(step?.expect).toEqual([
      { kind: 'link-exists', ifname: 'fcbr0', mac: 'BC:24:11:5E:2A:01', mtu: 9000, up: true },
    ]);
    expect(step?.disruptive).toBe(false);
  });

  it('adjusts an existing STP bridge: STP off before the delay goes to 0, and back in the reverse order', () => {
    const existing = link('fcbr0', {
      kind: 'bridge',
      mac: '02:5a:00:00:00:06',
      mtu: 1500,
      flags: ['BROADCAST', 'MULTICAST'],
      bridge: { stpState: 1, forwardDelay: 1500 },
    });
    const step = buildStageBridgeStep({ bridge: 'fcbr0', uplink, existing });
    expect(argv(step?.commands ?? [])).toEqual([
      'ip link set dev fcbr0 type bridge stp_state 0',
      'ip link set dev fcbr0 type bridge forward_delay 0',
      'ip link set dev fcbr0 address bc:24:11:5e:2a:01 mtu 9000',
      'ip link set dev fcbr0 up',
    ]);
    expect(argv(step?.inverse ?? [])).toEqual([
      'ip link set dev fcbr0 down',
      'ip link set dev fcbr0 address 02:5a:00:00:00:06 mtu 1500',
      'ip link set dev fcbr0 type bridge forward_delay 1500',
      'ip link set dev fcbr0 type bridge stp_state 1',
    ]);
  });

  it('has nothing to do for a bridge that already matches', () => {
    const existing = link('fcbr0', {
      kind: 'bridge',
      mac: 'bc:24:11:5e:2a:01',
      mtu: 9000,
      bridge: { stpState: 0, forwardDelay: 0 },
    });
    expect(buildStageBridgeStep({ bridge: 'fcbr0', uplink, existing })).toBeNull();
  });

  it('refuses an uplink without a usable MAC', () => {
    expect(() =>
      buildStageBridgeStep({ bridge: 'fcbr0', uplink: link('wg0', { mac: null }), existing: null }),
    ).toThrow(/MAC address/);
  });
});
