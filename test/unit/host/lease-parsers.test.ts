/**
 * The lease-identity parsers against the files their programs really wrote (fixtures captured in
 * the lab: systemd-networkd 252, ISC dhclient 4.4.3-P1, with dnsmasq as the server; the client id
 * each test expects is the one dnsmasq recorded for that lease), and against hostile variants of
 * them: huge, non-hex, NUL, CR/LF, unbalanced. A bad file is a problem sentence, never an exception.
 */
import { describe, expect, it } from 'vitest';
import {
  clientIdFromColonHex,
  clientIdFromHexRun,
  macClientId,
} from '../../../source/host/parse/client-id.js';
import {
  dhclientConfClientId,
  dhclientDefaultDuid,
  parseDhclientLeases,
} from '../../../source/host/parse/dhclient-lease.js';
import {
  dhcpcdClientId,
  dhcpcdIdentityMode,
  parseDuidFile,
} from '../../../source/host/parse/dhcpcd-identity.js';
import { networkdLeasePath, parseNetworkdLease } from '../../../source/host/parse/networkd-lease.js';
import { nmLeaseFileNames, parseNmLease } from '../../../source/host/parse/nm-lease.js';
import { udhcpcClientId } from '../../../source/host/parse/udhcpc-client-id.js';
import { fixture } from './fixture.js';

/** What dnsmasq's lease file recorded for the lab host (MAC 02:62:6d:00:00:18) in each capture. */
const DNSMASQ = {
  networkdMac: '01:02:62:6d:00:00:18',
  networkdDuid: 'ff:ca:d8:30:2e:00:02:00:00:ab:11:00:33:bd:eb:f9:5e:19:2c',
  dhclientDashI: 'ff:6d:00:00:18:00:01:00:01:32:a2:d6:e2:02:62:6d:00:00:18',
};

describe('client id spellings', () => {
  it('reads hex runs and colon hex strictly', () => {
    expect(clientIdFromHexRun('0102626D000018')).toBe('01:02:62:6d:00:00:18');
    expect(clientIdFromColonHex('1:2:62:6d:0:0:18')).toBe('01:02:62:6d:00:00:18');
    for (const bad of ['', '01', '0102x3', '012', '01 02', '01:02\r', `01${'00'.repeat(255)}`])
      expect(clientIdFromHexRun(bad)).toBeNull();
    for (const bad of ['1', '1:2:', '1::2', '100:2', '1:g', '1:2\n'])
      expect(clientIdFromColonHex(bad)).toBeNull();
    expect(macClientId('02:62:6D:00:00:18')).toBe('01:02:62:6d:00:00:18');
    expect(macClientId('02:62:6d:00:00')).toBeNull();
  });
});

describe('networkd lease files (systemd 252)', () => {
  it('reads the client id networkd sent with ClientIdentifier=mac and with its default DUID', () => {
    expect(parseNetworkdLease(fixture('networkd-lease-mac-lab.txt'))).toEqual({
      ok: true,
      value: { address: '198.51.100.240', clientId: DNSMASQ.networkdMac, lifetimeSec: 120 },
    });
    expect(parseNetworkdLease(fixture('networkd-lease-duid-lab.txt'))).toMatchObject({
      ok: true,
      value: { clientId: DNSMASQ.networkdDuid },
    });
  });

  it('finds the lease file through the link state file, only its own', () => {
    const link = fixture('networkd-link-lab.txt');
    expect(networkdLeasePath(link, 2)).toBe('/run/systemd/netif/leases/2');
    expect(networkdLeasePath(link, 3)).toBeNull();
    expect(networkdLeasePath(link.replace(/^DHCP_LEASE=.*\n/m, ''), 2)).toBeNull();
    expect(networkdLeasePath(link.replace('leases/2', '../../../etc/shadow'), 2)).toBeNull();
  });

  it('refuses hostile variants with a reason', () => {
    const real = fixture('networkd-lease-mac-lab.txt');
    const cases: Array<[string, string]> = [
      [
        real.replace('CLIENTID=0102626d000018', 'CLIENTID=01zz626d000018'),
        'has a CLIENTID that is not 2 to 255 hex bytes',
      ],
      [
        real.replace('CLIENTID=0102626d000018', `CLIENTID=${'ab'.repeat(300)}`),
        'has a CLIENTID that is not 2 to 255 hex bytes',
      ],
      [real.replace(/^CLIENTID=.*\n/m, ''), 'names no CLIENTID'],
      [real.replace('\nCLIENTID', '\0\nCLIENTID'), 'holds control characters'],
      // networkd never writes a CR: a line ending in one is not its KEY=VALUE line.
      [real.replaceAll('\n', '\r\n'), 'has a line that is not KEY=VALUE'],
      [real.replace('ADDRESS=198.51.100.240', 'ADDRESS=198.51.100.999'), 'has an ADDRESS that is not IPv4'],
      [`${real}garbage line\n`, 'has a line that is not KEY=VALUE'],
      [real.replace('LIFETIME=120', 'LIFETIME=-1'), 'has a LIFETIME that is not a number of seconds'],
    ];
    for (const [text, problem] of cases) expect(parseNetworkdLease(text)).toEqual({ ok: false, problem });
  });
});

