/**
 * One revert at a time (txn/engine/engine.ts, revert): the guardian's revert at the deadline and the operator's
 * `rollback` started at about the same instant, 20 times, on a real lab host. Each time exactly
 * one undo runs (one `ip -force -batch -` reaches the host), the other side reports the winner's
 * outcome, and the host is exactly its pre-state afterwards.
 *
 * Why the engine and an in-process guardian (runGuardian, the real loop on the real clock) rather
 * than the CLI: the CLI's --timeout is at least 15 s, so 20 races through `apply --yes` would take
 * over 6 minutes of waiting for deadlines; here each deadline is moved to 1 s ahead once the
 * change is applied, and 20 races take well under 2 minutes. What serialises the two reverts is
 * the same code either way (engine.revert taking the revert lock in the runtime directory, the
 * guardian's retry loop); the lock is a file held by pid, so two engines in one process contend
 * exactly as two processes do. The rollback starts at the deadline plus an offset swept from
 * -200 ms to +940 ms, so both orders (and near-ties) are exercised. Four independent lab hosts
 * race in parallel (5 races each, one after another) to keep the whole run near 2 minutes.
 */
import { EventEmitter } from 'node:events';
import { describe, expect, test } from 'vitest';
import { sleep, waitFor } from '../../source/lab/wait.js';
import { silentLog } from '../../source/system/debug-log.js';
import type { Runner } from '../../source/system/runner.js';
import type { RevertOutcome } from '../../source/txn/engine/engine-api.js';
import { NothingToRevert } from '../../source/txn/engine/engine-errors.js';
import { type GuardianEnd, realGuardianClock, runGuardian } from '../../source/txn/guardian/guardian.js';
import { createJournalStore } from '../../source/txn/journal/journal.js';
import { comparable, withLabEngine } from './helpers/engine-lab.js';
import { withLab } from './helpers/lab-state.js';

const RACES = Number(process.env.BM_RACES ?? 20);
const LABS = 4;
const staticHost = {
  kind: 'static' as const,
  addresses: ['198.51.100.240/24'],
  routes: [{ to: '203.0.113.0/25', via: '198.51.100.1', metric: 20 }],
};

/** Runs `races` one after another on one lab host; returns who won each. */
async function raceOn(races: number[]): Promise<string[]> {
  const winners: string[] = [];
  await withLab({ host: staticHost }, async (lab) => {
    await withLabEngine(lab, {}, async (setup) => {
      const before = comparable(await lab.snapshot(lab.ns.host));
      const runtimeDir = setup.deps.runtimeDir as string;
      for (const race of races) {
        let revertBatches = 0;
        const runner: Runner = {
          run(argv, options) {
            if (argv.join(' ') === 'ip -force -batch -') revertBatches++;
            return setup.deps.runner.run(argv, options);
          },
        };
        const t0 = Date.now();
        const snapshot = await setup.probe();
        const plan = setup.plan(snapshot);
        const guardianStore = createJournalStore({ purpose: 'guardian' });
        let guardian: Promise<GuardianEnd> | null = null;
        const started = await setup.another({ runner }).start({
          plan,
          preState: snapshot,
          timeoutSec: 60,
          beforeFirstChange: async () => {
            guardian = runGuardian({
              stateDir: setup.stateDir,
              engine: setup.another({ runner, journal: guardianStore }),
              journal: guardianStore,
              clock: realGuardianClock,
              log: silentLog,
              pid: process.pid,
              mode: 'detached',
              signals: new EventEmitter(),
              runtimeDir,
            });
            await waitFor(
              'the guardian to record itself',
              { attempts: 100, intervalMs: 20, timeoutMs: 5_000 },
              async () => ((await setup.journal.load(setup.stateDir))?.guardian ? true : undefined),
            );
          },
        });
        expect(started.kind, JSON.stringify(started)).toBe('pending');
        console.log(`race ${race}: applied in ${Date.now() - t0} ms`);
        const deadline = Date.now() + 1_000;
        await setup.journal.update(setup.stateDir, (draft) => {
          draft.deadline = deadline;
        });
        const offsetMs = -200 + race * 60;
        await sleep(Math.max(0, deadline + offsetMs - Date.now()));
        const rollback: RevertOutcome | NothingToRevert = await setup
          .another({ runner })
          .revert('operator')
          .catch((error: unknown) => {
            // The guardian finished before rollback even looked: the CLI reports the journal's outcome.
            if (error instanceof NothingToRevert) return error;
            throw error;
          });
        const end = await (guardian as unknown as Promise<GuardianEnd>);

        expect(revertBatches, `race ${race} (rollback at deadline ${offsetMs} ms)`).toBe(1);
        const journal = await setup.journal.load(setup.stateDir);
        expect(journal?.phase).toBe('reverted');
        const operatorWon = !(rollback instanceof NothingToRevert) && !rollback.elsewhere;
        expect(end.kind).toBe(operatorWon ? 'finished-elsewhere' : 'reverted');
        if (!(rollback instanceof NothingToRevert)) expect(rollback.kind).toBe('reverted');
        expect(journal?.outcome?.reason).toBe(operatorWon ? 'operator' : 'timeout');
        expect(comparable(await lab.snapshot(lab.ns.host)), `race ${race}`).toEqual(before);
        winners.push(operatorWon ? 'rollback' : 'guardian');
        console.log(`race ${race}: ${winners.at(-1)} won, ${Date.now() - deadline} ms after the deadline`);
      }
    });
  });
  return winners;
}

describe('the guardian at the deadline and rollback at the same time', () => {
  test(`${RACES} races: exactly one revert runs each time and the host is exact afterwards`, {
    timeout: 300_000,
  }, async () => {
    // LABS independent lab hosts race in parallel, each RACES / LABS times in a row.
    const batches = Array.from({ length: LABS }, (_, lab) =>
      Array.from({ length: RACES }, (_, race) => race).filter((race) => race % LABS === lab),
    );
    const winners = await Promise.all(batches.map((races) => raceOn(races)));
    console.log(`revert races won: ${winners.flat().join(' ')}`);
  });
});
