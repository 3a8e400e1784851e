import { describe, expect, it } from 'vitest';
import {
  describeDhcpClient,
  isClientExe,
  netnsInode,
  parseCmdline,
  parsePsDhcpCandidates,
  parseStatusUids,
} from '../../../source/host/parse/dhcp-clients.js';

// Composed in the shape of `ps -eo pid=,netns=,args=` (procps-ng 4): right-aligned pid, netns inode or "-".
const PS = [
  '      1          - /sbin/init',
  '    812 4026531840 /sbin/dhclient -4 -v -i -pf /run/dhclient.ens18.pid -lf /var/lib/dhcp/dhclient.ens18.leases -I -df /var/lib/dhcp/dhclient6.ens18.leases ens18',
  '    901 4026532299 udhcpc -i ens18 -n -q -t 5 -T 1 -s /tmp/bm/udhcpc.sh',
  '    955 4026531840 dhcpcd: ens19 [ip4]',
  '    956 4026531840 busybox udhcpc -f -i eth1',
  '   1200 4026531840 vim /etc/dhcp/dhclient.conf',
  '   1201 4026531840 [kworker/0:1-events]',
].join('\n');

describe('DHCP client discovery', () => {
  it('keeps only DHCP clients from ps, with their netns inode', () => {
    expect(parsePsDhcpCandidates(PS).map((candidate) => [candidate.pid, candidate.netns])).toEqual([
      [812, '4026531840'],
      [901, '4026532299'],
      [955, '4026531840'],
      [956, '4026531840'],
    ]);
  });

  it('refuses a line that is not "PID NETNS COMMAND", naming it', () => {
    expect(() =>
      parsePsDhcpCandidates(`${PS}\nerror: unknown user-defined format specifier "netns"`),
    ).toThrow(
      'could not parse ps -eo pid=,netns=,args=: line 8 "error: unknown user-defined format specifier \\"netns\\"" is not "PID NETNS COMMAND"',
    );
  });

  it('reads argv from /proc/PID/cmdline, NUL-separated', () => {
    expect(parseCmdline('/sbin/dhclient\0-4\0ens18\0')).toEqual(['/sbin/dhclient', '-4', 'ens18']);
    expect(parseCmdline('dhcpcd: ens19 [ip4]\0\0\0\0')).toEqual(['dhcpcd:', 'ens19', '[ip4]']);
  });

  it('finds the interface of dhclient past options with values (as Debian ifupdown starts it)', () => {
    const argv =
      '/sbin/dhclient -4 -v -i -pf /run/dhclient.ens18.pid -lf /var/lib/dhcp/dhclient.ens18.leases -I -df /var/lib/dhcp/dhclient6.ens18.leases ens18'.split(
        ' ',
      );
    expect(describeDhcpClient(argv)).toEqual({ program: 'dhclient', ifname: 'ens18' });
    const nm = [
      '/sbin/dhclient',
      '-d',
      '-q',
      '-sf',
      '/usr/lib/NetworkManager/nm-dhcp-helper',
      '-pf',
      '/run/dhclient-ens3.pid',
      '-lf',
      '/var/lib/NetworkManager/dhclient-ens3.lease',
      '-cf',
      '/var/lib/NetworkManager/dhclient-ens3.conf',
      'ens3',
    ];
    expect(describeDhcpClient(nm).ifname).toBe('ens3');
  });

  it('finds the interface of udhcpc in every getopt form, and its eth0 default', () => {
    expect(describeDhcpClient(['udhcpc', '-i', 'ens18', '-n', '-q']).ifname).toBe('ens18');
    expect(describeDhcpClient(['udhcpc', '-ifoo0']).ifname).toBe('foo0');
    expect(describeDhcpClient(['udhcpc', '-nqi', 'ens19']).ifname).toBe('ens19');
    expect(describeDhcpClient(['udhcpc', '-s', '/x/script', '--interface=ens20']).ifname).toBe('ens20');
    expect(describeDhcpClient(['/bin/busybox', 'udhcpc', '-f']).ifname).toBe('eth0');
  });

  it('reads dhcpcd from argv and from its process title; manager mode names no interface', () => {
    expect(describeDhcpClient(['dhcpcd', '-q', '-t', '30', 'ens18'])).toEqual({
      program: 'dhcpcd',
      ifname: 'ens18',
    });
    expect(describeDhcpClient(['dhcpcd:', 'ens19', '[ip4]']).ifname).toBe('ens19');
    expect(describeDhcpClient(['dhcpcd:', '[manager]', '[ip4]', '[ip6]']).ifname).toBeNull();
    expect(describeDhcpClient(['/usr/sbin/dhcpcd', '-b'])).toEqual({ program: 'dhcpcd', ifname: null });
  });

  it('does not take other programs for DHCP clients', () => {
    expect(describeDhcpClient(['vim', 'dhclient.conf']).program).toBe('other');
  });

  it('reads the netns inode from a /proc/PID/ns/net link', () => {
    expect(netnsInode('net:[4026531840]')).toBe('4026531840');
    expect(netnsInode(null)).toBeNull();
    expect(netnsInode('mnt:[4026531841]')).toBeNull();
  });

  it('reads the real and effective uid from /proc/PID/status', () => {
    const status =
      'Name:\tdhclient\nUmask:\t0022\nState:\tS (sleeping)\nUid:\t65534\t0\t65534\t65534\nGid:\t65534\t65534\t65534\t65534\n';
    expect(parseStatusUids(status)).toEqual({ uid: 65534, euid: 0 });
    expect(parseStatusUids('Name:\tx\n')).toBeNull();
    expect(parseStatusUids(null)).toBeNull();
  });

  it('knows a DHCP client by the program the kernel runs, busybox only as udhcpc', () => {
    expect(isClientExe('dhclient', '/usr/sbin/dhclient')).toBe(true);
    expect(isClientExe('dhclient', '/usr/sbin/dhclient (deleted)')).toBe(true);
    expect(isClientExe('dhclient', '/usr/bin/perl')).toBe(false);
    expect(isClientExe('dhclient', '/bin/busybox')).toBe(false);
    expect(isClientExe('udhcpc', '/bin/busybox')).toBe(true);
    expect(isClientExe('udhcpc', '/usr/sbin/udhcpc')).toBe(true);
    expect(isClientExe('dhcpcd', '/usr/sbin/dhcpcd')).toBe(true);
    expect(isClientExe('dhcpcd', 'dhcpcd')).toBe(false);
    expect(isClientExe('dhclient', null)).toBe(false);
  });
});
