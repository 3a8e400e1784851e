/**
 * The dhcp-leases probe on composed hosts: which files it reads for which interface, what lease it
 * reports, and that a hostile or oversized file is a note and no lease, never a thrown error. The
 * file contents are the lab captures (test/unit/host/fixtures/*-lab.txt).
 */
import { describe, expect, it } from 'vitest';
import { probeDhcpLeases } from '../../../source/host/probes/dhcp-leases.js';
import type { Address, DhcpClient, Link } from '../../../source/host/snapshot.js';
import { address, dhcpClient, link as linkFixture } from '../plan/fixtures.js';
import { fakeHost } from './fake-host.js';
import { fixture } from './fixture.js';

const NOW = Date.UTC(2026, 11, 2, 13, 0, 0);
const MAC = '02:62:6d:00:00:18';

const link = (ifindex: number, name: string, mac: string | null = MAC): Link =>
  linkFixture(name, { ifindex, mac, flags: [], driver: null });

const dynamicAddress = (ifname: string, validLft: number | null = 100): Address =>
  address(ifname, '198.51.100.240/24', { dynamic: true, validLft, preferredLft: validLft });

const client = (program: DhcpClient['program'], argv: string[], exe: string, ifname = 'ens18'): DhcpClient =>
  dhcpClient(700, argv, { program, ifname, sameNetns: true, uid: 0, euid: 0, exe });

const NETWORKD_LINK = fixture('networkd-link-lab.txt');

async function probe(
  files: Record<string, string>,
  facts: { clients?: DhcpClient[]; addresses?: Address[]; links?: Link[]; nm?: boolean } = {},
) {
  const host = fakeHost({
    commands: {},
    files,
    dirs: { '/var/lib/NetworkManager': Object.keys(files).map((p) => p.split('/').at(-1) as string) },
  });
  const outcome = await probeDhcpLeases(
    {
      runner: host.runner,
      files: host.files,
      env: { uid: 0, sshConnection: null, rootDir: '/srv/root' },
      tools: {},
    },
    {
      links: facts.links ?? [link(1, 'lo', null), link(2, 'ens18')],
      addresses: facts.addresses ?? [dynamicAddress('ens18')],
      dhcpClients: facts.clients ?? [],
      renderer: {
        networkManager: {
          available: Boolean(facts.nm),
          running: Boolean(facts.nm),
          devices: facts.nm ? { ens18: { type: 'ethernet', state: 'connected', connection: 'Wired' } } : {},
        },
      },
      nowMs: NOW,
    },
  );
  return { ...outcome, reads: host.reads };
}

