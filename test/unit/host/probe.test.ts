import { describe, expect, it } from 'vitest';
import { PROBE_NAMES, probeHost } from '../../../source/host/probe.js';
import type { ProbeEnv, ProbeEvent } from '../../../source/host/probe-api.js';
import type { HostSnapshot } from '../../../source/host/snapshot.js';
import {
  CAPTURE_FORMAT,
  type CaptureDocument,
  createReplay,
  ReplayMiss,
} from '../../../source/system/capture.js';
import type { Runner } from '../../../source/system/runner.js';
import { cmd, fakeHost, type HostSpec, NOT_FOUND, reversed, sequential } from './fake-host.js';
import { proxmoxVmSpec, SSH_CONNECTION } from './probe-host-spec.js';

const ROOT_ENV: ProbeEnv = { uid: 0, sshConnection: SSH_CONNECTION, rootDir: '/' };

async function probe(
  spec: HostSpec,
  env: ProbeEnv = ROOT_ENV,
  wrap: (runner: Runner) => Runner = (runner) => runner,
) {
  const host = fakeHost(spec);
  const events: ProbeEvent[] = [];
  const snapshot = await probeHost({ runner: wrap(host.runner), files: host.files, env }, (event) =>
    events.push(event),
  );
  return { snapshot, events, host };
}

/** The snapshot without what legitimately differs between two runs (clock, durations). */
function comparable(snapshot: HostSnapshot) {
  return {
    ...snapshot,
    takenAt: '',
    probes: snapshot.probes.map((record) => ({ ...record, durationMs: 0 })),
    // A lease's end is the probe's clock plus the address's remaining lifetime.
    dhcpLeases: snapshot.dhcpLeases?.map((lease) => ({ ...lease, expiresAt: lease.expiresAt && 0 })),
  };
}

