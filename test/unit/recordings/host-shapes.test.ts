/**
 * What an operator would check in the plans of the recorded hosts whose uplink a renderer manages
 * (netplan, NetworkManager, ifupdown): which addresses and routes the cutover moves and how it puts
 * them back, how DHCP clients are stopped, and the config written for the renderer.
 * (host-shapes-more.test.ts covers NAT, Docker, the bond, the blocked hosts and the lab captures.)
 */
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import {
  argvs,
  batchLines,
  indexOfLine,
  linesStartingWith,
  linkTarget,
  planFor,
  stepOf,
  valueAfter,
} from './replay.js';

type Yaml = { network: Record<string, Record<string, Record<string, unknown>>> };

describe("the original plan's host (ubuntu-proxmox-netplan-dhcp)", () => {
  it('moves 192.168.18.240/24 and the default route via 192.168.18.1 to fcbr0, proto dhcp, metric 100', async () => {
    const cutover = stepOf(await planFor('ubuntu-proxmox-netplan-dhcp'), 'cutover');
    const lines = batchLines(cutover.commands);
    const enslave = lines[0] as string[];
    expect([linkTarget(enslave), valueAfter(enslave, 'master')]).toEqual(['ens18', 'fcbr0']);
    const [add] = linesStartingWith(lines, 'addr', 'add', '192.168.18.240/24');
    expect(add && [valueAfter(add, 'dev'), valueAfter(add, 'metric'), valueAfter(add, 'valid_lft')]).toEqual([
      'fcbr0',
      '100',
      '85321',
    ]);
    const [route] = linesStartingWith(lines, 'route', 'replace', 'default');
    expect(route && ['via', 'dev', 'proto', 'metric'].map((key) => valueAfter(route, key))).toEqual([
      '192.168.18.1',
      'fcbr0',
      'dhcp',
      '100',
    ]);
    // The on-link route networkd adds to the gateway comes first, so the gateway is reachable on fcbr0.
    expect(indexOfLine(lines, 'route', 'replace', '192.168.18.1')).toBeLessThan(
      indexOfLine(lines, 'route', 'replace', 'default'),
    );
    expect(lines.at(-1)).toEqual(['addr', 'del', '192.168.18.240/24', 'dev', 'ens18']);
  });

  it('puts the address and routes back on ens18 and releases it from the bridge on undo', async () => {
    const cutover = stepOf(await planFor('ubuntu-proxmox-netplan-dhcp'), 'cutover');
    const lines = batchLines(cutover.inverse);
    const [route] = linesStartingWith(lines, 'route', 'replace', 'default');
    expect(route && [valueAfter(route, 'via'), valueAfter(route, 'dev')]).toEqual(['192.168.18.1', 'ens18']);
    expect(
      linesStartingWith(lines, 'addr', 'add', '192.168.18.240/24').map((line) => valueAfter(line, 'dev')),
    ).toEqual(['ens18']);
    const last = lines.at(-1) as string[];
    expect([linkTarget(last), last.at(-1)]).toEqual(['ens18', 'nomaster']);
  });

  it('stages fcbr0 with the VM NIC MAC and MTU', async () => {
    const stage = stepOf(await planFor('ubuntu-proxmox-netplan-dhcp'), 'stage-bridge');
    const set = argvs(stage.commands).find((argv) => argv.includes('address')) as string[];
    expect([valueAfter(set, 'address'), valueAfter(set, 'mtu')]).toEqual(['bc:24:11:5e:8a:01', '1500']);
    expect(argvs(stage.inverse)).toHaveLength(1);
  });

  it("adds bridge fcbr0 to cloud-init's netplan file, with the MAC and the lease's DUID+IAID identity, and stops cloud-init rewriting it", async () => {
    const plan = await planFor('ubuntu-proxmox-netplan-dhcp');
    const netplan = plan.config.find((file) => file.path === '/etc/netplan/50-cloud-init.yaml');
    const after = parse(netplan?.after ?? '') as Yaml;
    expect(after.network.bridges?.fcbr0).toEqual({
      interfaces: ['ens18'],
      macaddress: 'bc:24:11:5e:8a:01',
      parameters: { stp: false, 'forward-delay': 0 },
      dhcp4: true,
      // networkd's lease file: CLIENTID=ff<IAID 5d0c31e7><DUID-EN>, networkd's default identity.
      'dhcp-identifier': 'duid',
      critical: true,
    });
    const identity = plan.config.find((file) => file.path.endsWith('50-bridge-migrate-dhcp-identity.conf'));
    expect(identity?.after).toContain(
      '[DHCPv4]\nIAID=1561080295\nDUIDType=vendor\nDUIDRawData=00:00:ab:11:a4:7c:19:e8:f3:b0:2d:56\n',
    );
    expect(after.network.ethernets?.ens18).toMatchObject({
      dhcp4: false,
      match: { macaddress: 'bc:24:11:5e:8a:01' },
      'set-name': 'ens18',
    });
    expect(netplan?.diff).toContain('+    bridges:');
    expect(plan.config.map((file) => file.path)).toContain(
      '/etc/cloud/cloud.cfg.d/99-bridge-migrate-disable-network-config.cfg',
    );
  });
});

