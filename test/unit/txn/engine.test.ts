/**
 * The engine against an in-memory host (engine-fake-host.ts): the plan is the real planner's, the
 * snapshot the real probe's, the journal real files in a temp dir; only the kernel is imitated.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { probeHost } from '../../../source/host/probe.js';
import type { HostSnapshot } from '../../../source/host/snapshot.js';
import { buildPlan } from '../../../source/plan/build.js';
import type { Plan } from '../../../source/plan/types.js';
import { silentLog } from '../../../source/system/debug-log.js';
import type { DnsReply } from '../../../source/system/dns-query.js';
import {
  ArmingFailed,
  createEngine,
  HostChangedSincePlan,
  PlanNotApplicable,
} from '../../../source/txn/engine/engine.js';
import type { EngineDeps, EngineEvent } from '../../../source/txn/engine/engine-api.js';
import {
  createJournalStore,
  JournalUnreadable,
  MigrationPending,
} from '../../../source/txn/journal/journal.js';
import {
  dhcpHost,
  type FakeHostOptions,
  type FakeState,
  fakeHost,
  OUR_NETNS,
  stateView,
  UPLINK_MAC,
} from './engine-fake-host.js';
import { makeTempStateDir, manualClock } from './journal-fixture.js';

/** A journal as JSON.parse reads it, for a test to forge any field. */
type ForgedJournal = ReturnType<typeof JSON.parse>;

const ENV = { uid: 0, sshConnection: '198.51.100.50 40000 198.51.100.240 22', rootDir: '/nonexistent-root' };
const REQUEST = { nic: 'ens18', bridge: 'fcbr0', timeoutSec: 120, persist: 'none' as const };
/** The host's udhcpc, and the same started on the bridge (keep-lease) asking for the address it has. */
const UPLINK_UDHCPC = ['/usr/bin/busybox', 'udhcpc', '-f', '-i', 'ens18', '-s', '/etc/udhcpc.sh'];
const BRIDGE_UDHCPC = [
  '/usr/bin/busybox',
  'udhcpc',
  '-f',
  '-i',
  'fcbr0',
  '-s',
  '/etc/udhcpc.sh',
  '-r',
  '198.51.100.240',
];

let temp: ReturnType<typeof makeTempStateDir>;
beforeEach(() => {
  temp = makeTempStateDir();
});
afterEach(() => temp.cleanup());

async function setup(
  state: FakeState = dhcpHost(),
  options: FakeHostOptions & { deps?: Partial<EngineDeps> } = {},
) {
  const host = fakeHost(state, options);
  const snapshot: HostSnapshot = await probeHost({ runner: host.runner, files: host.files, env: ENV });
  const plan: Plan = buildPlan(snapshot, REQUEST);
  const events: EngineEvent[] = [];
  const spawned: string[][] = [];
  const clock = manualClock(Date.now());
  const journal = createJournalStore({ clock: clock.now });
  const deps: EngineDeps = {
    runner: host.runner,
    files: host.files,
    env: ENV,
    stateDir: temp.stateDir,
    runtimeDir: `${temp.root}/run`,
    journal,
    clock,
    log: silentLog,
    listener: (event) => events.push(event),
    spawnDetached: async (argv) => {
      spawned.push([...argv]);
      state.processes.set(5000 + spawned.length, { argv: [...argv], netns: OUR_NETNS });
      return { pid: 5000 + spawned.length };
    },
    queryDns: async (): Promise<DnsReply> => ({ ok: true, rcode: 5, durationMs: 3 }),
    ...options.deps,
  };
  const before = stateView(state);
  return { host, snapshot, plan, events, spawned, clock, journal, deps, engine: createEngine(deps), before };
}

const stepEvents = (events: EngineEvent[]) =>
  events.flatMap((event) => (event.kind === 'step' ? [`${event.stepId}:${event.state}`] : []));

