import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  canTransition,
  createJournalStore,
  FINISHED_PHASES,
  IllegalPhaseTransition,
  JOURNAL_FILE,
  JOURNAL_PHASES,
  type JournalPhase,
  PHASE_TRANSITIONS,
  UNDO_TRANSITIONS,
} from '../../../source/txn/journal/journal.js';
import { makePlan, makePreState, makeTempStateDir } from './journal-fixture.js';

// The lifecycle written out by hand, independently of PHASE_TRANSITIONS: a change to the table
// must be a deliberate change here too.
const LEGAL = new Set([
  'planned→applying',
  'planned→reverting',
  'applying→applied',
  'applying→reverting',
  'applied→confirmed',
  'applied→reverting',
  'confirmed→persisting',
  'confirmed→persisted',
  'persisting→persisted',
  'persisting→reverting',
  'reverting→reverted',
  'reverting→revert-incomplete',
  'revert-incomplete→reverting',
  // The undo of a persisted migration: its outcome, or back when its guardian could not start.
  'undoing→persisted',
  'undoing→reverted',
  'undoing→revert-incomplete',
]);
const UNDO_ONLY = new Set(['confirmed→reverting', 'persisted→reverting', 'persisted→undoing']);

const pairs = JOURNAL_PHASES.flatMap((from) => JOURNAL_PHASES.map((to) => [from, to] as const));

describe('the phase table', () => {
  it.each(pairs)('%s → %s is legal exactly when the lifecycle says so', (from, to) => {
    const edge = `${from}→${to}`;
    expect(canTransition(from, to)).toBe(from === to || LEGAL.has(edge));
    expect(canTransition(from, to, { undoConfirmed: true })).toBe(
      from === to || LEGAL.has(edge) || UNDO_ONLY.has(edge),
    );
  });

  it('reaches every phase from planned, and a finished phase from every phase', () => {
    // The operator's undo edges count for reaching a phase (undoing is entered only by one).
    const reachable = (start: JournalPhase, undo = false) => {
      const seen = new Set<JournalPhase>([start]);
      const queue = [start];
      while (queue.length > 0) {
        const from = queue.shift()!;
        const edges = [...PHASE_TRANSITIONS[from], ...(undo ? (UNDO_TRANSITIONS[from] ?? []) : [])];
        for (const next of edges) {
          if (seen.has(next)) continue;
          seen.add(next);
          queue.push(next);
        }
      }
      return seen;
    };
    expect([...reachable('planned', true)].sort()).toEqual([...JOURNAL_PHASES].sort());
    for (const phase of JOURNAL_PHASES) {
      expect(
        FINISHED_PHASES.some((done) => reachable(phase).has(done)),
        `${phase} has no way to finish`,
      ).toBe(true);
    }
    for (const done of FINISHED_PHASES) expect(PHASE_TRANSITIONS[done]).toEqual([]);
  });
});

describe('the store enforces the table', () => {
  let temp: ReturnType<typeof makeTempStateDir>;
  beforeEach(() => {
    temp = makeTempStateDir();
  });
  afterEach(() => temp.cleanup());

  it('throws on an illegal move and leaves the journal file as it was', async () => {
    const store = createJournalStore();
    await store.create(temp.stateDir, { plan: makePlan(), preState: makePreState(), timeoutSec: 120 });
    const before = readFileSync(join(temp.stateDir, JOURNAL_FILE), 'utf8');
    const error = await store.setPhase(temp.stateDir, 'confirmed').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(IllegalPhaseTransition);
    expect((error as Error).message).toContain('a migration in phase "planned" cannot move to "confirmed"');
    expect(readFileSync(join(temp.stateDir, JOURNAL_FILE), 'utf8')).toBe(before);
  });

  it('undoes a confirmed change only when asked to explicitly', async () => {
    const store = createJournalStore();
    await store.create(temp.stateDir, { plan: makePlan(), preState: makePreState(), timeoutSec: 120 });
    await store.setPhase(temp.stateDir, 'applying');
    await store.setPhase(temp.stateDir, 'applied');
    await store.recordOutcome(temp.stateDir, { kind: 'confirmed', reason: 'operator' });
    await expect(store.setPhase(temp.stateDir, 'reverting', 'timeout')).rejects.toThrow(
      /must be asked for explicitly/,
    );
    const undone = await store.setPhase(temp.stateDir, 'reverting', 'undo', { undoConfirmed: true });
    expect(undone.phase).toBe('reverting');
    expect(undone.events.at(-1)?.message).toBe('confirmed → reverting: undo');
  });
});
