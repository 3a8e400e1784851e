/**
 * The engine's failure paths on real kernels: each must end with the host namespace exactly as it
 * was (compared as `ip -j` prints it), the journal saying what happened, and the peer's TCP session
 * alive. How the engine acts inside the namespace: helpers/engine-lab.ts.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, test } from 'vitest';
import { buildStopDhcpStep } from '../../source/plan/steps/stop-dhcp.js';
import type { Plan } from '../../source/plan/types.js';
import { MigrationPending } from '../../source/txn/journal/journal.js';
import { comparable, withLabEngine } from './helpers/engine-lab.js';
import { isAlive, withLab } from './helpers/lab-state.js';

/** Pids of the live processes whose argv is exactly `argv`. */
function processesRunning(argv: readonly string[]): number[] {
  const expected = `${argv.join('\0')}\0`;
  return readdirSync('/proc')
    .filter((entry) => /^\d+$/.test(entry))
    .filter((entry) => {
      try {
        return readFileSync(`/proc/${entry}/cmdline`, 'utf8') === expected;
      } catch {
        return false;
      }
    })
    .map(Number);
}

const staticHost = {
  kind: 'static' as const,
  addresses: ['198.51.100.240/24', '198.51.100.241/24'],
  routes: [{ to: '203.0.113.0/25', via: '198.51.100.1', metric: 20 }],
  rules: [{ priority: 1200, iif: 'ens18', table: 100 }],
};

/** The plan with `line` inserted into the cutover batch just before its first address removal. */
function withCutoverLine(plan: Plan, line: string[]): Plan {
  const edited = structuredClone(plan);
  const cutover = edited.steps.find((step) => step.id === 'cutover');
  const batch = cutover?.commands.find((command) => command.kind === 'ip-batch');
  if (batch?.kind !== 'ip-batch') throw new Error('the plan has no cutover batch');
  const firstRemoval = batch.lines.findIndex((tokens) => tokens[0] === 'addr' && tokens[1] === 'del');
  batch.lines.splice(firstRemoval, 0, line);
  return edited;
}