describe('dhclient lease database (ISC dhclient 4.4.3)', () => {
  it('takes the last lease for the interface, its address and end; no client id unless echoed', () => {
    const text = fixture('dhclient-leases-lab.txt');
    expect(parseDhclientLeases(text, 'ens18')).toEqual({
      ok: true,
      value: {
        address: '198.51.100.240',
        clientId: undefined,
        expiresAt: Date.UTC(2026, 11, 2, 13, 15, 24),
      },
    });
    expect(parseDhclientLeases(text, 'ens19')).toEqual({ ok: true, value: null });
    const older = text.replace('198.51.100.240', '198.51.100.7').replace('13:15:24', '12:00:00');
    const echoed = text.replace(
      '  option dhcp-lease-time 120;',
      '  option dhcp-client-identifier 1:2:62:6d:0:0:18;\n  option dhcp-lease-time 120;',
    );
    expect(parseDhclientLeases(`${older}${echoed}`, 'ens18')).toMatchObject({
      ok: true,
      value: { address: '198.51.100.240', clientId: '01:02:62:6d:00:00:18' },
    });
    expect(
      parseDhclientLeases(text.replace(/expire .*;/, 'expire epoch 1796217324; # Wed Dec 02'), 'ens18'),
    ).toMatchObject({ ok: true, value: { expiresAt: 1796217324000 } });
    expect(parseDhclientLeases(text.replace(/expire .*;/, 'expire never;'), 'ens18')).toMatchObject({
      ok: true,
      value: { expiresAt: null },
    });
  });

  it('reads the DUID dhclient -i keeps, which with the MAC makes the id dnsmasq recorded', () => {
    const duid = dhclientDefaultDuid(fixture('dhclient-leases-duid-lab.txt'));
    expect(duid).toEqual({ ok: true, value: '00:01:00:01:32:a2:d6:e2:02:62:6d:00:00:18' });
    expect(`ff:6d:00:00:18:${duid.ok ? duid.value : ''}`).toBe(DNSMASQ.dhclientDashI);
    expect(dhclientDefaultDuid(fixture('dhclient-leases-lab.txt'))).toEqual({ ok: true, value: null });
    expect(dhclientDefaultDuid('default-duid "\\400\\001";\n')).toEqual({
      ok: false,
      problem: 'has a default-duid it cannot read',
    });
  });

  it('refuses hostile databases with a reason', () => {
    const text = fixture('dhclient-leases-lab.txt');
    const cases: Array<[string, string]> = [
      [text.replace('}', ''), 'is not a dhclient lease database'],
      [`${text}}`, 'is not a dhclient lease database'],
      [text.replace('interface', 'inter\0face'), 'is not a dhclient lease database'],
      [text.replace('interface "ens18"', 'interface "ens18'), 'is not a dhclient lease database'],
      [
        text.replace('fixed-address 198.51.100.240', 'fixed-address 1.2.3'),
        'has a fixed-address that is not IPv4',
      ],
      [text.replace(/expire .*;/, 'expire 3 2026/02/31 13:15:24;'), 'has an expire date it cannot read'],
      [
        text.replace(
          '  option dhcp-lease-time',
          '  option dhcp-client-identifier 1:2:zz;\n  option dhcp-lease-time',
        ),
        'has a dhcp-client-identifier it cannot read',
      ],
      ['{'.repeat(100), 'is not a dhclient lease database'],
    ];
    for (const [bad, problem] of cases)
      expect(parseDhclientLeases(bad, 'ens18')).toEqual({ ok: false, problem });
    // CR/LF line ends are whitespace to dhclient's own lexer: the same lease.
    expect(parseDhclientLeases(text.replaceAll('\n', '\r\n'), 'ens18')).toMatchObject({ ok: true });
    // A megabyte of one word, never ended by ';', is read in bounded time and refused.
    expect(parseDhclientLeases('x'.repeat(1_000_000), 'ens18')).toEqual({
      ok: false,
      problem: 'is not a dhclient lease database',
    });
    expect(parseDhclientLeases(`${'x '.repeat(100_000)};`, 'ens18')).toEqual({ ok: true, value: null });
  });

  it('reads what dhclient.conf makes it send: the interface block first, none by default', () => {
    const mac = '02:62:6d:00:00:18';
    expect(dhclientConfClientId('request subnet-mask, routers;\n', 'ens18', mac)).toEqual({
      ok: true,
      value: null,
    });
    const conf = `send dhcp-client-identifier 1:2:62:6d:0:0:18;
interface "ens19" { send dhcp-client-identifier "lab-host"; }
`;
    expect(dhclientConfClientId(conf, 'ens18', mac)).toEqual({ ok: true, value: '01:02:62:6d:00:00:18' });
    expect(dhclientConfClientId(conf, 'ens19', mac)).toEqual({ ok: true, value: '6c:61:62:2d:68:6f:73:74' });
    expect(dhclientConfClientId('send dhcp-client-identifier = hardware;', 'ens18', mac)).toEqual({
      ok: true,
      value: '01:02:62:6d:00:00:18',
    });
    expect(dhclientConfClientId('send dhcp-client-identifier = concat("a", "b");', 'ens18', mac)).toEqual({
      ok: true,
      value: undefined,
    });
    expect(dhclientConfClientId('interface "ens18" {', 'ens18', mac)).toMatchObject({ ok: false });
  });
});