describe('start', () => {
  test('runs each step between its journal records, the cutover as one batch on stdin, and verifies through the bridge', async () => {
    const { host, snapshot, plan, events, journal, engine, spawned } = await setup();
    expect(plan.steps.map((step) => step.id)).toEqual(['stage-bridge', 'stop-dhcp', 'keep-lease', 'cutover']);
    const outcome = await engine.start({ plan, preState: snapshot, timeoutSec: 120 });

    expect(outcome.kind).toBe('pending');
    if (outcome.kind !== 'pending') return;
    expect(outcome.checks.map((check) => [check.id, check.via, check.ok])).toEqual([
      ['gateway-arp', 'fcbr0', true],
      ['gateway-icmp', 'fcbr0', true],
      ['peer-icmp', 'fcbr0', true],
    ]);
    expect(host.changes()).toEqual([
      ['ip', 'link', 'add', 'name', 'fcbr0', 'type', 'bridge', 'stp_state', '0', 'forward_delay', '0'],
      ['ip', 'link', 'set', 'dev', 'fcbr0', 'address', UPLINK_MAC, 'mtu', '1500'],
      ['ip', 'link', 'set', 'dev', 'fcbr0', 'up'],
      ['kill', '-TERM', '4242'],
      ['ip', '-batch', '-'],
    ]);
    expect(host.batches).toEqual([
      {
        argv: ['ip', '-batch', '-'],
        lines: [
          'link set dev ens18 master fcbr0',
          'addr add 198.51.100.240/24 broadcast 198.51.100.255 dev fcbr0',
          'route replace default via 198.51.100.1 dev fcbr0 table main',
          'addr del 198.51.100.240/24 dev ens18',
        ],
      },
    ]);
    expect(host.state.links.find((link) => link.name === 'ens18')?.master).toBe('fcbr0');
    expect(host.state.processes.has(4242)).toBe(false);
    // The host's client, started again on the bridge before the cutover, renews the lease there.
    expect(spawned).toEqual([BRIDGE_UDHCPC]);

    const saved = await journal.load(temp.stateDir);
    expect(saved?.phase).toBe('applied');
    expect(saved?.deadline).toBe(outcome.deadline);
    expect(saved?.baseline?.map((check) => [check.id, check.via, check.ok])).toEqual([
      ['gateway-arp', 'ens18', true],
      ['gateway-icmp', 'ens18', true],
      ['peer-icmp', 'ens18', true],
    ]);
    expect(saved?.applied.map((step) => [step.stepId, step.ok])).toEqual([
      ['stage-bridge', true],
      ['stop-dhcp', true],
      ['keep-lease', true],
      ['cutover', true],
    ]);
    expect(stepEvents(events)).toEqual([
      'stage-bridge:pending',
      'stop-dhcp:pending',
      'keep-lease:pending',
      'cutover:pending',
      'stage-bridge:running',
      'stage-bridge:ok',
      'stop-dhcp:running',
      'stop-dhcp:ok',
      'keep-lease:running',
      'keep-lease:ok',
      'cutover:running',
      'cutover:ok',
    ]);
    expect(
      events.filter((event) => event.kind === 'phase').map((event) => event.kind === 'phase' && event.phase),
    ).toEqual(['planned', 'applying', 'applied']);
  });

  test('the arping of iputils is used when installed, busybox arping otherwise', async () => {
    const withIputils = await setup(dhcpHost(), { iputilsArping: true });
    await withIputils.engine.start({
      plan: withIputils.plan,
      preState: withIputils.snapshot,
      timeoutSec: 120,
    });
    expect(withIputils.host.calls.filter((argv) => argv.includes('arping'))[0]).toEqual([
      'arping',
      '-f',
      '-c',
      '2',
      '-w',
      '2',
      '-I',
      'ens18',
      '198.51.100.1',
    ]);
    temp.cleanup();
    temp = makeTempStateDir();
    const busybox = await setup();
    await busybox.engine.start({ plan: busybox.plan, preState: busybox.snapshot, timeoutSec: 120 });
    const arpings = busybox.host.calls.filter((argv) => argv.includes('arping'));
    expect(arpings.slice(0, 2)).toEqual([
      ['arping', '-f', '-c', '2', '-w', '2', '-I', 'ens18', '198.51.100.1'],
      ['busybox', 'arping', '-f', '-c', '2', '-w', '2', '-I', 'ens18', '198.51.100.1'],
    ]);
  });

  test('a nameserver in resolv.conf is checked by a DNS question before and after', async () => {
    const asked: string[] = [];
    const { snapshot, plan, engine } = await setup(dhcpHost(), {
      resolvConf: 'nameserver 198.51.100.53\nnameserver 198.51.100.53\n',
      deps: {
        queryDns: async (server) => {
          asked.push(server);
          return { ok: true, rcode: 0, durationMs: 2 };
        },
      },
    });
    const outcome = await engine.start({ plan, preState: snapshot, timeoutSec: 120 });
    expect(outcome.kind === 'pending' && outcome.checks.at(-1)).toMatchObject({
      id: 'dns',
      target: '198.51.100.53',
      ok: true,
    });
    expect(asked).toEqual(['198.51.100.53', '198.51.100.53']);
  });

  test('a second start while one is pending is refused and runs nothing', async () => {
    const first = await setup();
    await first.engine.start({ plan: first.plan, preState: first.snapshot, timeoutSec: 120 });
    const ran = first.host.calls.length;
    const second = createEngine({ ...first.deps, journal: createJournalStore() });
    await expect(
      second.start({ plan: first.plan, preState: first.snapshot, timeoutSec: 120 }),
    ).rejects.toBeInstanceOf(MigrationPending);
    expect(first.host.calls.length).toBe(ran);
  });

  test('a host that changed since the plan is refused before the journal is written', async () => {
    const { host, snapshot, plan, engine, journal } = await setup();
    host.state.addresses.push({ ifname: 'ens18', local: '198.51.100.241', prefixlen: 24 });
    const start = engine.start({ plan, preState: snapshot, timeoutSec: 120 });
    await expect(start).rejects.toBeInstanceOf(HostChangedSincePlan);
    await expect(start).rejects.toThrow('address 198.51.100.241/24 on ens18 was not there before');
    expect(host.changes()).toEqual([]);
    expect(await journal.load(temp.stateDir)).toBeNull();
  });

  test("the uplink's DHCP client restarted under a new pid since the plan: refused, nothing signalled or written", async () => {
    const { host, snapshot, plan, engine, journal } = await setup();
    // What a guardian's revert does meanwhile: the client of the pre-state started again.
    const client = host.state.processes.get(4242);
    if (!client) throw new Error('no client');
    host.state.processes.delete(4242);
    host.state.processes.set(4377, client);
    const start = engine.start({ plan, preState: snapshot, timeoutSec: 120 });
    await expect(start).rejects.toBeInstanceOf(HostChangedSincePlan);
    await expect(start).rejects.toThrow(
      'the host changed since the plan was made (udhcpc (pid 4242: udhcpc -f -i ens18 -s /etc/udhcpc.sh) is no longer running; udhcpc (pid 4377: udhcpc -f -i ens18 -s /etc/udhcpc.sh) runs now and did not before)',
    );
    expect(host.changes()).toEqual([]);
    expect(await journal.load(temp.stateDir)).toBeNull();
  });

  test('a blocked plan is refused', async () => {
    const { snapshot, plan, engine, host } = await setup();
    const blocked = {
      ...plan,
      blocked: true,
      verdicts: [{ id: 'x', level: 'blocker' as const, reason: 'The uplink is Wi-Fi.', fix: '' }],
    };
    await expect(engine.start({ plan: blocked, preState: snapshot, timeoutSec: 120 })).rejects.toThrow(
      PlanNotApplicable,
    );
    expect(host.changes()).toEqual([]);
  });

  test('when arming the guardian fails nothing is changed and the journal ends reverted', async () => {
    const { snapshot, plan, engine, host, journal } = await setup();
    const start = engine.start({
      plan,
      preState: snapshot,
      timeoutSec: 120,
      beforeFirstChange: async () => {
        throw new Error('systemd-run: Failed to start transient service unit');
      },
    });
    await expect(start).rejects.toBeInstanceOf(ArmingFailed);
    expect(host.changes()).toEqual([]);
    expect((await journal.load(temp.stateDir))?.outcome).toMatchObject({
      kind: 'reverted',
      reason: 'apply-failed',
    });
  });

  test('a listener that throws does not stop the migration', async () => {
    const { snapshot, plan } = await setup();
    const { engine } = await setup(dhcpHost(), {
      deps: {
        listener: () => {
          throw new Error('screen gone');
        },
      },
    });
    expect((await engine.start({ plan, preState: snapshot, timeoutSec: 120 })).kind).toBe('pending');
  });
});

