/**
 * What the guardian leaves in the journal for the TUI (DESIGN.md flow steps 5 and 7, countdown and guided rollback):
 * its latest watch, written with its heartbeat (no write of its own), and, after its revert, the
 * steps undone and the checks after it in the outcome, so a TUI that did not run the revert can
 * show it. Additive fields: the parser accepts journals without them and refuses broken ones.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { silentLog } from '../../../source/system/debug-log.js';
import { runGuardian } from '../../../source/txn/guardian/guardian.js';
import { createJournalStore, type JournalStore, parseJournal } from '../../../source/txn/journal/journal.js';
import { check, fakeEngine, fakeSignals, type VirtualClock, virtualClock } from './guardian-fixture.js';
import { makePlan, makePreState, makeTempStateDir } from './journal-fixture.js';

const START = Date.UTC(2024, 0, 2, 3, 4, 5);
const PID = 4242;

let temp: ReturnType<typeof makeTempStateDir>;
let clock: VirtualClock;
let store: JournalStore;

beforeEach(async () => {
  temp = makeTempStateDir();
  clock = virtualClock(START);
  store = createJournalStore({ clock: () => clock.now(), purpose: 'test' });
  await store.create(temp.stateDir, { plan: makePlan(), preState: makePreState(), timeoutSec: 30 });
  await store.setPhase(temp.stateDir, 'applying');
  await store.setPhase(temp.stateDir, 'applied');
});
afterEach(() => temp.cleanup());

describe("the guardian's journal records", () => {
  it('writes its latest watch with its heartbeat, and the revert with its checks', async () => {
    const seen: Array<{ at: number; ok: boolean[] } | null> = [];
    for (const ms of [3_000, 9_000]) {
      clock.at(ms, async () => {
        const journal = await store.load(temp.stateDir);
        seen.push(
          journal?.watch ? { at: journal.watch.at, ok: journal.watch.results.map((r) => r.ok) } : null,
        );
      });
    }
    const engine = fakeEngine(store, temp.stateDir, clock, {
      watch: (call) => ({ results: [check('gateway-icmp', call < 2)] }),
    });
    const end = await runGuardian({
      stateDir: temp.stateDir,
      engine,
      journal: store,
      clock,
      log: silentLog,
      pid: PID,
      mode: 'detached',
      signals: fakeSignals(),
      timing: { probeFailMs: 60_000, watchEveryMs: 2_000 },
    });
    expect(end.kind).toBe('reverted');
    expect(seen[0]).toEqual({ at: expect.any(Number), ok: [true] });
    expect(seen[0]?.at).toBeGreaterThanOrEqual(START);
    expect(seen[0]?.at).toBeLessThanOrEqual(START + 3_000);
    // A later watch replaced it: the screen shows the newest, failing one.
    expect(seen[1]?.ok).toEqual([false]);
    const journal = await store.load(temp.stateDir);
    expect(journal?.outcome).toMatchObject({
      kind: 'reverted',
      reason: 'timeout',
      steps: [],
      checks: [check('gateway-icmp', true)],
    });
  });
});

describe('parsing the additive fields', () => {
  async function text(): Promise<string> {
    const journal = await store.load(temp.stateDir);
    return JSON.stringify(journal);
  }

  it('accepts a watch and an outcome with steps and checks; refuses broken ones', async () => {
    const journal = JSON.parse(await text());
    journal.watch = { at: START, results: [check('gateway-icmp', true)] };
    journal.outcome = {
      kind: 'reverted',
      reason: 'timeout',
      at: START,
      steps: [{ stepId: 'cutover', title: 'Move', state: 'reverted' }],
      checks: [check('gateway-icmp', true)],
    };
    expect(parseJournal(JSON.stringify(journal), 'j').watch?.results).toHaveLength(1);
    expect(() => parseJournal(JSON.stringify({ ...journal, watch: { results: [] } }), 'j')).toThrow(
      /"watch" lacks its time/,
    );
    const badStep = { ...journal.outcome, steps: [{ stepId: 'cutover', title: 'Move', state: 'ok' }] };
    expect(() => parseJournal(JSON.stringify({ ...journal, outcome: badStep }), 'j')).toThrow(
      /"outcome.steps" entry #0 has an unknown state/,
    );
  });

  it('accepts a revert trigger only with a known decider and reason, a text detail and nothing else', async () => {
    const journal = JSON.parse(await text());
    const trigger = { by: 'guardian', reason: 'timeout', detail: 'the deadline passed', at: START };
    const parse = (revertTrigger: unknown) =>
      parseJournal(JSON.stringify({ ...journal, revertTrigger }), 'j').revertTrigger;
    expect(parse(trigger)).toEqual(trigger);
    const refused: [unknown, RegExp][] = [
      ['guardian', /"revertTrigger" is not an object/],
      [{ ...trigger, by: 'someone' }, /"revertTrigger.by" is unknown/],
      [{ ...trigger, reason: 'whim' }, /"revertTrigger.reason" is unknown/],
      [{ ...trigger, detail: ['the deadline'] }, /"revertTrigger.detail" is not a text/],
      [{ ...trigger, at: 'now' }, /"revertTrigger.at" is not a number/],
      [{ ...trigger, command: 'rm -rf /' }, /"revertTrigger" has an unknown field/],
    ];
    for (const [value, problem] of refused) expect(() => parse(value)).toThrow(problem);
  });
});
