/**
 * The interactive flow's phase machine (store/phase-flow.ts), pair by pair: for every phase and
 * every event the table below names the next phase, and everything it does not name is refused.
 * A new phase or event fails the coverage checks until it is given its row.
 */
import { describe, expect, it } from 'vitest';
import type { Phase } from '../../source/store/phase.js';
import { type FlowState, type PhaseEvent, transition } from '../../source/store/phase-flow.js';
import { fakeMigration } from './fake-migration.js';
import { quietPlan } from './fixtures.js';
import { plannedStore } from './harness.js';

/** Every phase once; the compiler refuses this object when Phase gains or loses a member. */
const EVERY_PHASE = {
  recovery: true,
  'confirm-rollback': true,
  probing: true,
  planned: true,
  'confirm-apply': true,
  arming: true,
  applying: true,
  verifying: true,
  'awaiting-confirmation': true,
  confirming: true,
  persisting: true,
  done: true,
  reverting: true,
  reverted: true,
  'revert-incomplete': true,
  failed: true,
} satisfies Record<Phase, true>;

/** Every event type once, for the same reason. */
const EVERY_EVENT_TYPE = {
  planned: true,
  'found-pending': true,
  'ask-rollback': true,
  'ask-apply': true,
  'decline-apply': true,
  arm: true,
  'steps-started': true,
  'steps-done': true,
  pending: true,
  confirm: true,
  'persist-started': true,
  confirmed: true,
  'kept-elsewhere': true,
  rollback: true,
  'revert-started': true,
  'reverting-elsewhere': true,
  'revert-finished': true,
  refused: true,
  fail: true,
  'plan-again': true,
} satisfies Record<PhaseEvent['type'], true>;

/** The states a row is read in: each phase, and reverting twice (this session's own, or one seen in the journal). */
type Column = Phase | 'reverting (seen)';

/** The state of each column. A decision in flight returns, if refused, to where it started. */
function stateOf(column: Column): FlowState {
  if (column === 'reverting (seen)') return { phase: 'reverting', remoteRevert: true, resumePhase: null };
  if (column === 'confirming')
    return { phase: column, remoteRevert: false, resumePhase: 'awaiting-confirmation' };
  if (column === 'reverting') return { phase: column, remoteRevert: false, resumePhase: 'recovery' };
  return { phase: column, remoteRevert: false, resumePhase: null };
}

function columnOf(state: FlowState): Column {
  return state.phase === 'reverting' && state.remoteRevert ? 'reverting (seen)' : state.phase;
}

const COLUMNS: Column[] = [...(Object.keys(EVERY_PHASE) as Phase[]), 'reverting (seen)'];

const finished = (kind: 'reverted' | 'revert-incomplete', elsewhere: boolean): PhaseEvent => ({
  type: 'revert-finished',
  kind,
  elsewhere,
});

