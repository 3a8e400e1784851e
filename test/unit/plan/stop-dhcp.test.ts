import { describe, expect, it } from 'vitest';
import { buildStopDhcpStep, dhcpClientsServing, stopSignal } from '../../../source/plan/steps/stop-dhcp.js';
import { dhcpClient } from './fixtures.js';

describe('stop-dhcp step', () => {
  const dhclient = dhcpClient(612, ['/sbin/dhclient', '-4', '-v', '-pf', '/run/dhclient.ens18.pid', 'ens18']);
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
    expect(step?.commands).toEqual([
      { kind: 'exec', argv: ['kill', '-KILL', '612'] },
      { kind: 'exec', argv: ['kill', '-TERM', '700'] },
    ]);
    expect(step?.inverse).toEqual([
      { kind: 'spawn-detached', argv: udhcpc.argv },
      { kind: 'spawn-detached', argv: dhclient.argv },
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

  it('is left out when no client serves the uplink', () => {
    expect(buildStopDhcpStep([], 'ens18')).toBeNull();
  });
});
