/**
 * The probe against a real kernel: a namespace shaped like a small host (veth ens18 with a primary
 * and a secondary address, a default route, an extra route with a metric, a rule naming ens18, a
 * NAT bridge with a TAP and MASQUERADE rules in iptables and nftables), probed by running every
 * command inside it through `ip netns exec`.
 *
 * Files are read by this test process, so the kernel views under /proc and /sys are the machine's,
 * not the namespace's: /sys/class/net (wireless, driver), /proc/self/ns/net (DHCP clients' netns),
 * /proc/sys/net (ip_forward, bridge-nf-call-*) and /etc/resolv.conf describe the machine here and
 * are not asserted. Configuration comes from a scratch --root-dir.
 */
import { randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PROBE_NAMES, probeHost } from '../../source/host/probe.js';
import type { HostSnapshot } from '../../source/host/snapshot.js';
import { createRecorder, createReplay } from '../../source/system/capture.js';
import { silentLog } from '../../source/system/debug-log.js';
import { createExecRunner } from '../../source/system/exec-runner.js';
import { createHostFiles } from '../../source/system/host-files.js';
import { expectSuccess, type Runner } from '../../source/system/runner.js';

const isRoot = process.getuid?.() === 0;
const NS = `bmprobe${randomBytes(3).toString('hex')}`;
const exec = createExecRunner(silentLog);

/** Runs argv inside the namespace: the probe sees the namespace's kernel state. */
function insideNamespace(runner: Runner, ns: string): Runner {
  return { run: (argv, options) => runner.run(['ip', 'netns', 'exec', ns, ...argv], options) };
}

const inNs = (...argv: string[]) => exec.run(['ip', 'netns', 'exec', NS, ...argv]).then(expectSuccess);

async function kernelState(): Promise<string> {
  const dumps = await Promise.all(
    [
      // Without -d: the bridge's detail dump carries running timers (gc_timer).
      ['ip', '-j', 'link', 'show'],
      ['ip', '-j', 'address', 'show'],
      ['ip', '-j', 'route', 'show', 'table', 'all'],
      ['ip', '-j', 'rule', 'show'],
    ].map((argv) => inNs(...argv)),
  );
  return dumps.map((result) => result.stdout).join('\n');
}