describe('failures revert at once', () => {
  test('a batch line the kernel refuses: everything started is undone by one -force batch, last step first', async () => {
    const { host, snapshot, plan, engine, journal, before, spawned } = await setup(dhcpHost(), {
      refuse: (line) =>
        line.startsWith('route replace default via 198.51.100.1 dev fcbr0')
          ? 'Error: Nexthop has invalid gateway.'
          : null,
    });
    const outcome = await engine.start({ plan, preState: snapshot, timeoutSec: 120 });
    expect(outcome.kind).toBe('reverted');
    if (outcome.kind === 'pending') return;
    expect(outcome.failure).toBe(
      'ip -batch stopped at line 3 (route replace default via 198.51.100.1 dev fcbr0 table main): Error: Nexthop has invalid gateway.',
    );
    const revertBatch = host.batches.at(-1);
    expect(revertBatch?.argv).toEqual(['ip', '-force', '-batch', '-']);
    expect(revertBatch?.lines).toEqual([
      'addr add 198.51.100.240/24 broadcast 198.51.100.255 dev ens18',
      'route replace default via 198.51.100.1 dev ens18 table main',
      'addr del 198.51.100.240/24 dev fcbr0',
      'link set dev ens18 nomaster',
      'link del dev fcbr0',
    ]);
    // The bridge's client was stopped (TERM, found by its argv), then the uplink's restarted, after
    // the addresses were back, by the program the kernel ran (busybox's udhcpc) with its own arguments.
    expect(host.calls.filter((argv) => argv[0] === 'kill')).toEqual([
      ['kill', '-TERM', '4242'],
      ['kill', '-TERM', '5001'],
    ]);
    expect(spawned).toEqual([BRIDGE_UDHCPC, UPLINK_UDHCPC]);
    expect(stateView(host.state)).toEqual(before);
    expect(outcome.revert).toMatchObject({
      kind: 'reverted',
      reason: 'apply-failed',
      differences: [],
      manualCommands: [],
    });
    expect(outcome.revert.steps.map((step) => [step.stepId, step.state])).toEqual([
      ['cutover', 'reverted'],
      ['keep-lease', 'reverted'],
      ['stop-dhcp', 'reverted'],
      ['stage-bridge', 'reverted'],
    ]);
    const saved = await journal.load(temp.stateDir);
    expect(saved?.outcome).toMatchObject({ kind: 'reverted', reason: 'apply-failed' });
    expect(saved?.applied.at(-1)).toMatchObject({ stepId: 'cutover', ok: false });
  });

  test('a check that passed at baseline and fails through the bridge reverts with probe-failed', async () => {
    const { host, snapshot, plan, engine, before } = await setup(dhcpHost(), {
      answers: (target, via) => !(target === '198.51.100.1' && via === 'fcbr0'),
    });
    const outcome = await engine.start({ plan, preState: snapshot, timeoutSec: 120 });
    expect(outcome.kind).toBe('reverted');
    if (outcome.kind === 'pending') return;
    expect(outcome.revert.reason).toBe('probe-failed');
    expect(outcome.failure).toMatch(
      /^checks that passed before the change fail through fcbr0: Gateway 198\.51\.100\.1 answers ARP: no ARP reply/,
    );
    expect(stateView(host.state)).toEqual(before);
    // Each failing check was retried (bounded) before giving up.
    const gatewayPings = host.calls.filter(
      (argv) => argv[0] === 'ping' && argv.includes('fcbr0') && argv.at(-1) === '198.51.100.1',
    );
    expect(gatewayPings.length).toBeGreaterThan(1);
    expect(gatewayPings.length).toBeLessThanOrEqual(4);
  });

  test('a check that already failed at baseline does not count', async () => {
    const { snapshot, plan, engine } = await setup(dhcpHost(), {
      answers: (target) => target !== '198.51.100.50',
    });
    const outcome = await engine.start({ plan, preState: snapshot, timeoutSec: 120 });
    expect(outcome.kind).toBe('pending');
    expect(outcome.kind === 'pending' && outcome.checks.find((check) => check.id === 'peer-icmp')?.ok).toBe(
      false,
    );
  });
});