describe('the dhcp-leases probe', () => {
  it("reads networkd's lease through its link state file, at the host's own paths (never under --root-dir)", async () => {
    const { value, note, reads } = await probe({
      '/run/systemd/netif/links/2': NETWORKD_LINK,
      '/run/systemd/netif/leases/2': fixture('networkd-lease-duid-lab.txt'),
    });
    expect(value).toEqual([
      {
        ifname: 'ens18',
        client: 'networkd',
        address: '198.51.100.240',
        clientId: 'ff:ca:d8:30:2e:00:02:00:00:ab:11:00:33:bd:eb:f9:5e:19:2c',
        source: 'lease-file',
        file: '/run/systemd/netif/leases/2',
        expiresAt: NOW + 100_000,
      },
    ]);
    expect(note).toBeNull();
    // lo holds no lease and runs no client: nothing of it is read.
    expect(reads).toEqual(['file /run/systemd/netif/links/2', 'file /run/systemd/netif/leases/2']);
  });

  it('turns a hostile networkd lease into a note and no lease', async () => {
    const huge = `CLIENTID=${'01'.repeat(40_000)}\n`;
    for (const [text, why] of [
      [
        fixture('networkd-lease-mac-lab.txt').replace('CLIENTID=01', 'CLIENTID=0g'),
        'has a CLIENTID that is not 2 to 255 hex bytes',
      ],
      [huge, 'is larger than 65536 bytes'],
      ['\0\0\0', 'holds control characters'],
    ] as const) {
      const { value, note } = await probe({
        '/run/systemd/netif/links/2': NETWORKD_LINK,
        '/run/systemd/netif/leases/2': text,
      });
      expect(value).toEqual([]);
      expect(note).toBe(`ens18: lease identity unknown: /run/systemd/netif/leases/2 ${why}`);
    }
  });

  it("reads udhcpc's identity from its argv: -x 61, -C, or its default 01+MAC", async () => {
    const busybox = (args: string[]) => client('udhcpc', ['udhcpc', ...args], '/usr/bin/busybox');
    const cases: Array<[string[], string | null, string]> = [
      [['-f', '-i', 'ens18'], `01:${MAC}`, 'client-default'],
      [['-f', '-C', '-i', 'ens18'], null, 'client-default'],
      [['-f', '-i', 'ens18', '-x', '61:ff00112233aabb'], 'ff:00:11:22:33:aa:bb', 'argv'],
    ];
    for (const [args, clientId, source] of cases) {
      const { value } = await probe({}, { clients: [busybox(args)] });
      expect(value).toEqual([
        {
          ifname: 'ens18',
          client: 'udhcpc',
          address: null,
          clientId,
          source,
          file: null,
          expiresAt: NOW + 100_000,
        },
      ]);
    }
  });

  it("believes only root's real client program: a user's process calling itself udhcpc is not read", async () => {
    const fake = {
      ...client('udhcpc', ['udhcpc', '-i', 'ens18', '-x', '61:0102'], '/usr/bin/busybox'),
      uid: 1000,
    };
    const other = client('udhcpc', ['udhcpc', '-i', 'ens18', '-x', '61:0102'], '/home/u/udhcpc-lookalike');
    for (const clients of [[fake], [other]]) expect((await probe({}, { clients })).value).toEqual([]);
  });

  it("reads dhclient's lease database from -lf and its identity: none by default, -i's DUID, the config's send", async () => {
    const argv = ['/sbin/dhclient', '-4', '-v', '-lf', '/var/lib/dhcp/custom.leases', 'ens18'];
    const dhclient = (args = argv) => client('dhclient', args, '/usr/sbin/dhclient');
    const plain = await probe(
      { '/var/lib/dhcp/custom.leases': fixture('dhclient-leases-lab.txt') },
      { clients: [dhclient()] },
    );
    expect(plain.value).toEqual([
      {
        ifname: 'ens18',
        client: 'dhclient',
        address: '198.51.100.240',
        clientId: null,
        source: 'client-default',
        file: '/var/lib/dhcp/custom.leases',
        expiresAt: Date.UTC(2026, 11, 2, 13, 15, 24),
      },
    ]);
    expect(plain.reads).toContain('file /etc/dhcp/dhclient.conf');

    const withDuid = await probe(
      { '/var/lib/dhcp/dhclient.ens18.leases': fixture('dhclient-leases-duid-lab.txt') },
      { clients: [dhclient(['/sbin/dhclient', '-4', '-v', '-i', '-I', 'ens18'])] },
    );
    // What dnsmasq recorded for that lease in the lab.
    expect(withDuid.value[0]?.clientId).toBe('ff:6d:00:00:18:00:01:00:01:32:a2:d6:e2:02:62:6d:00:00:18');
    expect(withDuid.value[0]?.source).toBe('lease-file');

    const configured = await probe(
      {
        '/var/lib/dhcp/custom.leases': fixture('dhclient-leases-lab.txt'),
        '/etc/dhcp/dhclient.conf':
          'interface "ens18" {\n  send dhcp-client-identifier 1:2:62:6d:0:0:18;\n}\n',
      },
      { clients: [dhclient()] },
    );
    expect(configured.value[0]).toMatchObject({
      clientId: `01:${MAC}`,
      source: 'config-file',
      file: '/etc/dhcp/dhclient.conf',
    });
  });

  it('asks a dhclient serving every interface only about those that hold a lease', async () => {
    const all = client('dhclient', ['dhclient', '-lf', '/l'], '/usr/sbin/dhclient');
    const links = [link(1, 'lo', null), link(2, 'ens18'), link(3, 'ens19')];
    const { value, note } = await probe(
      { '/l': fixture('dhclient-leases-lab.txt') },
      { clients: [{ ...all, ifname: null }], links },
    );
    expect(value.map((lease) => lease.ifname)).toEqual(['ens18']);
    expect(note).toBeNull();
  });

  it('notes a dhclient whose lease database is missing, relative or oversized', async () => {
    const cases: Array<[string[], Record<string, string>, string]> = [
      [['dhclient', 'ens18'], {}, 'dhclient (pid 700) has no lease file'],
      [['dhclient', '-lf', 'x.leases', 'ens18'], {}, "dhclient's -lf x.leases is not an absolute path"],
      [
        ['dhclient', '-lf', '/l', 'ens18'],
        { '/l': `${'#'.repeat(1_100_000)}\n` },
        '/l is larger than 1048576 bytes',
      ],
    ];
    for (const [argv, files, why] of cases) {
      const { value, note } = await probe(files, {
        clients: [client('dhclient', argv, '/usr/sbin/dhclient')],
      });
      expect(value).toEqual([]);
      expect(note).toBe(`ens18: lease identity unknown: ${why}`);
    }
  });

  it('derives dhcpcd’s RFC 4361 id from its DUID file and the MAC, as its shipped config asks', async () => {
    const { value } = await probe(
      {
        '/etc/dhcpcd.conf': 'duid\npersistent\n',
        '/var/lib/dhcpcd/duid': '00:01:00:01:2c:8f:1e:44:02:62:6d:00:00:18\n',
      },
      { clients: [client('dhcpcd', ['dhcpcd', '-q', 'ens18'], '/usr/sbin/dhcpcd')] },
    );
    expect(value).toEqual([
      {
        ifname: 'ens18',
        client: 'dhcpcd',
        address: null,
        clientId: 'ff:6d:00:00:18:00:01:00:01:2c:8f:1e:44:02:62:6d:00:00:18',
        source: 'client-default',
        file: '/var/lib/dhcpcd/duid',
        expiresAt: NOW + 100_000,
      },
    ]);
  });

  it("takes no identity from a lease file for an address the link does not hold (another namespace's link)", async () => {
    // ifindex 2 in this namespace is not the host's ifindex 2: /run/systemd/netif is the host's.
    const other = fixture('networkd-lease-duid-lab.txt').replace(
      'ADDRESS=198.51.100.240',
      'ADDRESS=203.0.113.77',
    );
    const networkd = await probe({
      '/run/systemd/netif/links/2': NETWORKD_LINK,
      '/run/systemd/netif/leases/2': other,
    });
    expect(networkd.value).toEqual([]);
    expect(networkd.note).toBe(
      'ens18: lease identity unknown: /run/systemd/netif/leases/2 is the lease of 203.0.113.77, which ens18 does not hold',
    );
    const name = '/var/lib/NetworkManager/internal-8a3b0f3e-2c1d-4e5f-9a8b-7c6d5e4f3a2b-ens18.lease';
    const nm = await probe({ [name]: other }, { nm: true });
    expect(nm.value).toEqual([]);
    expect(nm.note).toMatch(/is the lease of 203\.0\.113\.77, which ens18 does not hold/);
  });

  it("reads NetworkManager's old-format lease, and says when the nettools format cannot tell", async () => {
    const name = '/var/lib/NetworkManager/internal-8a3b0f3e-2c1d-4e5f-9a8b-7c6d5e4f3a2b-ens18.lease';
    const old = await probe({ [name]: fixture('networkd-lease-mac-lab.txt') }, { nm: true });
    expect(old.value).toMatchObject([{ client: 'networkmanager', clientId: `01:${MAC}`, file: name }]);
    const nettools = await probe(
      { [name]: '# This is private data. Do not parse.\nADDRESS=198.51.100.240\n' },
      { nm: true },
    );
    expect(nettools.value).toEqual([]);
    expect(nettools.note).toMatch(/records no client id \(NetworkManager's profile decides it/);
    // Without NetworkManager running, its directory is not even listed.
    expect((await probe({ [name]: fixture('networkd-lease-mac-lab.txt') })).reads).not.toContain(
      'dir /var/lib/NetworkManager',
    );
  });

  it('escapes host text in its notes', async () => {
    const argv = ['dhclient', '-lf', 'evil\u001b[2Jname', 'ens18'];
    const { note } = await probe({}, { clients: [client('dhclient', argv, '/usr/sbin/dhclient')] });
    expect(note).toBe(
      "ens18: lease identity unknown: dhclient's -lf evil\\x1b[2Jname is not an absolute path",
    );
  });
});