describe('the same host with cloud-init disabled (ubuntu-proxmox-cloud-init-disabled)', () => {
  it("edits cloud-init's netplan file itself, writes no cloud-init drop-in, and says why", async () => {
    const plan = await planFor('ubuntu-proxmox-cloud-init-disabled');
    const paths = plan.config.map((file) => file.path);
    expect(paths[0]).toBe('/etc/netplan/50-cloud-init.yaml');
    expect(paths).not.toContain('/etc/cloud/cloud.cfg.d/99-bridge-migrate-disable-network-config.cfg');
    expect(plan.config[0]?.note).toContain(
      'cloud-init is disabled (/etc/cloud/cloud-init.disabled): the file is edited here, no cloud-init drop-in.',
    );
    expect((parse(plan.config[0]?.after ?? '') as Yaml).network.bridges?.fcbr0).toMatchObject({
      dhcp4: true,
      'dhcp-identifier': 'duid',
    });
  });
});

describe('static netplan (ubuntu-netplan-static)', () => {
  it('moves both addresses, secondary removed first, and both routes with their metrics', async () => {
    const lines = batchLines(stepOf(await planFor('ubuntu-netplan-static'), 'cutover').commands);
    expect(linesStartingWith(lines, 'addr', 'add').map((line) => [line[2], valueAfter(line, 'dev')])).toEqual(
      [
        ['198.51.100.20/24', 'fcbr0'],
        ['198.51.100.21/24', 'fcbr0'],
      ],
    );
    expect(linesStartingWith(lines, 'addr', 'del').map((line) => line[2])).toEqual([
      '198.51.100.21/24',
      '198.51.100.20/24',
    ]);
    expect(
      linesStartingWith(lines, 'route', 'replace').map((line) => [
        line[2],
        valueAfter(line, 'via'),
        valueAfter(line, 'metric'),
        valueAfter(line, 'dev'),
      ]),
    ).toEqual([
      ['default', '198.51.100.1', '100', 'fcbr0'],
      ['203.0.113.0/24', '198.51.100.254', '200', 'fcbr0'],
    ]);
  });

  it('gives fcbr0 the static addresses, routes and nameservers in netplan, and leaves cloud-init alone (its network config is already disabled)', async () => {
    const plan = await planFor('ubuntu-netplan-static');
    const after = parse(
      plan.config.find((file) => file.path === '/etc/netplan/50-cloud-init.yaml')?.after ?? '',
    ) as Yaml;
    expect(after.network.bridges?.fcbr0).toMatchObject({
      interfaces: ['eth0'],
      macaddress: '00:15:5d:0a:14:07',
      addresses: ['198.51.100.20/24', '198.51.100.21/24'],
      routes: [
        { to: 'default', via: '198.51.100.1', metric: 100 },
        { to: '203.0.113.0/24', via: '198.51.100.254', metric: 200 },
      ],
      nameservers: { addresses: ['198.51.100.53', '198.51.100.54'], search: ['corp.example'] },
    });
    expect(after.network.ethernets?.eth0).toEqual({ dhcp4: false, dhcp6: false });
    expect(plan.config.map((file) => file.path)).toEqual(['/etc/netplan/50-cloud-init.yaml']);
  });
});

