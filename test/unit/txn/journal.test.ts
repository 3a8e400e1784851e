import {
  chmodSync,
  chownSync,
  readdirSync,
  readFileSync,
  renameSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { UntrustedPath } from '../../../source/system/trusted-path.js';
import {
  appendEvent,
  createJournalStore,
  JOURNAL_FILE,
  type Journal,
  JournalRefused,
  JournalUnreadable,
  MAX_EVENTS,
  MigrationPending,
  stepsToRevert,
  unfinishedStep,
} from '../../../source/txn/journal/journal.js';
import { makePlan, makePreState, makeTempStateDir, manualClock } from './journal-fixture.js';

/** A journal as JSON.parse reads it, for a test to forge any field. */
type ForgedJournal = ReturnType<typeof JSON.parse>;

let temp: ReturnType<typeof makeTempStateDir>;
let clock: ReturnType<typeof manualClock>;
let ids: number;

beforeEach(() => {
  temp = makeTempStateDir();
  clock = manualClock();
  ids = 0;
});
afterEach(() => temp.cleanup());

const newStore = () =>
  createJournalStore({ clock: clock.now, newId: () => `id-${++ids}-0000`, purpose: 'test' });
const journalFile = () => join(temp.stateDir, JOURNAL_FILE);
const create = (store = newStore()) =>
  store.create(temp.stateDir, { plan: makePlan(), preState: makePreState(), timeoutSec: 120 });

async function finishReverted(store = newStore()): Promise<Journal> {
  await store.setPhase(temp.stateDir, 'reverting', 'operator');
  return store.recordOutcome(temp.stateDir, { kind: 'reverted', reason: 'operator' });
}

describe('create and load', () => {
  it('writes a journal that reads back equal, 0600 in a 0700 directory', async () => {
    const created = await create();
    expect(created).toMatchObject({
      format: 'bridge-migrate-journal/1',
      id: 'id-1-0000',
      phase: 'planned',
      createdAt: clock.now(),
      deadline: clock.now() + 120_000,
      timeoutSec: 120,
      nic: 'ens18',
      bridge: 'fcbr0',
      applied: [],
      guardian: null,
      outcome: null,
    });
    expect(await newStore().load(temp.stateDir)).toEqual(created);
    expect(statSync(journalFile()).mode & 0o777).toBe(0o600);
    expect(statSync(temp.stateDir).mode & 0o777).toBe(0o700);
    expect(readdirSync(temp.stateDir)).toEqual([JOURNAL_FILE]);
  });

  it('answers null when there is no journal (and no state directory)', async () => {
    expect(await newStore().load(temp.stateDir)).toBeNull();
  });

  it('refuses a second migration while one is pending, and leaves the first untouched', async () => {
    const first = await create();
    const error = await create().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(MigrationPending);
    expect((error as Error).message).toMatch(
      /migration of ens18 into fcbr0 is already pending \(phase planned/,
    );
    expect((error as Error).message).toContain('bridge-migrate status');
    expect(await newStore().load(temp.stateDir)).toEqual(first);
  });

  it('archives a finished journal when the next migration is created', async () => {
    const store = newStore();
    await create(store);
    const finished = await finishReverted(store);
    const second = await create(store);
    expect(second.id).not.toBe(finished.id);
    const history = await store.listHistory(temp.stateDir);
    expect(history).toHaveLength(1);
    expect(await store.loadArchived(history[0]!)).toEqual(finished);
  });
});

describe('steps', () => {
  it('leaves a started but unfinished step visible to a later process', async () => {
    const store = newStore();
    await create(store);
    await store.setPhase(temp.stateDir, 'applying');
    await store.recordStepStart(temp.stateDir, 'stage-bridge');
    clock.advance(50);
    await store.recordStepEnd(temp.stateDir, 'stage-bridge', { ok: true });
    await store.recordStepStart(temp.stateDir, 'cutover');
    // "crash": nothing more is written; a new store reads the same directory.
    const after = await newStore().load(temp.stateDir);
    expect(after?.applied).toEqual([
      { stepId: 'stage-bridge', startedAt: clock.now() - 50, finishedAt: clock.now(), ok: true },
      { stepId: 'cutover', startedAt: clock.now(), finishedAt: null, ok: null },
    ]);
    expect(unfinishedStep(after!)?.stepId).toBe('cutover');
    expect(stepsToRevert(after!)).toEqual(['cutover', 'stage-bridge']);
  });

  it('refuses steps that do not fit: wrong phase, unknown step, one still running, a repeat', async () => {
    const store = newStore();
    await create(store);
    await expect(store.recordStepStart(temp.stateDir, 'stage-bridge')).rejects.toThrow(
      /cannot start in phase "planned"/,
    );
    await store.setPhase(temp.stateDir, 'applying');
    await expect(store.recordStepStart(temp.stateDir, 'no-such-step')).rejects.toThrow(
      /not in the journal's plan/,
    );
    await store.recordStepStart(temp.stateDir, 'stage-bridge');
    await expect(store.recordStepStart(temp.stateDir, 'cutover')).rejects.toThrow(
      /stage-bridge is still running/,
    );
    await expect(store.recordStepEnd(temp.stateDir, 'cutover', { ok: true })).rejects.toBeInstanceOf(
      JournalRefused,
    );
    await store.recordStepEnd(temp.stateDir, 'stage-bridge', {
      ok: false,
      error: 'RTNETLINK answers: File exists',
    });
    await expect(store.recordStepStart(temp.stateDir, 'stage-bridge')).rejects.toThrow(/already started/);
    const journal = await store.load(temp.stateDir);
    expect(journal?.applied).toEqual([
      expect.objectContaining({ stepId: 'stage-bridge', ok: false, error: 'RTNETLINK answers: File exists' }),
    ]);
  });
});

describe('deadline, guardian and outcome', () => {
  it('extends a running countdown, never past an hour from now, and not once it has expired', async () => {
    const store = newStore();
    const created = await create(store);
    clock.advance(100_000);
    expect((await store.extendDeadline(temp.stateDir, 60)).deadline).toBe(created.deadline + 60_000);
    expect((await store.extendDeadline(temp.stateDir, 100_000)).deadline).toBe(clock.now() + 3_600_000);
    clock.advance(3_600_000);
    await expect(store.extendDeadline(temp.stateDir, 60)).rejects.toThrow(/deadline has passed/);
  });

  it('takes heartbeats only from the guardian the journal names', async () => {
    const store = newStore();
    await create(store);
    await store.setGuardian(temp.stateDir, {
      pid: 4321,
      mode: 'systemd-run',
      unit: 'bridge-migrate-guard-x',
    });
    clock.advance(1000);
    const beat = await store.heartbeat(temp.stateDir, 4321);
    expect(beat.guardian).toEqual({
      pid: 4321,
      mode: 'systemd-run',
      unit: 'bridge-migrate-guard-x',
      startedAt: clock.now() - 1000,
      heartbeatAt: clock.now(),
    });
    await expect(store.heartbeat(temp.stateDir, 999)).rejects.toThrow(/names guardian pid 4321, not 999/);
  });

  it('records an outcome with the phase of the same name, ending the pending state', async () => {
    const store = newStore();
    await create(store);
    await store.setPhase(temp.stateDir, 'applying');
    await store.setPhase(temp.stateDir, 'reverting', 'probe failed');
    const done = await store.recordOutcome(temp.stateDir, {
      kind: 'revert-incomplete',
      reason: 'probe-failed',
      differences: ['ens18 still has master fcbr0'],
      manualCommands: [{ kind: 'exec', argv: ['ip', 'link', 'set', 'ens18', 'nomaster'] }],
    });
    expect(done.phase).toBe('revert-incomplete');
    expect(done.outcome).toEqual({
      kind: 'revert-incomplete',
      reason: 'probe-failed',
      at: clock.now(),
      differences: ['ens18 still has master fcbr0'],
      manualCommands: [{ kind: 'exec', argv: ['ip', 'link', 'set', 'ens18', 'nomaster'] }],
    });
    // An incomplete revert still blocks a new migration; a completed one does not.
    expect(store.isPending(done)).toBe(true);
    await store.setPhase(temp.stateDir, 'reverting', 'retry');
    expect(
      store.isPending(await store.recordOutcome(temp.stateDir, { kind: 'reverted', reason: 'operator' })),
    ).toBe(false);
  });

  it('keeps the event log bounded, dropping the oldest', async () => {
    const store = newStore();
    await create(store);
    const journal = await store.update(temp.stateDir, (draft) => {
      for (let i = 0; i < 250; i++) appendEvent(draft, { at: i, phase: draft.phase, message: `event ${i}` });
    });
    expect(journal.events).toHaveLength(MAX_EVENTS);
    expect(journal.events.at(-1)?.message).toBe('event 249');
  });

  it('does not write an update that breaks the journal', async () => {
    const store = newStore();
    const created = await create(store);
    await expect(store.update(temp.stateDir, (draft) => Object.assign(draft, { nic: 42 }))).rejects.toThrow(
      /"nic"/,
    );
    await expect(
      store.update(temp.stateDir, (draft) => Object.assign(draft, { id: 'other' })),
    ).rejects.toThrow(/identity/);
    expect(await store.load(temp.stateDir)).toEqual(created);
  });
});

describe('persist records and history', () => {
  it('records written files only while persisting', async () => {
    const store = newStore();
    await create(store);
    const file = { path: '/etc/netplan/60-bridge-migrate.yaml', backup: null };
    await expect(store.recordFile(temp.stateDir, file)).rejects.toThrow(/only while persisting/);
    for (const phase of ['applying', 'applied', 'confirmed', 'persisting'] as const)
      await store.setPhase(temp.stateDir, phase);
    expect((await store.recordFile(temp.stateDir, file)).files).toEqual([file]);
  });

  it('archives only finished journals, 0600 under a 0700 history directory', async () => {
    const store = newStore();
    await create(store);
    await expect(store.archive(temp.stateDir)).rejects.toThrow(/still planned/);
    const finished = await finishReverted(store);
    const path = await store.archive(temp.stateDir);
    expect(path).toMatch(/history\/journal-2024-01-02T03-04-05-000Z-id-1-000\.json$/);
    expect(statSync(path).mode & 0o777).toBe(0o600);
    expect(statSync(join(temp.stateDir, 'history')).mode & 0o777).toBe(0o700);
    expect(await store.load(temp.stateDir)).toBeNull();
    expect(await store.listHistory(temp.stateDir)).toEqual([path]);
    expect(await store.loadArchived(path)).toEqual(finished);
  });

  it('reopens a persisted migration from history for an explicit undo only', async () => {
    const store = newStore();
    await create(store);
    for (const phase of ['applying', 'applied', 'confirmed', 'persisted'] as const)
      await store.setPhase(temp.stateDir, phase);
    const archived = await store.archive(temp.stateDir);
    const reopened = await store.reopenForUndo(temp.stateDir, archived, 'operator ran rollback');
    expect(reopened.phase).toBe('reverting');
    expect(reopened.events.at(-1)?.message).toBe('persisted → reverting: undo (operator ran rollback)');
    expect(await store.load(temp.stateDir)).toEqual(reopened);
    // A pending journal blocks reopening another one.
    await expect(store.reopenForUndo(temp.stateDir, archived, 'again')).rejects.toBeInstanceOf(
      MigrationPending,
    );
  });
});

describe('a journal that cannot be used', () => {
  const load = () => newStore().load(temp.stateDir);

  async function plant(text: string) {
    await create();
    writeFileSync(journalFile(), text);
  }

  it('names the file, the problem and the fix when it is not JSON', async () => {
    await plant('{"format": "bridge-migrate-journal/1", "id": ');
    const error = await load().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(JournalUnreadable);
    const message = (error as Error).message;
    expect(message).toContain(`the migration journal ${journalFile()} cannot be used: it is not valid JSON`);
    expect(message).toContain(`mv ${journalFile()} ${journalFile()}.broken`);
  });

  it('says which field is wrong', async () => {
    await create();
    const valid = JSON.parse(readFileSync(journalFile(), 'utf8'));
    writeFileSync(journalFile(), JSON.stringify({ ...valid, phase: 'exploded' }));
    await expect(load()).rejects.toThrow(/"phase" is not one of planned, applying/);
    writeFileSync(journalFile(), JSON.stringify({ ...valid, applied: [{ stepId: 'x' }] }));
    await expect(load()).rejects.toThrow(/"applied" entry #0 lacks stepId or startedAt/);
  });

  it('takes the namespace the migration was made in only as a name `ip netns` gives, or none', async () => {
    await create();
    const valid = JSON.parse(readFileSync(journalFile(), 'utf8'));
    const withNetns = (netns: unknown) => ({
      ...valid,
      plan: { ...valid.plan, request: { ...valid.plan.request, netns } },
    });
    for (const ok of [null, 'bm-lab-1', undefined]) {
      writeFileSync(journalFile(), JSON.stringify(withNetns(ok)));
      expect((await load())?.plan.request.netns ?? null).toBe(ok ?? null);
    }
    for (const bad of ['trialatk-z $(id)\u001b[31m', '..', '', 7, 'a/b']) {
      writeFileSync(journalFile(), JSON.stringify(withNetns(bad)));
      await expect(load()).rejects.toThrow(/"plan.request.netns" is not a network namespace name/);
    }
  });

  it('refuses a signal command whose pid or signal is not one the tool could have written', async () => {
    await create();
    const valid = JSON.parse(readFileSync(journalFile(), 'utf8'));
    const withStop = (command: unknown) => ({
      ...valid,
      plan: {
        ...valid.plan,
        steps: [
          ...valid.plan.steps,
          { id: 'stop-dhcp', kind: 'stop-dhcp', title: 'stop', commands: [command], inverse: [] },
        ],
      },
    });
    const entry = `"plan.steps" entry #${valid.plan.steps.length}`;
    writeFileSync(journalFile(), JSON.stringify(withStop({ kind: 'signal', pid: 4242, signal: 'TERM' })));
    expect((await load())?.plan.steps.at(-1)?.commands).toEqual([
      { kind: 'signal', pid: 4242, signal: 'TERM' },
    ]);
    // The identity the probe saw (start time, argv) is kept, so the engine can check it.
    const identified = {
      kind: 'signal',
      pid: 4242,
      signal: 'TERM',
      startTime: '5150',
      argv: ['udhcpc', '-i', 'ens18'],
    };
    writeFileSync(journalFile(), JSON.stringify(withStop(identified)));
    expect((await load())?.plan.steps.at(-1)?.commands).toEqual([identified]);
    const hostile: [unknown, RegExp][] = [
      [{ kind: 'signal', pid: -1, signal: 'TERM' }, /pid is not a positive integer/],
      [{ kind: 'signal', pid: 0, signal: 'KILL' }, /pid is not a positive integer/],
      [{ kind: 'signal', pid: '4242', signal: 'KILL' }, /pid is not a positive integer/],
      [{ kind: 'signal', pid: 1.5, signal: 'KILL' }, /pid is not a positive integer/],
      [{ kind: 'signal', pid: 4242, signal: 'HUP' }, /signal is not one of TERM, KILL/],
      [{ kind: 'signal', pid: 4242, signal: 'TERM\u001b[2J' }, /signal is not one of TERM, KILL/],
      [{ kind: 'signal', pid: 4242, signal: 'TERM', exe: '/bin/sh' }, /signal command with unknown fields/],
      [{ kind: 'signal', pid: 4242, signal: 'TERM', startTime: 12 }, /start time is not a number/],
      [{ kind: 'signal', pid: 4242, signal: 'TERM', startTime: '1 2' }, /start time is not a number/],
      [{ kind: 'signal', pid: 4242, signal: 'TERM', startTime: '9', argv: [] }, /argv that is not a list/],
    ];
    for (const [command, problem] of hostile) {
      writeFileSync(journalFile(), JSON.stringify(withStop(command)));
      const error = await load().catch((e: unknown) => e);
      expect(error, JSON.stringify(command)).toBeInstanceOf(JournalUnreadable);
      expect((error as Error).message).toContain(entry);
      expect((error as Error).message).toMatch(problem);
    }
  });

  it('keeps a damaged journal as evidence rather than starting a new migration over it', async () => {
    await plant('garbage');
    await expect(create()).rejects.toBeInstanceOf(JournalUnreadable);
    expect(readFileSync(journalFile(), 'utf8')).toBe('garbage');
  });

  it('recognises a journal from another version', async () => {
    await plant(JSON.stringify({ format: 'bridge-migrate-journal/2' }));
    await expect(load()).rejects.toThrow(/format "bridge-migrate-journal\/2" by another version/);
  });

  it('refuses a journal that others could have written (rollback would run its commands as root)', async () => {
    await create();
    chmodSync(journalFile(), 0o666);
    await expect(load()).rejects.toThrow(/journal.json has mode 0666, which lets group or others write it/);
  });

  // Every reader and writer goes through the same checks: the guardian's tick, status, confirm,
  // rollback and each update all refuse the same way, with nothing written.
  const spoilers: [string, () => void, RegExp][] = [
    ['the state directory has mode 0755', () => chmodSync(temp.stateDir, 0o755), /state has mode 0755/],
    ['the journal has mode 0644', () => chmodSync(journalFile(), 0o644), /journal.json has mode 0644/],
    [
      'the state directory is a symlink',
      () => {
        renameSync(temp.stateDir, `${temp.stateDir}.real`);
        symlinkSync(`${temp.stateDir}.real`, temp.stateDir);
      },
      /state is a symbolic link/,
    ],
    [
      'the journal is a symlink',
      () => {
        renameSync(journalFile(), `${journalFile()}.real`);
        symlinkSync(`${journalFile()}.real`, journalFile());
      },
      /journal.json is a symbolic link/,
    ],
  ];
  // chown to another uid needs root, as the suite runs (scripts/test-all.sh).
  if (process.geteuid?.() === 0) {
    spoilers.push([
      'the journal is owned by another uid',
      () => chownSync(journalFile(), 65534, 65534),
      /journal.json is owned by uid 65534, not root/,
    ]);
  }
  it.each(spoilers)('refuses every read and update when %s', async (_what, spoil, refusal) => {
    await create();
    spoil();
    const before = readFileSync(journalFile(), 'utf8');
    const store = newStore();
    await expect(store.load(temp.stateDir)).rejects.toBeInstanceOf(UntrustedPath);
    await expect(store.load(temp.stateDir)).rejects.toThrow(refusal);
    await expect(store.heartbeat(temp.stateDir, 1)).rejects.toThrow(refusal);
    await expect(store.setPhase(temp.stateDir, 'reverting', 'operator')).rejects.toThrow(refusal);
    await expect(create(store)).rejects.toThrow(refusal);
    expect(readFileSync(journalFile(), 'utf8')).toBe(before);
  });
});

describe('a journal whose revert data is forged', () => {
  const load = () => newStore().load(temp.stateDir);

  it.each<[string, (journal: ForgedJournal) => void, RegExp]>([
    [
      'an applied step its plan does not have',
      (journal) => {
        journal.applied = [{ stepId: 'ghost', startedAt: 1, finishedAt: null, ok: null }];
      },
      /"applied" entry #0 names a step its plan does not have/,
    ],
    ['a step without a title', (journal) => delete journal.plan.steps[1].title, /entry #1 lacks its title/],
    [
      'a step whose commands are not a list',
      (journal) => {
        journal.plan.steps[0].commands = { kind: 'exec', argv: ['true'] };
      },
      /"plan.steps" entry #0 "commands" is not a list/,
    ],
    [
      'a command with a field its kind does not have',
      (journal) => {
        journal.plan.steps[0].inverse[0].stdin = 'x';
      },
      /"inverse" entry #0 is a exec command with unknown fields/,
    ],
    [
      'an argv word with a newline',
      (journal) => {
        journal.plan.steps[0].inverse[0].argv.push('fcbr0\ntouch /tmp/x');
      },
      /"inverse" entry #0 has argv with a word holding a NUL, newline or carriage return/,
    ],
    [
      'a stop of the bridge client with a signal the tool never sends',
      (journal) => {
        journal.plan.steps[0].inverse = [
          { kind: 'stop-started', argv: ['/sbin/dhclient', 'fcbr0'], signal: 'HUP' },
        ];
      },
      /"inverse" entry #0 is a stop-started command whose signal is not one of TERM, KILL/,
    ],
    [
      'a stop of the bridge client with a field it does not have',
      (journal) => {
        journal.plan.steps[0].inverse = [
          { kind: 'stop-started', argv: ['/sbin/dhclient', 'fcbr0'], signal: 'KILL', pid: 1 },
        ];
      },
      /"inverse" entry #0 is a stop-started command with unknown fields/,
    ],
    [
      'a pre-state without the routes the revert compares',
      (journal) => delete journal.preState.routes,
      /"preState.routes" is not a list/,
    ],
    [
      'a pre-state whose DNS has no nameserver list',
      (journal) => {
        journal.preState.dns = null;
      },
      /"preState.dns" lacks its list of nameservers/,
    ],
    [
      "an outcome's differences that are not text",
      (journal) => {
        journal.outcome = { kind: 'reverted', reason: 'timeout', at: 1, differences: [{}] };
      },
      /"outcome.differences" entry #0 is not a text/,
    ],
  ])('%s is refused as unreadable', async (_what, forge, problem) => {
    await create();
    const journal = JSON.parse(readFileSync(journalFile(), 'utf8'));
    forge(journal);
    writeFileSync(journalFile(), JSON.stringify(journal));
    const error = await load().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(JournalUnreadable);
    expect((error as Error).message).toMatch(problem);
  });
});

describe('a journal bounded in size', () => {
  const load = () => newStore().load(temp.stateDir);

  it('a journal file over 8 MiB is refused unread, with the unreadable-journal fix', async () => {
    await create();
    const journal = JSON.parse(readFileSync(journalFile(), 'utf8'));
    journal.outcome = {
      kind: 'revert-incomplete',
      reason: 'timeout',
      at: 1,
      manualCommands: Array.from({ length: 1000 }, () => ({
        kind: 'exec',
        argv: ['x'.repeat(4000), 'y'.repeat(4000), 'z'.repeat(4000)],
      })),
    };
    writeFileSync(journalFile(), JSON.stringify(journal));
    const error = await load().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(JournalUnreadable);
    expect((error as Error).message).toContain('cannot be used: it is larger than 8 MiB');
    expect((error as Error).message).toContain('move the file aside');
  });

  it.each<[string, (journal: ForgedJournal) => void, RegExp]>([
    [
      "the revert trigger's detail",
      (journal) => {
        journal.revertTrigger = { by: 'guardian', reason: 'timeout', detail: 'x'.repeat(8193), at: 1 };
      },
      /"revertTrigger.detail" is not a text of at most 8192 characters/,
    ],
    [
      'an event message',
      (journal) => journal.events.push({ at: 1, phase: 'planned', message: 'x'.repeat(8193) }),
      /"events" entry #1 has a message that is not a text of at most 8192 characters/,
    ],
  ])('%s longer than a screen could show is refused, not cut', async (_what, forge, problem) => {
    await create();
    const journal = JSON.parse(readFileSync(journalFile(), 'utf8'));
    forge(journal);
    writeFileSync(journalFile(), JSON.stringify(journal));
    await expect(load()).rejects.toThrow(problem);
  });

  it("the journal's own long texts (a tool's stderr) are cut when written, so it stays readable", async () => {
    const store = newStore();
    await create(store);
    await store.setPhase(temp.stateDir, 'applying');
    await store.recordStepStart(temp.stateDir, 'stage-bridge');
    await store.recordStepEnd(temp.stateDir, 'stage-bridge', { ok: false, error: 'e'.repeat(20_000) });
    await store.recordRevertTrigger(temp.stateDir, {
      by: 'guardian',
      reason: 'timeout',
      detail: 'd'.repeat(20_000),
    });
    const journal = await load();
    expect(journal?.applied[0]?.error).toHaveLength(8192);
    expect(journal?.applied[0]?.error?.endsWith('… (cut)')).toBe(true);
    expect(journal?.revertTrigger?.detail).toHaveLength(8192);
    expect(journal?.events.every((event) => event.message.length <= 8192)).toBe(true);
  });
});