describe('probeHost on a Proxmox VM with a NAT bridge (composed host)', () => {
  it('fills the snapshot from the commands and files', async () => {
    const { snapshot } = await probe(proxmoxVmSpec());
    expect(snapshot.hostname).toBe('fc-host');
    expect(snapshot.isRoot).toBe(true);
    expect(snapshot.pendingMigration).toBeNull();
    expect(snapshot.links.find((link) => link.name === 'ens18')).toMatchObject({
      driver: 'virtio_net',
      wireless: false,
    });
    expect(snapshot.links.find((link) => link.name === 'fctap0')).toMatchObject({
      tunType: 'tap',
      master: 'fcbr0',
    });
    expect(snapshot.addresses.find((address) => address.ifname === 'ens18')).toMatchObject({
      dynamic: true,
      validLft: 85321,
    });
    expect(snapshot.defaultGateways).toEqual([
      { family: 4, gateway: '192.168.18.1', dev: 'ens18', metric: 100, protocol: 'dhcp' },
    ]);
    expect(snapshot.rules).toHaveLength(5);
    expect(snapshot.dns).toEqual({
      nameservers: ['192.168.18.1'],
      search: ['lan'],
      source: '/run/systemd/resolve/resolv.conf',
    });
    // SeaBIOS DMI says only QEMU; ens18's MAC carries Proxmox's OUI (bc:24:11).
    expect(snapshot.virt).toMatchObject({
      kind: 'kvm',
      cloud: null,
      hypervisorHint: 'Proxmox VE (QEMU/KVM)',
    });
    expect(snapshot.virt.dmi.productName).toBe('Standard PC (i440FX + PIIX, 1996)');
    expect(snapshot.ssh).toEqual({
      clientAddr: '192.168.18.50',
      clientPort: 51234,
      serverAddr: '192.168.18.240',
      serverPort: 22,
      viaDev: 'ens18',
    });
  });

  it('decides the uplink is owned by cloud-init’s netplan file, with networkd behind it', async () => {
    const { renderer } = (await probe(proxmoxVmSpec())).snapshot;
    expect(renderer.owner).toBe('netplan');
    expect(renderer.netplan.renderer).toBe('networkd');
    expect(renderer.netplan.uplinkFile).toBe('/etc/netplan/50-cloud-init.yaml');
    expect(renderer.netplan.uplinkConfig).toMatchObject({ dhcp4: true });
    expect(renderer.netplan.files[0]?.cloudInit).toBe(true);
    expect(renderer.cloudInitNetwork).toBe(true);
    expect(renderer.networkd.links.ens18?.setupState).toBe('configured');
    expect(renderer.networkManager).toEqual({ available: false, running: false, devices: {} });
    expect(renderer.evidence.join('\n')).toMatch(/50-cloud-init\.yaml is written by cloud-init/);
  });

  it('tells our DHCP client from one with the same interface name in another namespace', async () => {
    const { dhcpClients } = (await probe(proxmoxVmSpec())).snapshot;
    expect(dhcpClients.map((client) => [client.pid, client.ifname, client.sameNetns])).toEqual([
      [2301, 'fcbr0', true],
      [2302, 'ens18', false],
      [2303, 'ens18', true],
    ]);
    expect(dhcpClients[2]?.argv).toEqual(['udhcpc', '-i', 'ens18', '-f']);
  });

  it("lists another user's process that calls itself dhclient with its uid and program, for the plan to leave alone", async () => {
    const spec = proxmoxVmSpec();
    const ps = spec.commands[cmd('ps', '-eo', 'pid=,netns=,args=')];
    if (!ps) throw new Error('the spec has no ps answer');
    ps.stdout = `${ps.stdout ?? ''}   2304 4026531840 dhclient ens18\n   2305 4026531840 dhclient ens18\n`;
    Object.assign(spec.files ?? {}, {
      '/proc/2304/cmdline': 'dhclient\0ens18\0',
      '/proc/2304/status': 'Name:\tdhclient\nUid:\t65534\t65534\t65534\t65534\n',
      // Its status and exe unreadable (hidepid, or gone between reads): not ours either.
      '/proc/2305/cmdline': 'dhclient\0ens18\0',
    });
    Object.assign(spec.links ?? {}, { '/proc/2304/exe': '/tmp/x/dhclient' });
    const { dhcpClients } = (await probe(spec)).snapshot;
    expect(dhcpClients.slice(3)).toEqual([
      {
        pid: 2304,
        program: 'dhclient',
        argv: ['dhclient', 'ens18'],
        ifname: 'ens18',
        sameNetns: true,
        uid: 65534,
        euid: 65534,
        exe: '/tmp/x/dhclient',
        // The fixture has no /proc/2304/stat: its start time is unknown.
        startTime: null,
      },
      {
        pid: 2305,
        program: 'dhclient',
        argv: ['dhclient', 'ens18'],
        ifname: 'ens18',
        sameNetns: true,
        uid: null,
        euid: null,
        exe: null,
        startTime: null,
      },
    ]);
    expect(dhcpClients[2]).toMatchObject({ pid: 2303, uid: 0, euid: 0, exe: '/usr/bin/busybox' });
  });

  it('attributes the MASQUERADE rule to the bridge by its subnet and counts iptables-nft rules once', async () => {
    const { netfilter } = (await probe(proxmoxVmSpec())).snapshot;
    expect(netfilter.natRules).toEqual([
      expect.objectContaining({
        source: 'iptables',
        bridge: 'fcbr0',
        position: 1,
        spec: ['-s', '172.16.0.0/24', '-o', 'ens18', '-j', 'MASQUERADE'],
      }),
    ]);
    expect(netfilter).toMatchObject({
      forwardPolicy: 'ACCEPT',
      ipForward: true,
      brNetfilterLoaded: false,
      bridgeNfCallIptables: null,
    });
  });

  it('records every tool and every probe, in display order', async () => {
    const { snapshot } = await probe(proxmoxVmSpec());
    expect(snapshot.tools).toEqual({
      ip: true,
      nmcli: false,
      networkctl: true,
      nft: true,
      'iptables-save': true,
      'systemd-detect-virt': true,
      ps: true,
    });
    expect(snapshot.probes.map((record) => record.name)).toEqual([...PROBE_NAMES]);
    expect(snapshot.probes.every((record) => record.ok)).toBe(true);
  });

  it('announces every probe as running, then ends each exactly once', async () => {
    const { events } = await probe(proxmoxVmSpec());
    // The wait for the uplink's IPv6 DAD needs the first look at addresses and routes, and the lease
    // identities the links, addresses and clients: both start once the others have ended.
    const later: string[] = ['ipv6-dad', 'dhcp-leases'];
    const together = PROBE_NAMES.filter((name) => !later.includes(name));
    expect(events.slice(0, together.length)).toEqual(together.map((name) => ({ name, state: 'running' })));
    const firstLater = events.findIndex((event) => later.includes(event.name));
    expect(events.slice(0, firstLater).filter((event) => event.state !== 'running')).toHaveLength(
      together.length,
    );
    expect(events.slice(firstLater, firstLater + 2)).toEqual(
      later.map((name) => ({ name, state: 'running' })),
    );
    for (const name of PROBE_NAMES) {
      expect(events.filter((event) => event.name === name && event.state !== 'running')).toHaveLength(1);
    }
  });

  it('gives the same snapshot when commands run one at a time or finish in reverse order', async () => {
    const parallel = comparable((await probe(proxmoxVmSpec())).snapshot);
    expect(comparable((await probe(proxmoxVmSpec(), ROOT_ENV, sequential)).snapshot)).toEqual(parallel);
    expect(comparable((await probe(proxmoxVmSpec(), ROOT_ENV, reversed)).snapshot)).toEqual(parallel);
  });
});

