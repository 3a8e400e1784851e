/** Whether a plan still fits the host it is about to change (plan/stale-plan.ts). */
import { describe, expect, it } from 'vitest';
import type { HostSnapshot } from '../../../source/host/snapshot.js';
import { changesSincePlan } from '../../../source/plan/stale-plan.js';
import { address, baseSnapshot, dhcpClient, link, natRule } from './fixtures.js';

const PLAN = { nic: 'ens18', bridge: 'fcbr0' };
const UDHCPC = ['udhcpc', '-f', '-i', 'ens18', '-s', '/etc/udhcpc.sh'];

function host(change: (snapshot: HostSnapshot) => void = () => {}): HostSnapshot {
  const snapshot = baseSnapshot();
  snapshot.dhcpClients = [dhcpClient(700, UDHCPC, { ifname: 'ens18', startTime: '5000' })];
  change(snapshot);
  return snapshot;
}

describe('changesSincePlan', () => {
  it('finds nothing on the same host, nor in what changes by itself (lifetimes count down)', () => {
    const before = host((snapshot) => {
      snapshot.addresses = snapshot.addresses.map((entry) => ({ ...entry, validLft: 3600 }));
    });
    const now = host((snapshot) => {
      snapshot.addresses = snapshot.addresses.map((entry) => ({ ...entry, validLft: 3001 }));
    });
    expect(changesSincePlan(PLAN, before, now)).toEqual([]);
  });

  it("names the uplink's client restarted under a new pid (a guardian's revert meanwhile)", () => {
    const now = host((snapshot) => {
      snapshot.dhcpClients = [dhcpClient(812, UDHCPC, { ifname: 'ens18', startTime: '9100' })];
    });
    expect(changesSincePlan(PLAN, host(), now)).toEqual([
      'udhcpc (pid 700: udhcpc -f -i ens18 -s /etc/udhcpc.sh) is no longer running',
      'udhcpc (pid 812: udhcpc -f -i ens18 -s /etc/udhcpc.sh) runs now and did not before',
    ]);
  });

  it('tells a reused pid from the process the plan saw by its start time', () => {
    const now = host((snapshot) => {
      snapshot.dhcpClients = [dhcpClient(700, UDHCPC, { ifname: 'ens18', startTime: '9100' })];
    });
    expect(changesSincePlan(PLAN, host(), now)).toHaveLength(2);
  });

  it('escapes the argv of a process that appeared (anyone writes their own argv)', () => {
    const now = host((snapshot) => {
      snapshot.dhcpClients.push(
        dhcpClient(900, ['udhcpc', '-i', 'ens18', '\x1b[2J'], { ifname: 'ens18', uid: 1000, euid: 1000 }),
      );
    });
    const [line] = changesSincePlan(PLAN, host(), now);
    expect(line).toBe("udhcpc (pid 900: udhcpc -i ens18 $'\\x1b[2J') runs now and did not before");
  });

  it("ignores clients of other interfaces, of other namespaces, and NetworkManager's", () => {
    const now = host((snapshot) => {
      snapshot.dhcpClients.push(
        dhcpClient(901, ['udhcpc', '-i', 'eth1'], { ifname: 'eth1' }),
        dhcpClient(902, UDHCPC, { ifname: 'ens18', sameNetns: false }),
        dhcpClient(903, ['/sbin/dhclient', '-sf', '/usr/lib/NetworkManager/nm-dhcp-helper', 'ens18']),
      );
    });
    expect(changesSincePlan(PLAN, host(), now)).toEqual([]);
  });

  it('names a bridge that exists now, and a NAT rule for the bridge that is new', () => {
    const now = host((snapshot) => {
      snapshot.links.push(link('fcbr0', { kind: 'bridge' }));
      snapshot.addresses.push(address('fcbr0', '203.0.113.1/24'));
      snapshot.netfilter.natRules.push(natRule({ bridge: 'fcbr0', interfaces: ['fcbr0'] }));
    });
    const changes = changesSincePlan(PLAN, host(), now);
    expect(changes).toContain('bridge fcbr0 exists but did not before');
    expect(changes).toContain('address 203.0.113.1/24 on fcbr0 was not there before');
    expect(changes).toContain(
      'the NAT rule "-A POSTROUTING -s 203.0.113.0/24 -o ens18 -j MASQUERADE" is new or moved',
    );
  });
});