describe("the DHCP client is only signalled when it is the plan's, in our namespace", () => {
  /**
   * The engine of `setup`, with `change` made to the host right after the bridge is staged: after
   * the fresh look before the first change (the plan still fits), before the client is stopped.
   */
  const changedAfterStaging = (deps: EngineDeps, change: () => void) =>
    createEngine({
      ...deps,
      afterStep: async (stepId) => {
        if (stepId === 'stage-bridge') change();
      },
    });

  test('another program now holding the pid is left alone and the migration reverts', async () => {
    const { host, snapshot, plan, deps, spawned } = await setup();
    const engine = changedAfterStaging(deps, () =>
      host.state.processes.set(4242, { argv: ['sshd', '-D'], netns: OUR_NETNS }),
    );
    const outcome = await engine.start({ plan, preState: snapshot, timeoutSec: 120 });
    expect(outcome.kind === 'pending' ? null : outcome.failure).toBe(
      'not signalling pid 4242: pid 4242 is no longer the process the plan saw (started at tick 104242: "udhcpc -f -i ens18 -s /etc/udhcpc.sh"); it now runs "sshd -D", started at tick 104242 (the pid was reused); run plan/apply again',
    );
    expect(host.calls.some((argv) => argv[0] === 'kill')).toBe(false);
    // Its restart is not needed: the one from the plan is gone, but none runs; the revert restarts it.
    expect(spawned).toEqual([['/usr/bin/busybox', 'udhcpc', '-f', '-i', 'ens18', '-s', '/etc/udhcpc.sh']]);
  });

  test("a reused pid's argv and program are shown quoted and escaped, never raw", async () => {
    const { host, snapshot, plan, deps } = await setup();
    const engine = changedAfterStaging(deps, () =>
      host.state.processes.set(4242, {
        argv: ['sshd', '-D\x1b[2J\u202e', 'a b", not "udhcpc'],
        netns: OUR_NETNS,
      }),
    );
    const outcome = await engine.start({ plan, preState: snapshot, timeoutSec: 120 });
    expect(outcome.kind === 'pending' ? null : outcome.failure).toBe(
      `not signalling pid 4242: pid 4242 is no longer the process the plan saw (started at tick 104242: "udhcpc -f -i ens18 -s /etc/udhcpc.sh"); it now runs "sshd $'-D\\x1b[2J\\u202e' 'a b", not "udhcpc'", started at tick 104242 (the pid was reused); run plan/apply again`,
    );
    expect(host.calls.some((argv) => argv[0] === 'kill')).toBe(false);
  });

  test('a reused pid running a program whose path holds escapes shows the path escaped', async () => {
    const { host, snapshot, plan, deps } = await setup();
    const engine = changedAfterStaging(deps, () =>
      host.state.processes.set(4242, {
        argv: ['udhcpc', '-f', '-i', 'ens18', '-s', '/etc/udhcpc.sh'],
        netns: OUR_NETNS,
        exe: '/tmp/\x1b]0;owned\x07/udhcpc',
      }),
    );
    const outcome = await engine.start({ plan, preState: snapshot, timeoutSec: 120 });
    expect(outcome.kind === 'pending' ? null : outcome.failure).toBe(
      'not signalling pid 4242: pid 4242 now runs /tmp/\\x1b]0;owned\\x07/udhcpc, not /usr/bin/busybox (the pid was reused); it is left alone',
    );
  });

  test('a client in another network namespace is never signalled, nor restarted', async () => {
    const { host, snapshot, plan, deps, spawned } = await setup();
    // Same argv, same pid, but (now) in another namespace: what a stale or foreign plan would name.
    const engine = changedAfterStaging(deps, () =>
      host.state.processes.set(4242, {
        argv: ['udhcpc', '-f', '-i', 'ens18', '-s', '/etc/udhcpc.sh'],
        netns: 'net:[4026532999]',
      }),
    );
    const outcome = await engine.start({ plan, preState: snapshot, timeoutSec: 120 });
    expect(outcome.kind === 'pending' ? null : outcome.failure).toMatch(
      /^not signalling pid 4242: pid 4242 \(udhcpc\) runs in network namespace net:\[4026532999\], not ours \(net:\[4026531840\]\)/,
    );
    expect(host.calls.some((argv) => argv[0] === 'kill')).toBe(false);
    expect(host.state.processes.has(4242)).toBe(true);
    expect(spawned).toEqual([]);
  });

  test("the pid now held by another user's process of the same argv and program is left alone", async () => {
    const { host, snapshot, plan, deps, spawned } = await setup();
    const engine = changedAfterStaging(deps, () =>
      host.state.processes.set(4242, {
        argv: ['udhcpc', '-f', '-i', 'ens18', '-s', '/etc/udhcpc.sh'],
        netns: OUR_NETNS,
        uid: 65534,
      }),
    );
    const outcome = await engine.start({ plan, preState: snapshot, timeoutSec: 120 });
    expect(outcome.kind === 'pending' ? null : outcome.failure).toBe(
      'not signalling pid 4242: pid 4242 now runs as uid 65534 (euid 65534), not root; it is left alone',
    );
    expect(host.calls.some((argv) => argv[0] === 'kill')).toBe(false);
    expect(host.state.processes.has(4242)).toBe(true);
    // Nor does it count as the client already running: the revert starts root's client again.
    expect(spawned).toEqual([['/usr/bin/busybox', 'udhcpc', '-f', '-i', 'ens18', '-s', '/etc/udhcpc.sh']]);
  });

  test('the pid now held by another program of the same argv is left alone', async () => {
    const { host, snapshot, plan, deps } = await setup();
    const engine = changedAfterStaging(deps, () =>
      host.state.processes.set(4242, {
        argv: ['udhcpc', '-f', '-i', 'ens18', '-s', '/etc/udhcpc.sh'],
        netns: OUR_NETNS,
        exe: '/tmp/x/udhcpc',
      }),
    );
    const outcome = await engine.start({ plan, preState: snapshot, timeoutSec: 120 });
    expect(outcome.kind === 'pending' ? null : outcome.failure).toBe(
      'not signalling pid 4242: pid 4242 now runs /tmp/x/udhcpc, not /usr/bin/busybox (the pid was reused); it is left alone',
    );
    expect(host.calls.some((argv) => argv[0] === 'kill')).toBe(false);
  });

  test('a non-root dhclient naming the uplink is listed, warned about, and never signalled nor started', async () => {
    const state = dhcpHost();
    state.processes.set(4300, {
      argv: ['dhclient', 'ens18'],
      netns: OUR_NETNS,
      uid: 65534,
      exe: '/tmp/bm/dhclient',
    });
    const { host, snapshot, plan, engine, spawned } = await setup(state);
    expect(snapshot.dhcpClients.find((client) => client.pid === 4300)).toMatchObject({
      program: 'dhclient',
      ifname: 'ens18',
      sameNetns: true,
      uid: 65534,
      euid: 65534,
      exe: '/tmp/bm/dhclient',
    });
    expect(plan.verdicts.find((verdict) => verdict.id === 'dhcp-client-not-ours')?.reason).toBe(
      "dhclient (pid 4300, uid 65534) is not root's: left alone (never signalled, never restarted), though it names ens18.",
    );
    const stop = plan.steps.find((step) => step.id === 'stop-dhcp');
    expect(stop?.commands).toEqual([
      { kind: 'signal', pid: 4242, signal: 'TERM', startTime: '104242', argv: UPLINK_UDHCPC.slice(1) },
    ]);
    await engine.start({ plan, preState: snapshot, timeoutSec: 120 });
    expect((await engine.revert('operator')).kind).toBe('reverted');
    // Root's udhcpc is stopped and started on the bridge, then back; the user's dhclient never.
    expect(host.calls.filter((argv) => argv[0] === 'kill')).toEqual([
      ['kill', '-TERM', '4242'],
      ['kill', '-TERM', '5001'],
    ]);
    expect(host.state.processes.get(4300)?.uid).toBe(65534);
    expect(spawned).toEqual([BRIDGE_UDHCPC, UPLINK_UDHCPC]);
  });

  test('a revert refuses to start what no root client of the pre-state ran (an edited journal)', async () => {
    const { snapshot, plan, engine, spawned } = await setup();
    const edited = structuredClone(plan);
    const stop = edited.steps.find((step) => step.id === 'stop-dhcp');
    if (!stop) throw new Error('no stop-dhcp step');
    stop.inverse = [
      { kind: 'spawn-detached', argv: ['udhcpc', '-f', '-i', 'ens18', '-s', '/etc/udhcpc.sh'] },
    ];
    await engine.start({ plan: edited, preState: snapshot, timeoutSec: 120 });
    const outcome = await engine.revert('operator');
    expect(outcome.kind).toBe('revert-incomplete');
    expect(outcome.differences.join('\n')).toContain(
      'no DHCP client of the pre-state ran as root with this program and these arguments, so it is not started',
    );
    // Only the bridge's client, on the way in; nothing on the way back.
    expect(spawned).toEqual([BRIDGE_UDHCPC]);
  });

  test('a client that exited after the look before the first change fails its stop, and the migration reverts', async () => {
    const { host, snapshot, plan, deps } = await setup();
    const engine = changedAfterStaging(deps, () => host.state.processes.delete(4242));
    const outcome = await engine.start({ plan, preState: snapshot, timeoutSec: 120 });
    expect(outcome.kind === 'pending' ? null : outcome.failure).toBe(
      'not signalling pid 4242: pid 4242 (udhcpc -f -i ens18 -s /etc/udhcpc.sh) has exited since the plan was made; the host changed, run plan/apply again',
    );
    expect(host.calls.some((argv) => argv[0] === 'kill')).toBe(false);
  });

  test('the same argv, owner and program under a pid that started at another time is not signalled', async () => {
    const { host, snapshot, plan, deps } = await setup();
    const engine = changedAfterStaging(deps, () =>
      host.state.processes.set(4242, {
        argv: ['udhcpc', '-f', '-i', 'ens18', '-s', '/etc/udhcpc.sh'],
        netns: OUR_NETNS,
        startTime: '987654',
      }),
    );
    const outcome = await engine.start({ plan, preState: snapshot, timeoutSec: 120 });
    expect(outcome.kind === 'pending' ? null : outcome.failure).toBe(
      'not signalling pid 4242: pid 4242 is no longer the process the plan saw (started at tick 104242: "udhcpc -f -i ens18 -s /etc/udhcpc.sh"); it now runs "udhcpc -f -i ens18 -s /etc/udhcpc.sh", started at tick 987654 (the pid was reused); run plan/apply again',
    );
    expect(host.calls.some((argv) => argv[0] === 'kill')).toBe(false);
    expect(host.state.processes.has(4242)).toBe(true);
  });

  test('a signal whose plan lacks the start time (an older journal) is never sent', async () => {
    const { host, snapshot, plan, engine } = await setup();
    const old = structuredClone(plan);
    const stop = old.steps.find((step) => step.id === 'stop-dhcp');
    if (!stop) throw new Error('no stop-dhcp step');
    stop.commands = [{ kind: 'signal', pid: 4242, signal: 'TERM' } as (typeof stop.commands)[number]];
    const outcome = await engine.start({ plan: old, preState: snapshot, timeoutSec: 120 });
    expect(outcome.kind === 'pending' ? null : outcome.failure).toMatch(
      /^not signalling pid 4242: the plan does not say when pid 4242 started/,
    );
    expect(host.calls.some((argv) => argv[0] === 'kill')).toBe(false);
  });
});

