/**
 * Stage the bridge before anything moves (no outage): the uplink's MAC, so the LAN's DHCP server
 * and ARP caches keep seeing the same host (a MAC set by hand also stops the bridge from taking
 * the lowest port's MAC later); the uplink's MTU; STP off and forward delay 0, so the uplink
 * forwards the moment it joins instead of sitting in learning for forward_delay.
 *
 * An existing bridge (the NAT setup with its TAPs) is adjusted instead, and the inverse puts back
 * its MAC, MTU, STP state and forward delay. The kernel refuses a forward delay below 2 s while STP
 * is on (br_set_forward_delay), so STP is switched off before the delay goes to 0, and the delay is
 * restored before STP comes back on.
 *
 * Names always follow `name`/`dev`: iproute2 matches abbreviated keywords, so a bare device name
 * like "a" or "mt" would be read as "address" or "mtu".
 */
import type { Link } from '../../host/snapshot.js';
import { checkedName } from '../names.js';
import { checkedMac, checkedNumber } from '../tokens.js';
import type { Command, Step } from '../types.js';

export interface StageInput {
  bridge: string;
  uplink: Link;
  /** The bridge as it exists today, or null when it is created. */
  existing: Link | null;
}

const exec = (...argv: string[]): Command => ({ kind: 'exec', argv: ['ip', 'link', ...argv] });

export function buildStageBridgeStep({ bridge, uplink, existing }: StageInput): Step | null {
  const name = checkedName(bridge);
  const mac = checkedMac(uplink.mac);
  const mtu = checkedNumber(uplink.mtu, 'MTU');
  const expect = [
    { kind: 'link-exists' as const, ifname: bridge, mac: uplink.mac, mtu: uplink.mtu, up: true },
  ];
  if (!existing) {
    return {
      id: 'stage-bridge',
      kind: 'stage-bridge',
      title: `Create bridge ${bridge} with ${uplink.name}'s MAC and MTU`,
      detail: `${bridge} gets MAC ${mac} and MTU ${mtu}, STP off and forward delay 0, and comes up; nothing moves yet.`,
      disruptive: false,
      commands: [
        exec('add', 'name', name, 'type', 'bridge', 'stp_state', '0', 'forward_delay', '0'),
        exec('set', 'dev', name, 'address', mac, 'mtu', mtu),
        exec('set', 'dev', name, 'up'),
      ],
      inverse: [exec('del', 'dev', name)],
      expect,
    };
  }

  const commands: Command[] = [];
  const inverse: Command[] = [];
  const stp = existing.bridge?.stpState ?? 0;
  const delay = existing.bridge?.forwardDelay ?? 0;
  if (stp !== 0) {
    commands.push(exec('set', 'dev', name, 'type', 'bridge', 'stp_state', '0'));
    inverse.unshift(exec('set', 'dev', name, 'type', 'bridge', 'stp_state', checkedNumber(stp, 'STP state')));
  }
  if (delay !== 0) {
    commands.push(exec('set', 'dev', name, 'type', 'bridge', 'forward_delay', '0'));
    inverse.unshift(
      exec('set', 'dev', name, 'type', 'bridge', 'forward_delay', checkedNumber(delay, 'forward delay')),
    );
  }
  if (existing.mac?.toLowerCase() !== uplink.mac?.toLowerCase() || existing.mtu !== uplink.mtu) {
    commands.push(exec('set', 'dev', name, 'address', mac, 'mtu', mtu));
    inverse.unshift(
      exec(
        'set',
        'dev',
        name,
        'address',
        checkedMac(existing.mac),
        'mtu',
        checkedNumber(existing.mtu, 'MTU'),
      ),
    );
  }
  if (!existing.flags.includes('UP')) {
    commands.push(exec('set', 'dev', name, 'up'));
    inverse.unshift(exec('set', 'dev', name, 'down'));
  }
  if (commands.length === 0) return null;
  return {
    id: 'stage-bridge',
    kind: 'stage-bridge',
    title: `Adjust bridge ${bridge} for ${uplink.name}`,
    detail: `${bridge} already exists: it takes MAC ${mac} and MTU ${mtu}, STP off and forward delay 0; its ports stay.`,
    disruptive: false,
    commands,
    inverse,
    expect,
  };
}
