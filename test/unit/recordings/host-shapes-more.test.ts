/**
 * What an operator would check in the plans of the recorded hosts with NAT, Docker, a bond, the
 * blocked shapes and the lab captures: what is removed and put back, what is left alone, and why
 * a host is refused. (host-shapes.test.ts covers the renderer-managed uplinks.)
 */
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import {
  argvs,
  batchLines,
  linesStartingWith,
  linkTarget,
  loadRecording,
  planFor,
  replayHost,
  stepOf,
  valueAfter,
} from './replay.js';

type Yaml = { network: Record<string, Record<string, Record<string, unknown>>> };

describe("the original plan's NAT setup (nat-fcbr0-taps)", () => {
  it('deletes the MASQUERADE rule and 203.0.113.1/24, and puts both back at the same position', async () => {
    const remove = stepOf(await planFor('nat-fcbr0-taps'), 'remove-nat');
    const rule = ['-s', '203.0.113.0/24', '-o', 'ens18', '-j', 'MASQUERADE'];
    expect(argvs(remove.commands)).toEqual([['iptables', '-t', 'nat', '-D', 'POSTROUTING', ...rule]]);
    expect(batchLines(remove.commands)).toEqual([['addr', 'del', '203.0.113.1/24', 'dev', 'fcbr0']]);
    // iptables-save lists it first in nat POSTROUTING: -I POSTROUTING 1.
    expect(argvs(remove.inverse)).toEqual([['iptables', '-t', 'nat', '-I', 'POSTROUTING', '1', ...rule]]);
    const [add] = batchLines(remove.inverse);
    expect(add && [add.slice(0, 3), valueAfter(add, 'dev')]).toEqual([
      ['addr', 'add', '203.0.113.1/24'],
      'fcbr0',
    ]);
  });

  it('adjusts the existing bridge (forward delay, MAC) and keeps its TAPs, undoing to 15 s and the old MAC', async () => {
    const plan = await planFor('nat-fcbr0-taps');
    const stage = stepOf(plan, 'stage-bridge');
    expect(argvs(stage.commands).some((argv) => argv.includes('add'))).toBe(false);
    expect(
      argvs(stage.commands).map((argv) => valueAfter(argv, 'forward_delay') ?? valueAfter(argv, 'address')),
    ).toEqual(['0', 'bc:24:11:7e:21:4d']);
    expect(
      argvs(stage.inverse).map((argv) => valueAfter(argv, 'forward_delay') ?? valueAfter(argv, 'address')),
    ).toEqual(['8a:1f:c2:55:0e:6b', '1500']);
    const everything = plan.steps
      .flatMap((step) => [...argvs(step.commands), ...batchLines(step.commands)])
      .flat();
    expect(everything.filter((token) => token.startsWith('fc-tap'))).toEqual([]);
    expect(
      plan.topology.after.filter((node) => node.role === 'tap').map((node) => [node.name, node.master]),
    ).toEqual([
      ['fc-tap0', 'fcbr0'],
      ['fc-tap1', 'fcbr0'],
    ]);
  });
});

describe('Docker host (docker-host)', () => {
  it("warns about br_netfilter with FORWARD DROP and leaves Docker's MASQUERADE rules alone", async () => {
    const { snapshot } = await replayHost('docker-host');
    expect(snapshot.netfilter).toMatchObject({
      brNetfilterLoaded: true,
      bridgeNfCallIptables: true,
      forwardPolicy: 'DROP',
    });
    expect(snapshot.netfilter.natRules.map((rule) => rule.bridge)).toEqual(['docker0', 'docker0']);
    const plan = await planFor('docker-host');
    const tokens = plan.steps
      .flatMap((step) => [...argvs(step.commands), ...argvs(step.inverse), ...batchLines(step.commands)])
      .flat();
    expect(tokens.filter((token) => /docker0|MASQUERADE|iptables|203\.0\.113/.test(token))).toEqual([]);
  });
});

describe('blocked hosts', () => {
  it('refuses the Wi-Fi uplink of the laptop, which /sys shows as wireless', async () => {
    const { snapshot } = await replayHost('wifi-laptop');
    expect(snapshot.links.find((link) => link.name === 'wlp2s0')?.wireless).toBe(true);
    const plan = await planFor('wifi-laptop');
    expect(
      plan.verdicts.filter((verdict) => verdict.level === 'blocker').map((verdict) => verdict.id),
    ).toEqual(['wifi-uplink']);
  });

  it('refuses the EC2 instance as a public cloud (found by DMI), whatever the MTU-9001 uplink', async () => {
    const { snapshot } = await replayHost('aws-ec2');
    expect(snapshot.virt).toMatchObject({ kind: 'amazon', cloud: 'aws' });
    const plan = await planFor('aws-ec2');
    expect(plan.blocked).toBe(true);
    expect(plan.verdicts.find((verdict) => verdict.id === 'public-cloud')?.level).toBe('blocker');
    expect(stepOf(plan, 'stage-bridge').expect).toEqual([
      { kind: 'link-exists', ifname: 'fcbr0', mac: '0a:3e:5f:91:c2:7b', mtu: 9001, up: true },
    ]);
  });

  it('refuses the Proxmox VE host: the default uplink vmbr0 is a bridge, and eno1 already has a master', async () => {
    const byDefault = await planFor('uplink-in-bridge');
    expect([byDefault.nic, byDefault.steps]).toEqual(['vmbr0', []]);
    const eno1 = await planFor('uplink-in-bridge', { nic: 'eno1' });
    expect(
      eno1.verdicts
        .filter((verdict) => verdict.level === 'blocker')
        .map((verdict) => verdict.id)
        .sort(),
    ).toEqual(['no-ipv4-on-uplink', 'uplink-has-master']);
    expect(eno1.steps).toEqual([]);
  });
});