describe('udhcpc argv (busybox 1.35)', () => {
  it('sends 01+MAC by default, none with -C, and what -x 61: says', () => {
    expect(udhcpcClientId(['-f', '-i', 'ens18', '-s', '/x.sh'])).toEqual({ kind: 'default' });
    expect(udhcpcClientId(['-C', '-i', 'ens18'])).toEqual({ kind: 'none' });
    expect(udhcpcClientId(['--clientid-none', '-i', 'ens18'])).toEqual({ kind: 'none' });
    expect(udhcpcClientId(['-fC', '-i', 'ens18'])).toEqual({ kind: 'none' });
    expect(udhcpcClientId(['-i', 'ens18', '-x', '61:FF00112233aabb'])).toEqual({
      kind: 'argv',
      clientId: 'ff:00:11:22:33:aa:bb',
    });
    expect(udhcpcClientId(['-x0x3d:01:02:62:6d:00:00:18'])).toEqual({
      kind: 'argv',
      clientId: '01:02:62:6d:00:00:18',
    });
    // Other -x options and values that merely look like flags are not client ids.
    expect(udhcpcClientId(['-x', 'hostname:lab', '-s', '-C'])).toEqual({ kind: 'default' });
  });

  it('reads option 61 however busybox reads its code, and -C in its abbreviated long forms', () => {
    // bb_strtou(code, 0): decimal, 0x hex and 0-led octal are all option 61; ':' '=' ' ' end the code.
    for (const value of [
      '075:ff00c0ffee0043',
      '0X3D:ff00c0ffee0043',
      '61=ff00c0ffee0043',
      '0x03d:ff00c0ffee0043',
    ])
      expect(udhcpcClientId(['-i', 'ens18', '-x', value])).toEqual({
        kind: 'argv',
        clientId: 'ff:00:c0:ff:ee:00:43',
      });
    // 061 is octal 49, not 61; 610 is not 61.
    expect(udhcpcClientId(['-x', '061:ff00c0ffee0043'])).toEqual({ kind: 'default' });
    expect(udhcpcClientId(['-x', '610:ff00c0ffee0043'])).toEqual({ kind: 'default' });
    // getopt_long takes a unique prefix: busybox 1.35 accepts both as --clientid-none.
    expect(udhcpcClientId(['--clientid', '-i', 'ens18'])).toEqual({ kind: 'none' });
    expect(udhcpcClientId(['--clien', '-i', 'ens18'])).toEqual({ kind: 'none' });
    // A long option's value is not read as an option of its own.
    expect(udhcpcClientId(['--hostn', '-C', '-i', 'ens18'])).toEqual({ kind: 'default' });
  });

  it('refuses an id it cannot read', () => {
    for (const value of ['61:zz', '61:0', '61:"lab"', `61:${'ab'.repeat(256)}`, '61:01\n02'])
      expect(udhcpcClientId(['-x', value])).toMatchObject({ kind: 'unreadable' });
    expect(udhcpcClientId(['-x', '61:0102', '-x', '61:0103'])).toMatchObject({ kind: 'unreadable' });
  });
});

