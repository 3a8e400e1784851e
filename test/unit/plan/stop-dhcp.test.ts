import { describe, expect, it } from 'vitest';
import type { DhcpClient } from '../../../source/host/snapshot.js';
import {
  buildStopDhcpStep,
  dhcpClientsLeftAlone,
  dhcpClientsServing,
  stopSignal,
  whyNotOurs,
} from '../../../source/plan/steps/stop-dhcp.js';
import { dhcpClient } from './fixtures.js';

describe('stop-dhcp step', () => {
  const dhclient = dhcpClient(
    612,
    ['/sbin/dhclient', '-4', '-v', '-pf', '/run/dhclient.ens18.pid', 'ens18'],
    {
      startTime: '31337',
    },
  );
  const udhcpc = dhcpClient(700, ['udhcpc', '-i', 'ens18', '-p', '/run/udhcpc.pid'], { ifname: 'ens18' });

  it('kills dhclient and dhcpcd outright and lets udhcpc exit on TERM unless it would release', () => {
    expect(stopSignal(dhclient)).toBe('KILL');
    expect(stopSignal(dhcpClient(5, ['dhcpcd', '-b', 'ens18']))).toBe('KILL');
    expect(stopSignal(udhcpc)).toBe('TERM');
    expect(stopSignal(dhcpClient(6, ['udhcpc', '-qR', '-i', 'ens18'], { ifname: 'ens18' }))).toBe('KILL');
    expect(stopSignal(dhcpClient(7, ['udhcpc', '--release', '-i', 'ens18'], { ifname: 'ens18' }))).toBe(
      'KILL',
    );
  });

  it('stops the clients of the uplink and restarts them detached with their own argv, last first', () => {
    const step = buildStopDhcpStep([dhclient, udhcpc], 'ens18');
    // Each signal names the process the probe saw: its start time (unknown: null) and argv.
    expect(step?.commands).toEqual([
      { kind: 'signal', pid: 612, signal: 'KILL', startTime: '31337', argv: dhclient.argv },
      { kind: 'signal', pid: 700, signal: 'TERM', startTime: null, argv: udhcpc.argv },
    ]);
    expect(step?.inverse).toEqual([
      { kind: 'spawn-detached', argv: ['/bin/busybox', 'udhcpc', '-i', 'ens18', '-p', '/run/udhcpc.pid'] },
      {
        kind: 'spawn-detached',
        argv: ['/sbin/dhclient', '-4', '-v', '-pf', '/run/dhclient.ens18.pid', 'ens18'],
      },
    ]);
    expect(step?.expect).toEqual([
      { kind: 'process-gone', pid: 612 },
      { kind: 'process-gone', pid: 700 },
    ]);
  });

  it("touches only clients of this namespace that serve the uplink, not NetworkManager's", () => {
    const clients = [
      dhclient,
      dhcpClient(1, ['udhcpc', '-i', 'eth1'], { ifname: 'eth1' }),
      dhcpClient(2, ['udhcpc', '-i', 'ens18'], { ifname: 'ens18', sameNetns: false }),
      dhcpClient(3, ['/sbin/dhclient'], { ifname: null }),
      dhcpClient(4, ['dhcpcd'], { ifname: null }),
      dhcpClient(8, ['/sbin/dhclient', '-d', '-sf', '/usr/lib/NetworkManager/nm-dhcp-helper', 'ens18']),
    ];
    expect(dhcpClientsServing(clients, 'ens18').map((client) => client.pid)).toEqual([612, 3, 4]);
  });

  it("never takes another user's process, or a root process of another program, for the uplink's client", () => {
    const nobody = dhcpClient(20, ['dhclient', 'ens18'], { uid: 65534, euid: 65534, exe: '/tmp/x/dhclient' });
    const setuid = dhcpClient(21, ['dhclient', 'ens18'], { uid: 1000, euid: 0 });
    const perl = dhcpClient(22, ['dhclient', 'ens18'], { exe: '/usr/bin/perl' });
    const unreadable = dhcpClient(23, ['dhclient', 'ens18'], { uid: null, euid: null, exe: null });
    const clients = [dhclient, nobody, setuid, perl, unreadable];
    expect(dhcpClientsServing(clients, 'ens18').map((client) => client.pid)).toEqual([612]);
    expect(dhcpClientsLeftAlone(clients, 'ens18').map((client) => whyNotOurs(client))).toEqual([
      "(pid 20, uid 65534) is not root's",
      "(pid 21, uid 1000, euid 0) is not root's",
      '(pid 22) runs /usr/bin/perl, which is not a dhclient program',
      '(pid 23): who runs it cannot be read from /proc/23/status',
    ]);
    const step = buildStopDhcpStep(dhcpClientsServing(clients, 'ens18'), 'ens18');
    expect(step?.commands).toEqual([
      { kind: 'signal', pid: 612, signal: 'KILL', startTime: '31337', argv: dhclient.argv },
    ]);
    // A plan built from a hand-edited list still cannot restart a process that is not ours.
    expect(() => buildStopDhcpStep([nobody], 'ens18')).toThrow(/not a client the plan may restart/);
  });

  it('restarts busybox udhcpc as its applet, and dhcpcd from its process title by interface', () => {
    const applet = dhcpClient(30, ['/bin/busybox', 'udhcpc', '-f', '-i', 'ens18'], { ifname: 'ens18' });
    const own = dhcpClient(31, ['udhcpc', '-f', '-i', 'ens18'], { ifname: 'ens18', exe: '/usr/sbin/udhcpc' });
    const titled = dhcpClient(32, ['dhcpcd:', 'ens18', '[ip4]'], {
      program: 'dhcpcd',
      ifname: 'ens18',
      exe: '/usr/sbin/dhcpcd',
    });
    const upgraded = dhcpClient(33, ['/sbin/dhclient', 'ens18'], { exe: '/usr/sbin/dhclient (deleted)' });
    const inverse = (client: DhcpClient) => buildStopDhcpStep([client], 'ens18')?.inverse[0];
    expect(inverse(applet)).toEqual({
      kind: 'spawn-detached',
      argv: ['/bin/busybox', 'udhcpc', '-f', '-i', 'ens18'],
    });
    expect(inverse(own)).toEqual({ kind: 'spawn-detached', argv: ['/usr/sbin/udhcpc', '-f', '-i', 'ens18'] });
    expect(inverse(titled)).toEqual({ kind: 'spawn-detached', argv: ['/usr/sbin/dhcpcd', 'ens18'] });
    expect(inverse(upgraded)).toEqual({ kind: 'spawn-detached', argv: ['/usr/sbin/dhclient', 'ens18'] });
  });

  it('is left out when no client serves the uplink', () => {
    expect(buildStopDhcpStep([], 'ens18')).toBeNull();
  });
});