/** Each event, and the next state in each column that takes it; every other column refuses it. */
const FLOW: [string, PhaseEvent, Partial<Record<Column, Column>>][] = [
  ['planned', { type: 'planned' }, { probing: 'planned' }],
  ['found-pending', { type: 'found-pending' }, { probing: 'recovery' }],
  ['ask-rollback', { type: 'ask-rollback' }, { probing: 'confirm-rollback' }],
  ['ask-apply', { type: 'ask-apply' }, { planned: 'confirm-apply' }],
  ['decline-apply', { type: 'decline-apply' }, { 'confirm-apply': 'planned' }],
  ['arm', { type: 'arm' }, { 'confirm-apply': 'arming' }],
  ['steps-started', { type: 'steps-started' }, { arming: 'applying' }],
  ['steps-done', { type: 'steps-done' }, { applying: 'verifying' }],
  [
    'pending',
    { type: 'pending' },
    {
      arming: 'awaiting-confirmation',
      applying: 'awaiting-confirmation',
      verifying: 'awaiting-confirmation',
    },
  ],
  ['confirm', { type: 'confirm' }, { 'awaiting-confirmation': 'confirming', recovery: 'confirming' }],
  ['persist-started', { type: 'persist-started' }, { confirming: 'persisting' }],
  ['confirmed', { type: 'confirmed' }, { confirming: 'done', persisting: 'done' }],
  [
    'kept-elsewhere',
    { type: 'kept-elsewhere' },
    { 'awaiting-confirmation': 'done', recovery: 'done', 'confirm-rollback': 'done' },
  ],
  [
    'rollback',
    { type: 'rollback' },
    { 'awaiting-confirmation': 'reverting', recovery: 'reverting', 'confirm-rollback': 'reverting' },
  ],
  [
    'revert-started',
    { type: 'revert-started' },
    {
      arming: 'reverting',
      applying: 'reverting',
      verifying: 'reverting',
      persisting: 'reverting',
      reverting: 'reverting',
    },
  ],
  ['reverting-elsewhere', { type: 'reverting-elsewhere' }, { 'awaiting-confirmation': 'reverting (seen)' }],
  [
    'revert-finished: reverted, here',
    finished('reverted', false),
    {
      arming: 'reverted',
      applying: 'reverted',
      verifying: 'reverted',
      persisting: 'reverted',
      reverting: 'reverted',
    },
  ],
  [
    'revert-finished: incomplete, here',
    finished('revert-incomplete', false),
    {
      arming: 'revert-incomplete',
      applying: 'revert-incomplete',
      verifying: 'revert-incomplete',
      persisting: 'revert-incomplete',
      reverting: 'revert-incomplete',
    },
  ],
  [
    'revert-finished: reverted, elsewhere',
    finished('reverted', true),
    {
      'awaiting-confirmation': 'reverted',
      recovery: 'reverted',
      'confirm-rollback': 'reverted',
      'reverting (seen)': 'reverted',
    },
  ],
  [
    'revert-finished: incomplete, elsewhere',
    finished('revert-incomplete', true),
    {
      'awaiting-confirmation': 'revert-incomplete',
      recovery: 'revert-incomplete',
      'confirm-rollback': 'revert-incomplete',
      'reverting (seen)': 'revert-incomplete',
    },
  ],
  // Back to where the decision started (stateOf: confirming came from the countdown, reverting from recovery).
  ['refused', { type: 'refused' }, { confirming: 'awaiting-confirmation', reverting: 'recovery' }],
  [
    'fail',
    { type: 'fail' },
    {
      probing: 'failed',
      arming: 'failed',
      applying: 'failed',
      verifying: 'failed',
      persisting: 'failed',
      reverting: 'failed',
    },
  ],
  ['plan-again', { type: 'plan-again' }, { failed: 'probing' }],
];

describe('the phase flow, every (phase, event) pair', () => {
  it('has a row for every event type and reads every phase', () => {
    expect(new Set(FLOW.map(([, event]) => event.type))).toEqual(new Set(Object.keys(EVERY_EVENT_TYPE)));
    expect(COLUMNS).toHaveLength(Object.keys(EVERY_PHASE).length + 1);
  });

  for (const [label, event, next] of FLOW) {
    it(`${label}: ${Object.entries(next)
      .map(([from, to]) => `${from} → ${to}`)
      .join(', ')}; refused elsewhere`, () => {
      for (const column of COLUMNS) {
        const state = stateOf(column);
        const moved = transition(state, event);
        const expected = next[column];
        if (expected === undefined) expect(moved, `${label} in ${column}`).toBeNull();
        else expect(moved && columnOf(moved), `${label} in ${column}`).toBe(expected);
      }
    });
  }

  it('remembers where a decision started, forgets it once decided, and marks a revert seen in the journal', () => {
    const countdown = stateOf('awaiting-confirmation');
    expect(transition(countdown, { type: 'confirm' })).toEqual({
      phase: 'confirming',
      remoteRevert: false,
      resumePhase: 'awaiting-confirmation',
    });
    expect(transition(stateOf('confirming'), { type: 'confirmed' })?.resumePhase).toBeNull();
    // The engine's own "reverting" during a rollback keeps the way back should the journal refuse.
    expect(transition(stateOf('reverting'), { type: 'revert-started' })?.resumePhase).toBe('recovery');
    // A revert the engine began by itself cannot be refused back into a phase.
    const applyFailed = transition(stateOf('verifying'), { type: 'revert-started' });
    expect(applyFailed && transition(applyFailed, { type: 'refused' })).toBeNull();
    expect(transition(countdown, finished('reverted', true))?.remoteRevert).toBe(true);
    expect(transition(stateOf('reverting'), finished('reverted', false))?.remoteRevert).toBe(false);
    expect(transition(stateOf('reverting (seen)'), { type: 'rollback' })).toBeNull();
  });
});

describe('a refused event', () => {
  it('leaves the store untouched: the same state object, no notice, no call to the engine', async () => {
    const engine = fakeMigration();
    const store = await plannedStore({ planned: quietPlan(), migration: engine.deps });
    const before = store.getState();
    const { actions } = before;
    await actions.confirmChange();
    await actions.rollbackNow();
    await actions.confirmApply();
    actions.declineApply();
    await actions.answerRollback(true);
    await actions.extendDeadline();
    await actions.startProbe();
    expect(store.getState()).toBe(before);
    expect(engine.deps.confirm).not.toHaveBeenCalled();
    expect(engine.deps.revert).not.toHaveBeenCalled();
    expect(engine.deps.start).not.toHaveBeenCalled();
  });
});