describe('dhcpcd identity', () => {
  const mac = 'bc:24:11:5e:8a:01';
  it('uses DUID+IAID (IAID = last 4 bytes of the MAC) with duid, 01+MAC with clientid, none otherwise', () => {
    const duid = parseDuidFile('00:01:00:01:2c:8f:1e:44:bc:24:11:5e:8a:01\n');
    expect(duid).toBe('00:01:00:01:2c:8f:1e:44:bc:24:11:5e:8a:01');
    const shipped = 'hostname\n# Use the same DUID + IAID as set in DHCPv6\nduid\npersistent\n';
    expect(dhcpcdClientId(dhcpcdIdentityMode(shipped, 'eno1'), duid, mac)).toBe(
      'ff:11:5e:8a:01:00:01:00:01:2c:8f:1e:44:bc:24:11:5e:8a:01',
    );
    expect(dhcpcdIdentityMode('duid\ninterface eno1\nclientid\n', 'eno1')).toEqual({ kind: 'clientid' });
    expect(dhcpcdIdentityMode('duid\ninterface eno2\nclientid\n', 'eno1')).toEqual({ kind: 'duid' });
    expect(dhcpcdClientId({ kind: 'clientid' }, null, mac)).toBe('01:bc:24:11:5e:8a:01');
    expect(dhcpcdIdentityMode('hostname\n', 'eno1')).toEqual({ kind: 'none' });
    expect(dhcpcdIdentityMode(null, 'eno1')).toEqual({ kind: 'none' });
  });

  it('leaves forms it does not follow unknown, and refuses a bad DUID file', () => {
    expect(dhcpcdIdentityMode('clientid 01:02\n', 'eno1')).toMatchObject({ kind: 'unreadable' });
    expect(dhcpcdIdentityMode('duid\ninterface eno1\niaid 7\n', 'eno1')).toMatchObject({
      kind: 'unreadable',
    });
    expect(dhcpcdIdentityMode('duid\0\n', 'eno1')).toMatchObject({ kind: 'unreadable' });
    for (const bad of ['', '00:01\n00:02', '00:01:zz', '\0\0'.repeat(10)])
      expect(parseDuidFile(bad)).toBeNull();
  });
});

describe('NetworkManager internal lease files (composed: NetworkManager is not installed here)', () => {
  it('picks the interface’s file by name, reads CLIENTID when the old sd-dhcp format has one', () => {
    const names = [
      'internal-8a3b0f3e-2c1d-4e5f-9a8b-7c6d5e4f3a2b-ens18.lease',
      'internal-8a3b0f3e-2c1d-4e5f-9a8b-7c6d5e4f3a2b-ens180.lease',
      'dhclient-ens18.conf',
      'internal-x-ens18.lease',
    ];
    expect(nmLeaseFileNames(names, 'ens18')).toEqual([names[0]]);
    // nm-dhcp-nettools.c lease_save writes exactly this: a header and ADDRESS=.
    expect(parseNmLease('# This is private data. Do not parse.\nADDRESS=198.51.100.23\n')).toEqual({
      ok: true,
      value: { address: '198.51.100.23', clientId: undefined },
    });
    expect(parseNmLease(fixture('networkd-lease-mac-lab.txt'))).toEqual({
      ok: true,
      value: { address: '198.51.100.240', clientId: DNSMASQ.networkdMac },
    });
    expect(parseNmLease('ADDRESS=198.51.100.23\nCLIENTID=0\n')).toMatchObject({ ok: false });
    expect(parseNmLease('ADDRESS=198.51.100.23\r\n')).toMatchObject({ ok: false });
  });
});