describe("the bridge's DHCP client", () => {
  test('a revert stops exactly the one it started: root, its program, our namespace; look-alikes are left alone', async () => {
    const { host, snapshot, plan, engine } = await setup();
    await engine.start({ plan, preState: snapshot, timeoutSec: 120 });
    const lookAlikes = [
      { argv: BRIDGE_UDHCPC, netns: OUR_NETNS, uid: 65534 },
      { argv: BRIDGE_UDHCPC, netns: OUR_NETNS, exe: '/tmp/x/busybox' },
      { argv: BRIDGE_UDHCPC, netns: 'net:[4026532999]' },
      { argv: [...BRIDGE_UDHCPC, '-q'], netns: OUR_NETNS },
    ];
    for (const [index, process] of lookAlikes.entries()) host.state.processes.set(6001 + index, process);
    expect((await engine.revert('operator')).kind).toBe('reverted');
    expect(host.calls.filter((argv) => argv[0] === 'kill')).toEqual([
      ['kill', '-TERM', '4242'],
      ['kill', '-TERM', '5001'],
    ]);
    expect([6001, 6002, 6003, 6004].every((pid) => host.state.processes.has(pid))).toBe(true);
  });

  test('a client that did not start fails the step, and the migration reverts before the cutover', async () => {
    const { host, snapshot, plan, engine, before } = await setup(dhcpHost(), {
      deps: { spawnDetached: async () => ({ pid: 5999 }) },
    });
    const outcome = await engine.start({ plan, preState: snapshot, timeoutSec: 120 });
    expect(outcome.kind).toBe('reverted');
    if (outcome.kind === 'pending') return;
    expect(outcome.failure).toContain(`${BRIDGE_UDHCPC.join(' ')} is not running`);
    expect(host.batches.map((batch) => batch.argv)).toEqual([['ip', '-force', '-batch', '-']]);
    expect(outcome.revert.steps.map((step) => step.stepId)).toEqual([
      'keep-lease',
      'stop-dhcp',
      'stage-bridge',
    ]);
    expect(stateView(host.state)).toEqual(before);
  });
});

