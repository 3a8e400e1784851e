/**
 * A revert that needs no disk (a full disk must never keep a remote host off its network): when every journal write fails (ENOSPC, EROFS) the undo
 * still runs — from the journal as read, with the batch on ip's stdin — and what it did is kept in
 * the runtime directory so a second revert (the loser of a race) returns it instead of undoing
 * again. And a journal tampered with after planning runs only what the planner could have made.
 */
import { readdirSync } from 'node:fs';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { probeHost } from '../../../source/host/probe.js';
import { buildPlan } from '../../../source/plan/build.js';
import { commandText } from '../../../source/plan/command-text.js';
import { silentLog } from '../../../source/system/debug-log.js';
import { createEngine } from '../../../source/txn/engine/engine.js';
import type { EngineDeps } from '../../../source/txn/engine/engine-api.js';
import { readRevertOutcome } from '../../../source/txn/engine/runtime-state.js';
import { createJournalStore, type JournalStore } from '../../../source/txn/journal/journal.js';
import { dhcpHost, fakeHost, OUR_NETNS, stateView } from './engine-fake-host.js';
import { makeTempStateDir, manualClock } from './journal-fixture.js';

const ENV = { uid: 0, sshConnection: '198.51.100.50 40000 198.51.100.240 22', rootDir: '/nonexistent-root' };
const REQUEST = { nic: 'ens18', bridge: 'fcbr0', timeoutSec: 120, persist: 'none' as const };
const WRITES = [
  'create',
  'update',
  'setPhase',
  'recordStepStart',
  'recordStepEnd',
  'extendDeadline',
  'setGuardian',
  'heartbeat',
  'addEvent',
  'recordRevertTrigger',
  'recordOutcome',
  'recordFile',
  'archive',
  'reopenForUndo',
] as const;

/** The journal store of a state directory whose writes fail while `full()` says so; reads work. */
function fullDisk(store: JournalStore, full: () => boolean): JournalStore & { refused: string[] } {
  const refused: string[] = [];
  const wrapped = { ...store, refused } as JournalStore & { refused: string[] };
  for (const name of WRITES) {
    const original = store[name] as (...args: unknown[]) => Promise<unknown>;
    (wrapped as unknown as Record<string, unknown>)[name] = (...args: unknown[]) => {
      if (!full()) return original(...args);
      refused.push(name);
      return Promise.reject(
        Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' }),
      );
    };
  }
  return wrapped;
}

let temp: ReturnType<typeof makeTempStateDir>;
beforeEach(() => {
  temp = makeTempStateDir();
});
afterEach(() => temp.cleanup());

async function setup() {
  const state = dhcpHost();
  const host = fakeHost(state);
  const snapshot = await probeHost({ runner: host.runner, files: host.files, env: ENV });
  const plan = buildPlan(snapshot, REQUEST);
  let full = false;
  const clock = manualClock(Date.now());
  const store = fullDisk(createJournalStore({ clock: clock.now }), () => full);
  let spawnedPid = 5000;
  const deps: EngineDeps = {
    runner: host.runner,
    files: host.files,
    env: ENV,
    stateDir: temp.stateDir,
    runtimeDir: `${temp.root}/run`,
    journal: store,
    clock,
    log: silentLog,
    spawnDetached: async (argv) => {
      state.processes.set(++spawnedPid, { argv: [...argv], netns: OUR_NETNS });
      return { pid: spawnedPid };
    },
    queryDns: async () => ({ ok: true, rcode: 5, durationMs: 3 }),
  };
  return {
    host,
    snapshot,
    plan,
    store,
    deps,
    before: stateView(state),
    fill: () => {
      full = true;
    },
    plain: createJournalStore({ clock: clock.now }),
  };
}

const REVERT_LINES = [
  'addr add 198.51.100.240/24 broadcast 198.51.100.255 dev ens18',
  'route replace default via 198.51.100.1 dev ens18 table main',
  'addr del 198.51.100.240/24 dev fcbr0',
  'link set dev ens18 nomaster',
  'link del dev fcbr0',
];

