import { readdirSync } from 'node:fs';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createJournalStore, stepsToRevert, unfinishedStep } from '../../../source/txn/journal/journal.js';
import { readLockHolder } from '../../../source/txn/journal/lock.js';
import { type ChildRunner, prepareChild } from './journal-child.js';
import { makePlan, makePreState, makeTempStateDir } from './journal-fixture.js';

let child: ChildRunner;
let temp: ReturnType<typeof makeTempStateDir>;

beforeAll(() => {
  child = prepareChild();
});
afterAll(() => child.cleanup());
beforeEach(() => {
  temp = makeTempStateDir();
});
afterEach(() => temp.cleanup());

const store = createJournalStore({ purpose: 'test' });
const create = () =>
  store.create(temp.stateDir, { plan: makePlan(), preState: makePreState(), timeoutSec: 120 });

describe('journal writers in separate processes', () => {
  it('loses no update when two processes each update the journal 50 times', async () => {
    const created = await create();
    const results = await Promise.all([
      child.run('increment', temp.stateDir, '50'),
      child.run('increment', temp.stateDir, '50'),
    ]);
    expect(results.map((r) => [r.code, r.stderr])).toEqual([
      [0, ''],
      [0, ''],
    ]);
    const after = await store.load(temp.stateDir);
    expect(after?.deadline).toBe(created.deadline + 100);
    expect(await readLockHolder(temp.stateDir)).toBeNull();
    expect(readdirSync(temp.stateDir).sort()).toEqual(['journal.json']);
  });

  it('shows a step that was running when its process was killed', async () => {
    await create();
    const result = await child.run('crash-mid-step', temp.stateDir, 'cutover');
    expect(result.signal).toBe('SIGKILL');
    const after = await createJournalStore().load(temp.stateDir);
    expect(after?.phase).toBe('applying');
    expect(unfinishedStep(after!)).toMatchObject({ stepId: 'cutover', finishedAt: null, ok: null });
    expect(stepsToRevert(after!)).toEqual(['cutover']);
  });

  it('takes over the lock of a process killed while holding it', async () => {
    await create();
    const result = await child.run('crash-holding-lock', temp.stateDir);
    expect(result.signal).toBe('SIGKILL');
    expect(await readLockHolder(temp.stateDir)).toMatchObject({ alive: false, holder: { purpose: 'apply' } });
    // With no wait allowed, only a stale-lock takeover lets this through.
    const quick = createJournalStore({ lockWaitMs: 0 });
    expect((await quick.extendDeadline(temp.stateDir, 10)).events.at(-1)?.message).toBe(
      'deadline extended by 10 s',
    );
    expect(await readLockHolder(temp.stateDir)).toBeNull();
  });
});