describe('revert, confirm, watch', () => {
  test('a revert from a new engine restores the host; a second revert finds nothing to do', async () => {
    const first = await setup();
    await first.engine.start({ plan: first.plan, preState: first.snapshot, timeoutSec: 120 });
    const later = createEngine({ ...first.deps, journal: createJournalStore() });
    const outcome = await later.revert('operator');
    expect(outcome).toMatchObject({
      kind: 'reverted',
      reason: 'operator',
      differences: [],
      manualCommands: [],
    });
    expect(outcome.checks.map((check) => [check.id, check.via, check.ok])).toEqual([
      ['gateway-arp', 'ens18', true],
      ['gateway-icmp', 'ens18', true],
      ['peer-icmp', 'ens18', true],
    ]);
    expect(stateView(first.host.state)).toEqual(first.before);
    expect(first.spawned).toEqual([BRIDGE_UDHCPC, UPLINK_UDHCPC]);
    await expect(later.revert('operator')).rejects.toThrow(
      /the migration is reverted; there is nothing to revert/,
    );
  });

  test('what the revert cannot restore is reported with the exact commands that would', async () => {
    const first = await setup();
    await first.engine.start({ plan: first.plan, preState: first.snapshot, timeoutSec: 120 });
    // While pending, someone adds an address to the uplink (a renderer, a person).
    first.host.state.addresses.push({ ifname: 'ens18', local: '198.51.100.77', prefixlen: 24 });
    const outcome = await first.engine.revert('timeout');
    expect(outcome).toMatchObject({
      kind: 'revert-incomplete',
      differences: ['address 198.51.100.77/24 on ens18 was not there before'],
      manualCommands: [{ kind: 'exec', argv: ['ip', 'addr', 'del', '198.51.100.77/24', 'dev', 'ens18'] }],
    });
    expect((await first.journal.load(temp.stateDir))?.outcome).toMatchObject({
      kind: 'revert-incomplete',
      reason: 'timeout',
      manualCommands: [{ kind: 'exec', argv: ['ip', 'addr', 'del', '198.51.100.77/24', 'dev', 'ens18'] }],
    });
  });

  test("in the lab's namespace, the commands to finish by hand carry its ip netns exec", async () => {
    const first = await setup();
    const plan = { ...first.plan, request: { ...first.plan.request, netns: 'bm-x-host' } };
    await first.engine.start({ plan, preState: first.snapshot, timeoutSec: 120 });
    first.host.state.addresses.push({ ifname: 'ens18', local: '198.51.100.77', prefixlen: 24 });
    const outcome = await first.engine.revert('timeout');
    // Pasted on the machine without it, the command would act on the machine's own ens18.
    expect(outcome.manualCommands).toEqual([
      {
        kind: 'exec',
        argv: ['ip', 'netns', 'exec', 'bm-x-host', 'ip', 'addr', 'del', '198.51.100.77/24', 'dev', 'ens18'],
      },
    ]);
  });

  test('a renderer that cannot be told to take the uplink back is reported as not done with its command; the revert is complete', async () => {
    const first = await setup();
    // networkctl is not installed on the fake host: the hand-back fails as it does with no bus.
    const plan = structuredClone(first.plan);
    const stage = plan.steps.find((step) => step.id === 'stage-bridge');
    if (!stage) throw new Error('no stage-bridge step');
    stage.inverse = [...stage.inverse, { kind: 'exec', argv: ['networkctl', 'reload'] }];
    await first.engine.start({ plan, preState: first.snapshot, timeoutSec: 120 });
    const outcome = await first.engine.revert('operator');
    const text =
      'systemd-networkd was not told to take ens18 back (networkctl reload is not installed): until it is, it may leave ens18 unmanaged (it does when it read the hold file in the window) and nothing renews a leased address there; run the commands below once systemd-networkd answers on its D-Bus.';
    expect(outcome).toMatchObject({
      kind: 'reverted',
      differences: [],
      notDone: [text],
      manualCommands: [{ kind: 'exec', argv: ['networkctl', 'reload'] }],
    });
    expect(outcome.steps.find((step) => step.stepId === 'stage-bridge')).toMatchObject({
      state: 'reverted',
      message: 'not done: networkctl reload is not installed',
    });
    expect(stateView(first.host.state)).toEqual(first.before);
    const journal = await first.journal.load(temp.stateDir);
    expect(journal?.outcome).toMatchObject({ kind: 'reverted', notDone: [text] });
    expect(journal?.events.map((event) => event.message)).toContain(text);
  });

  test('a DHCP client restart is skipped when one with the same argv already runs (a revert run twice)', async () => {
    const first = await setup();
    await first.engine.start({ plan: first.plan, preState: first.snapshot, timeoutSec: 120 });
    first.host.state.processes.set(777, {
      argv: ['/usr/bin/busybox', 'udhcpc', '-f', '-i', 'ens18', '-s', '/etc/udhcpc.sh'],
      netns: OUR_NETNS,
    });
    expect((await first.engine.revert('operator')).kind).toBe('reverted');
    expect(first.spawned).toEqual([BRIDGE_UDHCPC]);
  });

  test('confirm moves an applied change to confirmed; not before, and not after the deadline', async () => {
    const first = await setup();
    await expect(first.engine.confirm()).rejects.toThrow(/no migration journal/);
    await first.engine.start({ plan: first.plan, preState: first.snapshot, timeoutSec: 120 });
    await first.engine.confirm();
    expect((await first.journal.load(temp.stateDir))?.phase).toBe('confirmed');
    await expect(first.engine.revert('timeout')).rejects.toThrow(/the change was confirmed/);
    await expect(first.engine.confirm()).rejects.toThrow(
      /the migration is confirmed; only an applied change/,
    );

    temp.cleanup();
    temp = makeTempStateDir();
    const late = await setup();
    await late.engine.start({ plan: late.plan, preState: late.snapshot, timeoutSec: 120 });
    late.clock.advance(121_000);
    await expect(late.engine.confirm()).rejects.toThrow(/the deadline has passed/);
  });

  test('watch re-runs only the checks that passed at baseline, through the bridge', async () => {
    const { snapshot, plan, engine, events } = await setup(dhcpHost(), {
      answers: (target) => target !== '198.51.100.50',
    });
    await engine.start({ plan, preState: snapshot, timeoutSec: 120 });
    const checks = await engine.watch();
    expect(checks.map((check) => [check.id, check.via])).toEqual([
      ['gateway-arp', 'fcbr0'],
      ['gateway-icmp', 'fcbr0'],
    ]);
    expect(events.filter((event) => event.kind === 'check' && event.phase === 'watch')).toHaveLength(2);
  });
});