describe('bond uplink (bond-uplink)', () => {
  it('bridges bond0 itself and keeps its members and bond parameters in netplan', async () => {
    const plan = await planFor('bond-uplink');
    const enslave = batchLines(stepOf(plan, 'cutover').commands)[0] as string[];
    expect([linkTarget(enslave), valueAfter(enslave, 'master')]).toEqual(['bond0', 'fcbr0']);
    const after = parse(plan.config[0]?.after ?? '') as Yaml;
    expect(after.network.bonds?.bond0).toMatchObject({
      interfaces: ['eno1', 'eno2'],
      parameters: { mode: '802.3ad' },
      dhcp4: false,
    });
    expect(after.network.bridges?.fcbr0).toMatchObject({
      interfaces: ['bond0'],
      addresses: ['198.51.100.20/24'],
    });
  });
});

describe('captured lab hosts', () => {
  it('stops the lab udhcpc with TERM (it does not release on TERM) and restarts it on undo as the busybox applet, same arguments', async () => {
    const doc = loadRecording('lab-dhcp-host');
    const [path, raw] = Object.entries(doc.files).find(([file]) => /^\/proc\/\d+\/cmdline$/.test(file)) as [
      string,
      string,
    ];
    const pid = path.split('/')[2] as string;
    const stop = stepOf(await planFor('lab-dhcp-host'), 'stop-dhcp');
    expect(stop.commands).toEqual([
      {
        kind: 'signal',
        pid: Number(pid),
        signal: 'TERM',
        startTime: null,
        argv: raw.split('\0').slice(0, -1),
      },
    ]);
    // argv[0] is "udhcpc", a symlink to busybox: the restart runs the program /proc/PID/exe names.
    const [name, ...args] = raw.split('\0').slice(0, -1);
    expect(name).toBe('udhcpc');
    expect(doc.links[`/proc/${pid}/exe`]).toBe('/usr/bin/busybox');
    expect(stop.inverse).toEqual([{ kind: 'spawn-detached', argv: ['/usr/bin/busybox', 'udhcpc', ...args] }]);
  });

  it("reads the lab udhcpc's lease identity: no -x 61 and no -C, so busybox's default 01 + ens18's MAC", async () => {
    const { snapshot } = await replayHost('lab-dhcp-host');
    expect(snapshot.dhcpLeases).toEqual([
      {
        ifname: 'ens18',
        client: 'udhcpc',
        address: null,
        clientId: '01:02:62:6d:00:00:18',
        source: 'client-default',
        file: null,
        expiresAt: expect.any(Number),
      },
    ]);
    // The preview shows it under the uplink.
    expect((await planFor('lab-dhcp-host')).topology.before[0]?.lease?.clientId).toBe('01:02:62:6d:00:00:18');
    // The static lab host holds no lease and runs no client: nothing to read.
    expect((await replayHost('lab-static-host')).snapshot.dhcpLeases).toEqual([]);
  });

  it('starts the same udhcpc on fcbr0 asking for the address it has, and stops exactly that one with TERM on undo', async () => {
    const plan = await planFor('lab-dhcp-host');
    const keep = stepOf(plan, 'keep-lease');
    const script = '/tmp/bm4d281a-nnD7Q8/bm4d281a-h.ens18.udhcpc.sh';
    const argv = ['/usr/bin/busybox', 'udhcpc', '-f', '-i', 'fcbr0', '-t', '5', '-T', '1', '-s', script];
    const address = plan.topology.before.find((node) => node.name === 'ens18')?.addresses[0]?.split('/')[0];
    expect(address).toMatch(/^198\.51\.100\./);
    expect(keep.commands).toEqual([{ kind: 'spawn-detached', argv: [...argv, '-r', address] }]);
    expect(keep.inverse).toEqual([{ kind: 'stop-started', argv: [...argv, '-r', address], signal: 'TERM' }]);
    expect(keep.expect).toEqual([{ kind: 'process-running', argv: [...argv, '-r', address] }]);
  });

  it('moves both static addresses and the metric-50 route of the static lab host, and leaves its from-rule alone', async () => {
    const lines = batchLines(stepOf(await planFor('lab-static-host'), 'cutover').commands);
    expect(linesStartingWith(lines, 'addr', 'add').map((line) => line[2])).toEqual([
      '198.51.100.240/24',
      '198.51.100.241/24',
    ]);
    const [route] = linesStartingWith(lines, 'route', 'replace', '203.0.113.0/24');
    expect(
      route && [valueAfter(route, 'via'), valueAfter(route, 'metric'), valueAfter(route, 'dev')],
    ).toEqual(['198.51.100.2', '50', 'fcbr0']);
    expect(linesStartingWith(lines, 'rule')).toEqual([]);
  });
});