describe.skipIf(!isRoot)('probeHost inside a namespace', () => {
  let rootDir = '';
  let mac = '';
  let before = '';
  let snapshot: HostSnapshot;
  let replayed: HostSnapshot;
  const events: string[] = [];

  beforeAll(async () => {
    rootDir = await mkdtemp(join(tmpdir(), 'bmprobe-root-'));
    expectSuccess(await exec.run(['ip', 'netns', 'add', NS]));
    const setup = [
      // No IPv6 DAD, so link-local addresses do not flip from tentative while the test compares.
      ['sysctl', '-qw', 'net.ipv6.conf.all.accept_dad=0'],
      ['sysctl', '-qw', 'net.ipv6.conf.default.accept_dad=0'],
      ['ip', 'link', 'set', 'lo', 'up'],
      ['ip', 'link', 'add', 'ens18', 'type', 'veth', 'peer', 'name', 'lan0'],
      ['ip', 'link', 'set', 'lan0', 'up'],
      ['ip', 'link', 'set', 'ens18', 'up'],
      ['ip', 'address', 'add', '198.51.100.240/24', 'dev', 'ens18'],
      ['ip', 'address', 'add', '198.51.100.241/24', 'dev', 'ens18'],
      ['ip', 'route', 'add', 'default', 'via', '198.51.100.1', 'dev', 'ens18'],
      ['ip', 'route', 'add', '203.0.113.0/25', 'via', '198.51.100.2', 'dev', 'ens18', 'metric', '50'],
      ['ip', 'rule', 'add', 'iif', 'ens18', 'table', '100'],
      ['ip', 'link', 'add', 'fcbr0', 'type', 'bridge', 'stp_state', '0', 'forward_delay', '0'],
      ['ip', 'tuntap', 'add', 'dev', 'fctap0', 'mode', 'tap'],
      ['ip', 'link', 'set', 'fctap0', 'master', 'fcbr0'],
      ['ip', 'address', 'add', '203.0.113.129/25', 'dev', 'fcbr0'],
      ['ip', 'link', 'set', 'fcbr0', 'up'],
      [
        'iptables',
        '-t',
        'nat',
        '-A',
        'POSTROUTING',
        '-s',
        '203.0.113.128/25',
        '-o',
        'ens18',
        '-j',
        'MASQUERADE',
      ],
      ['iptables', '-P', 'FORWARD', 'DROP'],
      ['nft', 'add', 'table', 'ip', 'bmlab'],
      ['nft', 'add', 'chain', 'ip', 'bmlab', 'post', '{ type nat hook postrouting priority 100; }'],
      ['nft', 'add', 'rule', 'ip', 'bmlab', 'post', 'iifname', 'fcbr0', 'masquerade'],
    ];
    for (const argv of setup) await inNs(...argv);
    const link = JSON.parse((await inNs('ip', '-j', 'link', 'show', 'ens18')).stdout) as Array<{
      address: string;
    }>;
    mac = link[0]?.address ?? '';
    // cloud-init's file for this host, matching ens18 by its MAC as cloud-init writes it.
    await mkdir(join(rootDir, 'etc/netplan'), { recursive: true });
    await mkdir(join(rootDir, 'etc/cloud'), { recursive: true });
    await writeFile(
      join(rootDir, 'etc/netplan/50-cloud-init.yaml'),
      `network:\n    ethernets:\n        ens18:\n            dhcp4: true\n            match:\n                macaddress: ${mac}\n            set-name: ens18\n    version: 2\n`,
    );
    await writeFile(join(rootDir, 'etc/cloud/cloud.cfg'), 'datasource_list: [NoCloud]\n');

    before = await kernelState();
    const env = { uid: 0, sshConnection: '198.51.100.10 40000 198.51.100.240 22', rootDir };
    const recorder = createRecorder(insideNamespace(exec, NS), createHostFiles());
    snapshot = await probeHost({ runner: recorder.runner, files: recorder.files, env }, (event) =>
      events.push(`${event.name}:${event.state}`),
    );
    const header = {
      name: NS,
      description: 'probe lab',
      origin: 'captured' as const,
      capturedAt: snapshot.takenAt,
    };
    replayed = await probeHost({ ...createReplay(recorder.document(header, env), 'memory'), env });
  });

  afterAll(async () => {
    await exec.run(['ip', 'netns', 'del', NS]);
    if (rootDir) await rm(rootDir, { recursive: true, force: true });
  });

  it('completes every probe', () => {
    expect(snapshot.probes.map((record) => [record.name, record.ok])).toEqual(
      PROBE_NAMES.map((name) => [name, true]),
    );
    expect(events.filter((event) => event.endsWith(':ok'))).toHaveLength(PROBE_NAMES.length);
    expect(snapshot.tools).toMatchObject({ ip: true, 'iptables-save': true, nft: true, ps: true });
  });

  it('sees the uplink, the bridge and its TAP', () => {
    expect(snapshot.links.find((link) => link.name === 'ens18')).toMatchObject({
      kind: 'veth',
      mac,
      mtu: 1500,
      master: null,
    });
    expect(snapshot.links.find((link) => link.name === 'fcbr0')).toMatchObject({
      kind: 'bridge',
      bridge: { stpState: 0, forwardDelay: 0 },
    });
    expect(snapshot.links.find((link) => link.name === 'fctap0')).toMatchObject({
      kind: 'tun',
      tunType: 'tap',
      master: 'fcbr0',
      masterKind: 'bridge',
    });
  });

  it('sees both addresses of ens18 as static', () => {
    const ens18 = snapshot.addresses.filter((address) => address.ifname === 'ens18' && address.family === 4);
    expect(ens18.map((address) => `${address.local}/${address.prefixlen}`)).toEqual([
      '198.51.100.240/24',
      '198.51.100.241/24',
    ]);
    expect(ens18.every((address) => !address.dynamic && address.validLft === null)).toBe(true);
    expect(ens18[1]?.flags).toContain('secondary');
  });

  it('sees the default route, the extra route with its metric, and the rule naming ens18', () => {
    expect(snapshot.defaultGateways[0]).toEqual({
      family: 4,
      gateway: '198.51.100.1',
      dev: 'ens18',
      metric: null,
      protocol: null,
    });
    expect(snapshot.routes.find((route) => route.dst === '203.0.113.0/25')).toMatchObject({
      family: 4,
      table: 'main',
      gateway: '198.51.100.2',
      dev: 'ens18',
      metric: 50,
    });
    expect(snapshot.rules.find((rule) => rule.family === 4 && rule.iif === 'ens18')?.fields.table).toBe(
      '100',
    );
  });

  it('finds the operator’s path over ens18', () => {
    expect(snapshot.ssh).toEqual({
      clientAddr: '198.51.100.10',
      clientPort: 40000,
      serverAddr: '198.51.100.240',
      serverPort: 22,
      viaDev: 'ens18',
    });
  });

  it('judges the renderer from the root dir only: cloud-init’s netplan file matching ens18 by MAC', () => {
    expect(snapshot.renderer).toMatchObject({
      owner: 'netplan',
      cloudInitNetwork: true,
      netplan: { renderer: 'networkd', uplinkFile: '/etc/netplan/50-cloud-init.yaml' },
      networkd: { available: false },
    });
    expect(snapshot.tools).not.toHaveProperty('networkctl');
    expect(snapshot.tools).not.toHaveProperty('nmcli');
  });

  it('finds the FORWARD policy and both MASQUERADE rules, attributed to the bridge', () => {
    expect(snapshot.netfilter.forwardPolicy).toBe('DROP');
    const rules = snapshot.netfilter.natRules.map((rule) => [rule.source, rule.bridge, rule.position]);
    expect(rules).toEqual([
      ['iptables', 'fcbr0', 1],
      ['nftables', 'fcbr0', 1],
    ]);
    expect(snapshot.netfilter.natRules[0]?.spec).toEqual([
      '-s',
      '203.0.113.128/25',
      '-o',
      'ens18',
      '-j',
      'MASQUERADE',
    ]);
    expect(snapshot.netfilter.natRules[1]?.text).toBe('iifname "fcbr0" masquerade');
  });

  it('probes the same host again from its recording', () => {
    const comparable = (value: HostSnapshot) => ({
      ...value,
      takenAt: '',
      probes: value.probes.map((record) => ({ ...record, durationMs: 0 })),
    });
    expect(comparable(replayed)).toEqual(comparable(snapshot));
  });

  it('changes nothing in the namespace', async () => {
    expect(await kernelState()).toBe(before);
  });
});