describe('a revert with a state directory that cannot be written', () => {
  test('runs the undo from the journal as read, the batch on stdin, and keeps its outcome in /run', async () => {
    const { host, snapshot, plan, store, deps, before, fill, plain } = await setup();
    const engine = createEngine(deps);
    expect((await engine.start({ plan, preState: snapshot, timeoutSec: 120 })).kind).toBe('pending');
    fill();

    const outcome = await createEngine(deps).revert('timeout');

    expect(outcome).toMatchObject({ kind: 'reverted', reason: 'timeout', differences: [] });
    expect(outcome.elsewhere).toBeUndefined();
    expect(host.batches.at(-1)).toEqual({ argv: ['ip', '-force', '-batch', '-'], lines: REVERT_LINES });
    expect(stateView(host.state)).toEqual(before);
    expect(store.refused).toEqual(['setPhase', 'recordOutcome']);
    // Nothing could be written to the journal, so /run keeps what happened.
    expect((await plain.load(temp.stateDir))?.phase).toBe('applied');
    const journal = await plain.load(temp.stateDir);
    expect((await readRevertOutcome(`${temp.root}/run`, journal?.id ?? ''))?.outcome.kind).toBe('reverted');
    expect(readdirSync(temp.stateDir).filter((name) => name.endsWith('.batch'))).toEqual([]);
  });

  test('a second revert (the loser of a race) returns the first one’s outcome and undoes nothing', async () => {
    const { host, snapshot, plan, deps, fill } = await setup();
    await createEngine(deps).start({ plan, preState: snapshot, timeoutSec: 120 });
    fill();
    await createEngine(deps).revert('timeout');
    const batches = host.batches.length;
    const changes = host.changes().length;

    const second = await createEngine(deps).revert('operator');

    expect(second).toMatchObject({ kind: 'reverted', reason: 'timeout', elsewhere: true });
    expect(host.batches.length).toBe(batches);
    expect(host.changes().length).toBe(changes);
  });

  test('two reverts at once: exactly one undo runs, the other reports it', async () => {
    const { host, snapshot, plan, deps } = await setup();
    await createEngine(deps).start({ plan, preState: snapshot, timeoutSec: 120 });
    const before = host.batches.length;

    const [a, b] = await Promise.all([
      createEngine({ ...deps, journal: createJournalStore() }).revert('timeout'),
      createEngine({ ...deps, journal: createJournalStore() }).revert('operator'),
    ]);

    expect(host.batches.length - before).toBe(1);
    expect([a.elsewhere ?? false, b.elsewhere ?? false].sort()).toEqual([false, true]);
    expect(a.kind).toBe('reverted');
    expect(b.kind).toBe('reverted');
  });

  test('start() whose journal fails right after the cutover reverts the host and returns, not throws', async () => {
    const { host, snapshot, plan, deps, before, fill, store } = await setup();
    const engine = createEngine({
      ...deps,
      afterStep: async (stepId) => {
        if (stepId === 'cutover') fill();
      },
    });

    const outcome = await engine.start({ plan, preState: snapshot, timeoutSec: 120 });

    expect(outcome.kind).toBe('reverted');
    if (outcome.kind === 'pending') return;
    expect(outcome.failure).toMatch(/^the journal could not record the change as applied: ENOSPC/);
    expect(host.batches.at(-1)).toEqual({ argv: ['ip', '-force', '-batch', '-'], lines: REVERT_LINES });
    expect(stateView(host.state)).toEqual(before);
    expect(store.refused).toContain('setPhase');
  });

  test('start() whose journal fails as the cutover ends (its end not recorded) still reverts it', async () => {
    const { host, snapshot, plan, deps, before, store } = await setup();
    let failing = false;
    const failAtCutoverEnd: JournalStore = {
      ...store,
      recordStepEnd: (stateDir, stepId, result) => {
        if (stepId === 'cutover') failing = true;
        return failing
          ? Promise.reject(Object.assign(new Error('EROFS: read-only file system'), { code: 'EROFS' }))
          : store.recordStepEnd(stateDir, stepId, result);
      },
      setPhase: (...args) => (failing ? Promise.reject(new Error('EROFS')) : store.setPhase(...args)),
      recordOutcome: (...args) =>
        failing ? Promise.reject(new Error('EROFS')) : store.recordOutcome(...args),
    };

    const outcome = await createEngine({ ...deps, journal: failAtCutoverEnd }).start({
      plan,
      preState: snapshot,
      timeoutSec: 120,
    });

    expect(outcome.kind).toBe('reverted');
    expect(host.batches.at(-1)?.lines).toEqual(REVERT_LINES);
    expect(stateView(host.state)).toEqual(before);
  });
});

describe('a journal tampered with after planning', () => {
  test('an inverse the planner never makes is not run, and is printed for the operator', async () => {
    const { host, snapshot, plan, deps, before, plain } = await setup();
    await createEngine(deps).start({ plan, preState: snapshot, timeoutSec: 120 });
    await plain.update(temp.stateDir, (draft) => {
      const cutover = draft.plan.steps.find((step) => step.id === 'cutover');
      cutover?.inverse.unshift({ kind: 'exec', argv: ['sh', '-c', 'touch /tmp/owned'] });
    });

    const outcome = await createEngine(deps).revert('operator');

    expect(host.calls.some((argv) => argv[0] === 'sh')).toBe(false);
    expect(outcome.kind).toBe('revert-incomplete');
    expect(outcome.manualCommands.flatMap(commandText)).toContain("sh -c 'touch /tmp/owned'");
    expect(outcome.differences[0]).toMatch(/was refused \("sh" is not a program a revert runs\)/);
    // Everything else was still undone.
    expect(stateView(host.state)).toEqual(before);
  });
});