describe('failures revert to the exact pre-state', () => {
  test('a cutover line the kernel refuses mid-batch: the half-applied batch is undone', async () => {
    await withLab({ host: staticHost }, async (lab) => {
      await withLabEngine(lab, {}, async (setup) => {
        const session = await lab.openTcpSession();
        const before = await lab.snapshot(lab.ns.host);
        const snapshot = await setup.probe();
        // 203.0.113.1 is on no connected network: fib_check_nh refuses the route. By then the
        // uplink is a port of the bridge, the addresses are on both and the routes point at the bridge.
        const plan = withCutoverLine(setup.plan(snapshot), [
          'route',
          'add',
          '203.0.113.128/25',
          'via',
          '203.0.113.1',
          'dev',
          'fcbr0',
        ]);

        const outcome = await setup.engine.start({ plan, preState: snapshot, timeoutSec: 120 });
        expect(outcome.kind).toBe('reverted');
        if (outcome.kind === 'pending') return;
        expect(outcome.failure).toMatch(
          /ip -batch stopped at line \d+ \(route add 203\.0\.113\.128\/25 via 203\.0\.113\.1 dev fcbr0\): Error: Nexthop has invalid gateway/,
        );
        expect(outcome.revert).toMatchObject({ reason: 'apply-failed', differences: [], manualCommands: [] });
        expect(outcome.revert.steps.map((step) => [step.stepId, step.state])).toEqual([
          ['cutover', 'reverted'],
          ['stage-bridge', 'reverted'],
        ]);
        expect(comparable(await lab.snapshot(lab.ns.host))).toEqual(comparable(before));
        expect(await session.echo()).toEqual({ ok: true, detail: 'ok' });
        const journal = await setup.journal.load(setup.stateDir);
        expect(journal?.phase).toBe('reverted');
        expect(journal?.outcome).toMatchObject({ kind: 'reverted', reason: 'apply-failed' });
        expect(journal?.applied.map((step) => [step.stepId, step.ok])).toEqual([
          ['stage-bridge', true],
          ['cutover', false],
        ]);
        expect(setup.events).toContainEqual(
          expect.objectContaining({ kind: 'step', stepId: 'cutover', state: 'failed' }),
        );
      });
    });
  });

  test('the gateway stops answering right after the cutover: the checks fail and it reverts', async () => {
    await withLab({ host: staticHost }, async (lab) => {
      // The router loses its LAN address the moment the cutover is recorded as finished, before
      // the engine checks connectivity through the bridge: as if the bridge had broken the path.
      const cutGateway = async (stepId: string) => {
        if (stepId === 'cutover')
          await lab.exec(lab.ns.router, ['ip', 'addr', 'del', `${lab.gateway}/24`, 'dev', 'lan']);
      };
      await withLabEngine(lab, { afterStep: cutGateway }, async (setup) => {
        const session = await lab.openTcpSession();
        const before = await lab.snapshot(lab.ns.host);
        const snapshot = await setup.probe();
        const plan = setup.plan(snapshot);

        const outcome = await setup.engine.start({ plan, preState: snapshot, timeoutSec: 120 });
        expect(outcome.kind).toBe('reverted');
        if (outcome.kind === 'pending') return;
        expect(outcome.failure).toMatch(
          /^checks that passed before the change fail through fcbr0: Gateway 198\.51\.100\.1 answers ARP: no ARP reply/,
        );
        expect(outcome.revert).toMatchObject({ reason: 'probe-failed', differences: [] });
        const verify = setup.events.filter((event) => event.kind === 'check' && event.phase === 'verify');
        expect(verify.map((event) => event.kind === 'check' && [event.result.id, event.result.ok])).toEqual([
          ['gateway-arp', false],
          ['gateway-icmp', false],
          ['peer-icmp', true],
        ]);
        expect(comparable(await lab.snapshot(lab.ns.host))).toEqual(comparable(before));
        // The peer is on the same LAN: its session never needed the gateway.
        expect(await session.echo()).toEqual({ ok: true, detail: 'ok' });
        expect((await setup.journal.load(setup.stateDir))?.outcome).toMatchObject({
          kind: 'reverted',
          reason: 'probe-failed',
        });
      });
    });
  });

  test('a second start while a change is pending is refused and changes nothing', async () => {
    await withLab({ host: staticHost }, async (lab) => {
      await withLabEngine(lab, {}, async (setup) => {
        const before = await lab.snapshot(lab.ns.host);
        const snapshot = await setup.probe();
        const plan = setup.plan(snapshot);
        expect(await setup.engine.start({ plan, preState: snapshot, timeoutSec: 120 })).toMatchObject({
          kind: 'pending',
        });
        const applied = await lab.snapshot(lab.ns.host);
        const journal = await setup.journal.load(setup.stateDir);

        // A second process (another operator's session) applies a plan made before the first one ran.
        const second = setup.another().start({ plan, preState: snapshot, timeoutSec: 60 });
        await expect(second).rejects.toBeInstanceOf(MigrationPending);
        await expect(second).rejects.toThrow(/already pending .*bridge-migrate confirm/);
        expect(await lab.snapshot(lab.ns.host)).toEqual(applied);
        expect(await setup.journal.load(setup.stateDir)).toEqual(journal);

        expect(await setup.engine.revert('operator')).toMatchObject({ kind: 'reverted' });
        expect(comparable(await lab.snapshot(lab.ns.host))).toEqual(comparable(before));
      });
    });
  });

  test('a plan made for other addresses is refused before any change', async () => {
    await withLab({ host: staticHost }, async (lab) => {
      await withLabEngine(lab, {}, async (setup) => {
        const snapshot = await setup.probe();
        const plan = setup.plan(snapshot);
        await lab.exec(lab.ns.host, ['ip', 'addr', 'add', '198.51.100.242/24', 'dev', 'ens18']);
        const before = await lab.snapshot(lab.ns.host);
        await expect(setup.engine.start({ plan, preState: snapshot, timeoutSec: 120 })).rejects.toThrow(
          /the host changed since the plan was made \(address 198\.51\.100\.242\/24 on ens18 was not there before\); nothing was changed/,
        );
        expect(await lab.snapshot(lab.ns.host)).toEqual(before);
        expect(await setup.journal.load(setup.stateDir)).toBeNull();
      });
    });
  });

  test('a change made while pending that the revert cannot know is reported, with the command that fixes it', async () => {
    await withLab({ host: staticHost }, async (lab) => {
      await withLabEngine(lab, {}, async (setup) => {
        const before = await lab.snapshot(lab.ns.host);
        const snapshot = await setup.probe();
        expect(
          await setup.engine.start({ plan: setup.plan(snapshot), preState: snapshot, timeoutSec: 120 }),
        ).toMatchObject({ kind: 'pending' });
        // Someone (a renderer, a person) puts an address on the uplink while the change is pending.
        await lab.exec(lab.ns.host, ['ip', 'addr', 'add', '203.0.113.99/24', 'dev', 'ens18']);

        const revert = await setup.another().revert('timeout');
        expect(revert).toMatchObject({
          kind: 'revert-incomplete',
          differences: ['address 203.0.113.99/24 on ens18 was not there before'],
          manualCommands: [{ kind: 'exec', argv: ['ip', 'addr', 'del', '203.0.113.99/24', 'dev', 'ens18'] }],
        });
        expect((await setup.journal.load(setup.stateDir))?.phase).toBe('revert-incomplete');
        // The printed commands are exact: run as printed, they finish the revert.
        for (const command of revert.manualCommands)
          if (command.kind === 'exec') await lab.exec(lab.ns.host, command.argv);
        expect(comparable(await lab.snapshot(lab.ns.host))).toEqual(comparable(before));
      });
    });
  });

  test('a DHCP client in another namespace is never signalled, even when a plan names it', async () => {
    await withLab({ host: staticHost }, async (lab) => {
      // Another "host" with an uplink of the same name and its own udhcpc: a namespace sees all pids.
      const other = await lab.addVm('other');
      await lab.exec(other.ns, ['ip', 'link', 'set', other.guestLink, 'name', 'ens18']);
      const foreign = await lab.spawn(other.ns, [
        'udhcpc',
        '-f',
        '-i',
        'ens18',
        '-t',
        '100',
        '-T',
        '1',
        '-s',
        '/bin/true',
      ]);
      // The VM's host-side veth has a new IPv6 link-local address: let its DAD finish before "before".
      await lab.settle(lab.ns.host);
      await withLabEngine(lab, {}, async (setup) => {
        const before = await lab.snapshot(lab.ns.host);
        const snapshot = await setup.probe();
        const seen = snapshot.dhcpClients.find((client) => client.pid === foreign.pid);
        expect(seen).toMatchObject({ program: 'udhcpc', ifname: 'ens18', sameNetns: false });
        const plan = setup.plan(snapshot);
        expect(plan.steps.map((step) => step.id)).toEqual(['stage-bridge', 'cutover']);

        // A plan that names it anyway (a stale or hand-edited plan): the engine's own check refuses.
        const edited = structuredClone(plan);
        const stop = buildStopDhcpStep([{ ...(seen as NonNullable<typeof seen>), sameNetns: true }], 'ens18');
        edited.steps.splice(1, 0, stop as NonNullable<typeof stop>);
        const outcome = await setup.engine.start({ plan: edited, preState: snapshot, timeoutSec: 120 });
        expect(outcome.kind).toBe('reverted');
        if (outcome.kind === 'pending') return;
        expect(outcome.failure).toMatch(
          new RegExp(
            `not signalling pid ${foreign.pid}: .*runs in network namespace net:\\[\\d+\\], not ours`,
          ),
        );
        expect(foreign.hasExited()).toBe(false);
        expect(isAlive(foreign.pid)).toBe(true);
        expect(comparable(await lab.snapshot(lab.ns.host))).toEqual(comparable(before));
        // Its inverse (restart the client) did not start a second one: the original still runs.
        expect(processesRunning(foreign.argv)).toEqual([foreign.pid]);
        expect(outcome.revert.steps.map((step) => [step.stepId, step.state])).toEqual([
          ['stop-dhcp', 'reverted'],
          ['stage-bridge', 'reverted'],
        ]);
      });
      await lab.stop(foreign);
    });
  });
});