describe('NetworkManager server (networkmanager-server)', () => {
  it('moves the SLAAC address with nodad and the routes from router advertisements', async () => {
    const lines = batchLines(stepOf(await planFor('networkmanager-server'), 'cutover').commands);
    const [v6] = linesStartingWith(lines, 'addr', 'add', '2001:db8:10::250:56ff:fe9a:3b7c/64');
    expect(v6 && [valueAfter(v6, 'dev'), v6.includes('nodad')]).toEqual(['fcbr0', true]);
    expect(
      linesStartingWith(lines, 'route', 'replace', '2001:db8:10::/64').map((line) => valueAfter(line, 'dev')),
    ).toEqual(['fcbr0']);
  });

  it("moves NetworkManager's own prefix route (its address is noprefixroute) before the default route", async () => {
    // Without it fcbr0 has no route to 198.51.100.1 and `route replace default via 198.51.100.1 dev
    // fcbr0` fails with "Nexthop has invalid gateway" (checked in a namespace with iproute2 6.1).
    const lines = batchLines(stepOf(await planFor('networkmanager-server'), 'cutover').commands);
    const prefix = indexOfLine(lines, 'route', 'replace', '198.51.100.0/24');
    expect(prefix).toBeGreaterThan(0);
    const line = lines[prefix] as string[];
    expect(['dev', 'proto', 'scope', 'src', 'metric'].map((key) => valueAfter(line, key))).toEqual([
      'fcbr0',
      'kernel',
      'link',
      '198.51.100.37',
      '100',
    ]);
    expect(prefix).toBeLessThan(indexOfLine(lines, 'route', 'replace', 'default'));
  });

  it('writes NetworkManager keyfiles: a bridge with the MAC, DHCP and SLAAC, and a port profile for ens192', async () => {
    const plan = await planFor('networkmanager-server');
    const [bridge, port] = plan.config;
    expect(bridge?.after).toMatch(/\[bridge\]\nmac-address=00:50:56:9a:3b:7c\nstp=false\nforward-delay=0/);
    expect(bridge?.after).toMatch(/\[ipv4\]\nmethod=auto\ndhcp-client-id=mac/);
    expect(bridge?.after).toMatch(/\[ipv6\]\nmethod=auto/);
    expect(port?.after).toMatch(/interface-name=ens192\n/);
    expect(port?.after).toMatch(/slave-type=bridge/);
  });
});

describe('Debian ifupdown with dhclient (debian-ifupdown-dhclient)', () => {
  const DHCLIENT =
    '/sbin/dhclient -4 -v -i -pf /run/dhclient.eno1.pid -lf /var/lib/dhcp/dhclient.eno1.leases -I -df /var/lib/dhcp/dhclient6.eno1.leases eno1';

  it('kills dhclient (pid 612) without a release and restarts it on undo by its program path, same arguments', async () => {
    const plan = await planFor('debian-ifupdown-dhclient');
    const stop = stepOf(plan, 'stop-dhcp');
    // A recording made before start times were read leaves it unknown (such a plan is never applied).
    expect(stop.commands).toEqual([
      { kind: 'signal', pid: 612, signal: 'KILL', startTime: null, argv: DHCLIENT.split(' ') },
    ]);
    // /proc/612/exe, not argv[0]: the process wrote its argv, the kernel says what it runs.
    const [, ...args] = DHCLIENT.split(' ');
    expect(stop.inverse).toEqual([{ kind: 'spawn-detached', argv: ['/usr/sbin/dhclient', ...args] }]);
    // Undone after the cutover's inverse, so dhclient finds its address back on eno1.
    expect(plan.steps.map((step) => step.kind).indexOf('stop-dhcp')).toBeLessThan(
      plan.steps.map((step) => step.kind).indexOf('cutover'),
    );
  });

  it("starts the same dhclient on fcbr0 with its own pid and lease files, the DUID from eno1's, and kills it on undo", async () => {
    const keep = stepOf(await planFor('debian-ifupdown-dhclient'), 'keep-lease');
    const argv = [
      '/usr/sbin/dhclient',
      '-4',
      '-v',
      '-i',
      '-I',
      '-pf',
      '/run/dhclient.fcbr0.pid',
      '-lf',
      '/var/lib/dhcp/dhclient.fcbr0.leases',
      '-df',
      '/var/lib/dhcp/dhclient.eno1.leases',
      'fcbr0',
    ];
    expect(keep.commands).toEqual([{ kind: 'spawn-detached', argv }]);
    // dhclient's shutdown path releases the lease and flushes the interface: KILL, as stop-dhcp does.
    expect(keep.inverse).toEqual([{ kind: 'stop-started', argv, signal: 'KILL' }]);
  });

  it('turns eno1 into a manual port of a DHCP bridge in /etc/network/interfaces', async () => {
    const plan = await planFor('debian-ifupdown-dhclient');
    const [file] = plan.config;
    expect(file?.path).toBe('/etc/network/interfaces');
    expect(file?.after).toContain('allow-hotplug eno1\niface eno1 inet manual\n');
    expect(file?.after).toMatch(
      /auto fcbr0\niface fcbr0 inet dhcp\n\s+bridge_ports eno1\n\s+bridge_stp off\n\s+bridge_fd 0\n\s+hwaddress ether 1c:69:7a:0b:5e:21\n/,
    );
    expect(file?.after).toContain('source-directory /etc/network/interfaces.d\n');
  });
});