describe('probeHost when tools are missing or refuse', () => {
  it('records a missing nft as a fact and still completes', async () => {
    const spec = proxmoxVmSpec();
    spec.commands[cmd('nft', '-j', 'list', 'ruleset')] = NOT_FOUND;
    spec.commands[cmd('nft', '-a', 'list', 'ruleset')] = NOT_FOUND;
    const { snapshot } = await probe(spec);
    expect(snapshot.tools.nft).toBe(false);
    expect(snapshot.netfilter.nftAvailable).toBe(false);
    expect(snapshot.netfilter.natRules).toHaveLength(1);
    expect(snapshot.probes.find((record) => record.name === 'firewall')).toMatchObject({
      ok: true,
      note: null,
    });
  });

  it('fails only the probes that need ip when ip is missing', async () => {
    const spec = proxmoxVmSpec();
    for (const key of Object.keys(spec.commands)) {
      if (JSON.parse(key)[0] === 'ip') spec.commands[key] = NOT_FOUND;
    }
    const { snapshot, events } = await probe(spec);
    expect(snapshot.tools.ip).toBe(false);
    const failed = snapshot.probes.filter((record) => !record.ok).map((record) => record.name);
    expect(failed).toEqual(['links', 'addresses', 'routes', 'rules']);
    expect(snapshot.probes.find((record) => record.name === 'links')?.note).toBe('ip is not installed');
    expect(events).toContainEqual({ name: 'links', state: 'failed', note: 'ip is not installed' });
    expect(snapshot.links).toEqual([]);
    expect(snapshot.ssh?.viaDev).toBeNull();
    expect(snapshot.dns.nameservers).toEqual(['192.168.18.1']);
    expect(snapshot.renderer.evidence).toEqual(['no IPv4 default route: no uplink to judge']);
  });

  it('notes that the firewall needs root and leaves the policy unknown', async () => {
    const spec = proxmoxVmSpec();
    spec.commands[cmd('iptables-save')] = {
      exitCode: 4,
      stderr:
        'iptables-save v1.8.9 (nf_tables): Could not fetch rule set generation id: Permission denied (you must be root)\n',
    };
    spec.commands[cmd('nft', '-j', 'list', 'ruleset')] = {
      exitCode: 1,
      stderr:
        'Operation not permitted (you must be root)\nnetlink: Error: cache initialization failed: Operation not permitted\n',
    };
    spec.commands[cmd('nft', '-a', 'list', 'ruleset')] = {
      exitCode: 1,
      stderr: 'Operation not permitted (you must be root)\n',
    };
    const { snapshot } = await probe(spec, { ...ROOT_ENV, uid: 1000 });
    expect(snapshot.isRoot).toBe(false);
    expect(snapshot.netfilter).toMatchObject({
      forwardPolicy: null,
      natRules: [],
      iptablesAvailable: true,
      nftAvailable: true,
    });
    const note = snapshot.probes.find((record) => record.name === 'firewall')?.note ?? '';
    expect(note).toMatch(/iptables-save exited 4: .*Permission denied/);
    expect(note).toMatch(/nft -j list ruleset exited 1: Operation not permitted/);
  });

  it('treats a host without IPv6 as a note on routes and rules', async () => {
    const spec = proxmoxVmSpec();
    const noV6 = { exitCode: 2, stderr: 'RTNETLINK answers: Address family not supported by protocol\n' };
    spec.commands[cmd('ip', '-6', '-j', 'route', 'show', 'table', 'all')] = noV6;
    spec.commands[cmd('ip', '-6', '-j', 'rule', 'show')] = noV6;
    const { snapshot } = await probe(spec);
    expect(snapshot.routes.every((route) => route.family === 4)).toBe(true);
    expect(snapshot.rules).toHaveLength(3);
    expect(snapshot.probes.find((record) => record.name === 'routes')).toMatchObject({ ok: true });
    expect(snapshot.probes.find((record) => record.name === 'routes')?.note).toMatch(/no IPv6 routes/);
  });

  it('refuses a replay that lacks a command (ReplayMiss), rather than planning from a half-probed host', async () => {
    const spec = proxmoxVmSpec();
    const doc = replayDocument(spec, (argv) => argv[0] !== 'ps');
    const host = fakeHost(spec);
    const { runner } = createReplay(doc, 'partial.json');
    const events: ProbeEvent[] = [];
    const probing = probeHost({ runner, files: host.files, env: ROOT_ENV }, (event) => events.push(event));
    await expect(probing).rejects.toBeInstanceOf(ReplayMiss);
    await expect(probing).rejects.toThrow(
      'the command `ps -eo pid=,netns=,args=` is not in the recording partial.json; capture the host again with `bridge-migrate capture`',
    );
    // The spinner of the probe that needed it ends as failed, not running forever.
    expect(events).toContainEqual(expect.objectContaining({ name: 'dhcp-clients', state: 'failed' }));
  });

  it('refuses a replay that lacks a file the probe reads, the hostname included', async () => {
    const spec = proxmoxVmSpec();
    const replay = createReplay(
      replayDocument(spec, () => true),
      'no-files.json',
    );
    await expect(probeHost({ ...replay, env: ROOT_ENV })).rejects.toBeInstanceOf(ReplayMiss);
    // Everything answered but the hostname, which the probe reads outside the named probes.
    const answered = fakeHost(spec).files;
    const files = {
      ...answered,
      readFile: (path: string) =>
        path === '/proc/sys/kernel/hostname' ? replay.files.readFile(path) : answered.readFile(path),
    };
    await expect(probeHost({ runner: replay.runner, files, env: ROOT_ENV })).rejects.toThrow(
      'the file /proc/sys/kernel/hostname is not in the recording no-files.json',
    );
  });
});

