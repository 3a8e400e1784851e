import { describe, expect, it } from 'vitest';
import type { DhcpClient } from '../../../source/host/snapshot.js';
import { buildPlan } from '../../../source/plan/build.js';
import { revertCommandProblem } from '../../../source/plan/revert-allowlist.js';
import { fileForBridge } from '../../../source/plan/steps/keep-lease-client.js';
import type { Plan, Step } from '../../../source/plan/types.js';
import { dhcpClient, HOST_ADDRESS, request, variant } from './fixtures.js';
import { noNetplan } from './hosts.js';

/** A host nothing but `client` manages (no netplan, no networkd), with the base fixture's dynamic address. */
function planWith(
  client: DhcpClient,
  change: (s: Parameters<Parameters<typeof variant>[0]>[0]) => void = () => {},
): Plan {
  return buildPlan(
    variant((s) => {
      noNetplan(s);
      s.dhcpClients = [client];
      change(s);
    }),
    request(),
  );
}

function keepStep(plan: Plan): Step {
  const step = plan.steps.find((candidate) => candidate.kind === 'keep-lease');
  if (!step) throw new Error(`no keep-lease step: ${JSON.stringify(plan.verdicts)}`);
  return step;
}

function bridgeArgv(plan: Plan): string[] {
  const [command] = keepStep(plan).commands;
  if (command?.kind !== 'spawn-detached') throw new Error('keep-lease starts nothing');
  return command.argv;
}

const udhcpc = (...args: string[]) => dhcpClient(700, ['udhcpc', ...args], { ifname: 'ens18' });
const ADDRESS = HOST_ADDRESS.split('/')[0] as string;

describe('keep-lease with udhcpc', () => {
  it('starts busybox udhcpc on the bridge just before the cutover, with its own pid file, asking for its address', () => {
    const plan = planWith(udhcpc('-n', '-p', '/run/udhcpc.ens18.pid', '-i', 'ens18', '-x', 'hostname:web1'));
    const argv = ['/bin/busybox', 'udhcpc', '-n', '-p', '/run/udhcpc.fcbr0.pid', '-i', 'fcbr0'];
    const expected = [...argv, '-x', 'hostname:web1', '-r', ADDRESS];
    expect(plan.blocked).toBe(false);
    expect(plan.steps.map((step) => step.kind)).toEqual([
      'stage-bridge',
      'stop-dhcp',
      'keep-lease',
      'cutover',
    ]);
    expect(keepStep(plan)).toMatchObject({
      commands: [{ kind: 'spawn-detached', argv: expected }],
      inverse: [{ kind: 'stop-started', argv: expected, signal: 'TERM' }],
      expect: [{ kind: 'process-running', argv: expected }],
      disruptive: false,
    });
    // A revert may run it: the allowlist takes the shape the planner makes.
    for (const command of keepStep(plan).inverse) expect(revertCommandProblem(command)).toBeNull();
  });

  it.each<[string, string[], string[]]>([
    ['a clustered -fi', ['-fi', 'ens18'], ['-fi', 'fcbr0']],
    ['an attached -iens18', ['-iens18'], ['-ifcbr0']],
    ['--interface=', ['--interface=ens18'], ['--interface=fcbr0']],
    ['an abbreviated --interf', ['--interf', 'ens18'], ['--interf', 'fcbr0']],
    [
      '--pidfile=',
      ['-i', 'ens18', '--pidfile=/run/udhcpc.pid'],
      ['-i', 'fcbr0', '--pidfile=/run/udhcpc.fcbr0.pid'],
    ],
    ['a -r of its own', ['-i', 'ens18', '-r', '198.51.100.9'], ['-i', 'fcbr0', '-r', ADDRESS]],
    ['an explicit client id', ['-i', 'ens18', '-x', '61:0123'], ['-i', 'fcbr0', '-x', '61:0123']],
    [
      'a value that names the uplink elsewhere',
      ['-H', 'ens18', '-i', 'ens18'],
      ['-H', 'ens18', '-i', 'fcbr0'],
    ],
  ])('rewrites %s and keeps the rest', (_name, args, rewritten) => {
    const argv = bridgeArgv(planWith(udhcpc(...args)));
    expect(argv.slice(2, 2 + rewritten.length)).toEqual(rewritten);
    expect(argv.filter((token) => token === 'ens18').length).toBe(args.includes('-H') ? 1 : 0);
  });

  it('names the bridge when udhcpc named no interface (it then served eth0, the uplink)', () => {
    const plan = buildPlan(
      variant((s) => {
        noNetplan(s);
        for (const item of s.links) if (item.name === 'ens18') item.name = 'eth0';
        for (const item of s.addresses)
          if (item.ifname === 'ens18') Object.assign(item, { ifname: 'eth0', label: 'eth0' });
        for (const item of s.routes) if (item.dev === 'ens18') item.dev = 'eth0';
        for (const item of s.defaultGateways) if (item.dev === 'ens18') item.dev = 'eth0';
        s.dhcpClients = [dhcpClient(700, ['udhcpc', '-f'], { ifname: 'eth0' })];
      }),
      request({ nic: 'eth0' }),
    );
    expect(bridgeArgv(plan)).toEqual(['/bin/busybox', 'udhcpc', '-f', '-i', 'fcbr0', '-r', ADDRESS]);
  });

  it('stops a client that releases on TERM (-R) with KILL, so the lease stays for the uplink', () => {
    const keep = keepStep(planWith(udhcpc('-R', '-i', 'ens18')));
    expect(keep.inverse).toEqual([expect.objectContaining({ kind: 'stop-started', signal: 'KILL' })]);
  });

  it.each<[string, string[]]>([
    ['an option udhcpc does not know', ['--bogus', '-i', 'ens18']],
    ['an ambiguous abbreviation', ['--re', 'x', '-i', 'ens18']],
    ['an option without its value', ['-i']],
    ['"--"', ['-i', 'ens18', '--', 'x']],
  ])('refuses a command line with %s, with the reason', (_name, args) => {
    const plan = planWith(udhcpc(...args));
    expect(plan.blocked).toBe(true);
    expect(plan.verdicts.find((verdict) => verdict.id === 'lease-no-keeper')?.reason).toMatch(
      /udhcpc \(pid 700\)/,
    );
    expect(plan.steps.some((step) => step.kind === 'keep-lease')).toBe(false);
  });
});