/**
 * A journal is a root-owned file that a person can edit: one that parses as JSON but names a step
 * its plan lacks, or holds an inverse that is not a list of Commands, is refused when the revert
 * reads it (the unreadable-journal fix: check the host, move the file aside), before the revert
 * marks it reverting or runs anything. It used to crash the revert half way, as "internal".
 */
describe('a forged journal that parses cleanly', () => {
  const forgeries: [string, (journal: ForgedJournal) => void, RegExp][] = [
    [
      'an applied step its plan does not have',
      (journal) => journal.applied.push({ stepId: 'ghost', startedAt: 1, finishedAt: 2, ok: true }),
      /"applied" entry #4 names a step its plan does not have/,
    ],
    [
      'a step with no inverse',
      (journal) => delete journal.plan.steps[0].inverse,
      /"plan.steps" entry #0 "inverse" is not a list/,
    ],
    [
      'an inverse holding null',
      (journal) => {
        journal.plan.steps[0].inverse = [null];
      },
      /"plan.steps" entry #0 "inverse" entry #0 is not an object/,
    ],
    [
      'an inverse holding shell text',
      (journal) => {
        journal.plan.steps[0].inverse = ['ip link del fcbr0'];
      },
      /"plan.steps" entry #0 "inverse" entry #0 is text from an older version/,
    ],
    [
      'a command of no kind the plan has',
      (journal) => {
        journal.plan.steps[3].commands = [{ kind: 'shell', line: 'reboot' }];
      },
      /"plan.steps" entry #3 "commands" entry #0 has an unknown kind/,
    ],
    [
      'a batch line whose token breaks out of the line',
      (journal) => {
        journal.plan.steps[3].inverse[0].lines[0][3] = 'x\nEOF\ntouch /tmp/INJECTED';
      },
      /"plan.steps" entry #3 "inverse" entry #0 has a line with the token "x\\nEOF/,
    ],
  ];

  test.each(forgeries)(
    '%s: rollback refuses it at load and changes nothing',
    async (_what, forge, problem) => {
      const { host, plan, snapshot, engine, deps, journal } = await setup();
      await engine.start({ plan, preState: snapshot, timeoutSec: 120 });
      const file = `${temp.stateDir}/journal.json`;
      const forged = JSON.parse(readFileSync(file, 'utf8'));
      forge(forged);
      writeFileSync(file, JSON.stringify(forged), { mode: 0o600 });
      const changes = host.changes().length;

      const error = await createEngine({ ...deps, journal: createJournalStore() })
        .revert('operator')
        .catch((e: unknown) => e);
      expect(error).toBeInstanceOf(JournalUnreadable);
      const message = (error as Error).message;
      expect(message).toMatch(problem);
      expect(message).toContain('move the file aside');
      expect(message).not.toContain('\n');
      expect(host.changes()).toHaveLength(changes);
      // Still as the forger left it: not moved to reverting, so nothing claims a revert is under way.
      expect(JSON.parse(readFileSync(file, 'utf8')).phase).toBe('applied');
      await expect(journal.load(temp.stateDir)).rejects.toBeInstanceOf(JournalUnreadable);
    },
  );
});