/** A capture document holding the spec's commands that `keep` accepts, and no files. */
function replayDocument(spec: HostSpec, keep: (argv: string[]) => boolean): CaptureDocument {
  return {
    format: CAPTURE_FORMAT,
    header: {
      name: 'partial',
      description: 'partial',
      origin: 'composed',
      capturedAt: '2025-01-01T00:00:00Z',
    },
    env: ROOT_ENV,
    commands: Object.entries(spec.commands)
      .map(([key, answer]) => ({ argv: JSON.parse(key) as string[], answer }))
      .filter(({ argv }) => keep(argv))
      .map(({ argv, answer }) => ({
        argv,
        exitCode: answer.exitCode ?? 0,
        stdout: answer.stdout ?? '',
        stderr: answer.stderr ?? '',
        notFound: answer.notFound,
      })),
    files: {},
    dirs: {},
    links: {},
  };
}

describe('probeHost with --root-dir', () => {
  it('reads configuration under the root only and never asks the machine’s daemons', async () => {
    const spec = proxmoxVmSpec();
    const root = '/srv/target';
    spec.files = Object.fromEntries(
      Object.entries(spec.files ?? {}).map(([path, content]) => [
        /^\/(etc|run\/netplan)\//.test(path) && path !== '/etc/resolv.conf' ? `${root}${path}` : path,
        content,
      ]),
    );
    spec.dirs = Object.fromEntries(
      Object.entries(spec.dirs ?? {}).map(([path, names]) => [`${root}${path}`, names]),
    );
    delete spec.commands[cmd('networkctl', 'list', '--no-legend', '--no-pager')];
    delete spec.commands[cmd('nmcli', '-t', '-f', 'DEVICE,TYPE,STATE,CONNECTION', 'device')];
    const { snapshot, host } = await probe(spec, { ...ROOT_ENV, rootDir: root });
    expect(host.calls.map((argv) => argv[0])).not.toContain('networkctl');
    expect(host.calls.map((argv) => argv[0])).not.toContain('nmcli');
    expect(snapshot.tools).not.toHaveProperty('nmcli');
    expect(snapshot.renderer.owner).toBe('netplan');
    expect(snapshot.renderer.netplan.uplinkFile).toBe('/etc/netplan/50-cloud-init.yaml');
    expect(snapshot.renderer.networkd.available).toBe(false);
    expect(host.reads).toContain(`dir ${root}/etc/netplan`);
    expect(host.reads).toContain(`file ${root}/etc/network/interfaces`);
    expect(host.reads).toContain('file /etc/resolv.conf');
    expect(snapshot.probes.find((record) => record.name === 'renderer')?.note).toMatch(
      /judged from its files only/,
    );
  });
});