/** What the bridge's dhclient adds after its own options: its files, the DUID source, the bridge. */
const DHCLIENT_BRIDGE_TAIL = [
  '-pf',
  '/run/dhclient.fcbr0.pid',
  '-lf',
  '/var/lib/dhcp/dhclient.fcbr0.leases',
  '-df',
  '/var/lib/dhcp/dhclient.leases',
  'fcbr0',
];

describe('keep-lease with dhclient', () => {
  it('gives the bridge its own pid and lease files and keeps the default lease file as the DUID source', () => {
    const plan = planWith(dhcpClient(612, ['/sbin/dhclient', '-4', '-d', 'ens18']));
    expect(keepStep(plan).commands).toEqual([
      {
        kind: 'spawn-detached',
        argv: ['/sbin/dhclient', '-4', '-d', ...DHCLIENT_BRIDGE_TAIL],
      },
    ]);
    expect(keepStep(plan).inverse).toEqual([expect.objectContaining({ signal: 'KILL' })]);
  });

  it('starts it for the bridge alone when it served every interface, and keeps its -cf and -sf', () => {
    const client = dhcpClient(
      612,
      ['/sbin/dhclient', '-cf', '/etc/dhcp/x.conf', '-sf', '/sbin/ens18-script'],
      {
        ifname: null,
      },
    );
    expect(bridgeArgv(planWith(client))).toEqual([
      '/sbin/dhclient',
      '-cf',
      '/etc/dhcp/x.conf',
      '-sf',
      '/sbin/ens18-script',
      ...DHCLIENT_BRIDGE_TAIL,
    ]);
  });

  it('refuses a dhclient started to release (-r), which would give the lease up', () => {
    const plan = planWith(dhcpClient(612, ['/sbin/dhclient', '-r', 'ens18']));
    expect(plan.verdicts.map((verdict) => verdict.id)).toContain('lease-no-keeper');
  });

  it('keeps the lease of a Debian host whose script added the address without a lifetime', () => {
    const plan = planWith(dhcpClient(612, ['/sbin/dhclient', '-4', 'ens18']), (s) => {
      for (const item of s.addresses)
        if (item.ifname === 'ens18' && item.family === 4) {
          Object.assign(item, { dynamic: false, validLft: null, preferredLft: null });
        }
    });
    expect(bridgeArgv(plan).at(-1)).toBe('fcbr0');
  });
});

describe('keep-lease with dhcpcd', () => {
  it('refuses it with the reason: its process title and its exit cannot be kept to the plan', () => {
    const plan = planWith(dhcpClient(900, ['/usr/sbin/dhcpcd', '-b', 'ens18']));
    expect(plan.blocked).toBe(true);
    expect(plan.verdicts.find((verdict) => verdict.id === 'lease-no-keeper')?.reason).toMatch(
      /dhcpcd \(pid 900\).*process title/,
    );
  });
});

describe('fileForBridge', () => {
  it.each([
    ['/run/udhcpc.ens18.pid', 'ens18', '/run/udhcpc.fcbr0.pid'],
    ['/var/lib/dhcp/dhclient-ens18.leases', 'ens18', '/var/lib/dhcp/dhclient-fcbr0.leases'],
    ['/run/udhcpc.ens18.100.pid', 'ens18.100', '/run/udhcpc.fcbr0.pid'],
    ['/run/udhcpc.ens180.pid', 'ens18', '/run/udhcpc.ens180.fcbr0.pid'],
    ['/run/ens18/udhcpc.pid', 'ens18', '/run/ens18/udhcpc.fcbr0.pid'],
    ['/run/udhcpc', 'ens18', '/run/udhcpc.fcbr0'],
    ['/run/e+s.pid', 'e+s', '/run/fcbr0.pid'],
  ])('%s for %s becomes %s', (path, nic, expected) => {
    expect(fileForBridge(path, nic, 'fcbr0')).toBe(expected);
  });
});
