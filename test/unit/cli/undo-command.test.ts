/**
 * `rollback --yes` of a finished (persisted) migration: the journal moves to undoing with a fresh
 * deadline and a guardian is armed BEFORE the revert runs; a guardian that does not start leaves
 * the journal persisted and the host untouched (exit 1); checks that fail after the undo exit 4
 * with the commands that bring the bridge back.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { runRollbackCommand } from '../../../source/cli/rollback-command.js';
import type { RevertOutcome } from '../../../source/txn/engine/engine-api.js';
import { UNDO_DEADLINE_SEC } from '../../../source/txn/journal/journal.js';
import { check, type Fixture, fixture, run } from './command-fixture.js';

let current: Fixture | null = null;
afterEach(() => current?.remove());

/** A migration applied, confirmed and persisted (one file written over a backup-less path). */
async function persisted(options: Parameters<typeof fixture>[0] = {}): Promise<Fixture> {
  const f = fixture(options);
  current = f;
  await f.pendingJournal('applied');
  await f.journal.setPhase(f.stateDir, 'confirmed');
  await f.journal.setPhase(f.stateDir, 'persisting');
  await f.journal.recordFile(f.stateDir, { path: '/etc/netplan/60-bridge-migrate.yaml', backup: null });
  await f.journal.setPhase(f.stateDir, 'persisted', 'written');
  return f;
}

const rollback = (f: Fixture) => run(f, () => runRollbackCommand(f.deps, f.common, { yes: true }));

describe('rollback --yes of a persisted migration', () => {
  it('enters undoing with a fresh deadline and arms a guardian before the revert; exit 3', async () => {
    const order: string[] = [];
    const f = await persisted();
    f.deps.armGuardian = vi.fn(async () => {
      const journal = await f.journal.load(f.stateDir);
      order.push(
        `arm in ${journal?.phase}, deadline +${((journal?.deadline ?? 0) - f.deps.clock.now()) / 1000} s`,
      );
      return { pid: 5151, mode: 'detached' as const, startedAt: 0, heartbeatAt: 0 };
    });
    const engine = f.deps.engine;
    f.deps.engine = (listener) => {
      const made = engine(listener);
      return {
        ...made,
        revert: async (reason) => {
          order.push(`revert ${reason} in ${(await f.journal.load(f.stateDir))?.phase}`);
          return made.revert(reason);
        },
      };
    };
    expect(await rollback(f)).toBe(3);
    expect(order).toEqual([`arm in undoing, deadline +${UNDO_DEADLINE_SEC} s`, 'revert operator in undoing']);
    expect(f.stderr()).toContain(
      `undoing the migration of ens18 into fcbr0 (phase persisted, 1 of 3 steps started) under a guardian (deadline ${UNDO_DEADLINE_SEC} s)`,
    );
    expect((await f.journal.load(f.stateDir))?.phase).toBe('reverted');
  });

  it('a guardian that does not start: nothing undone, the journal stays persisted; exit 1', async () => {
    const f = await persisted();
    f.deps.armGuardian = async () => {
      throw new Error('the guardian did not start: it exited before recording itself in the journal');
    };
    expect(await rollback(f)).toBe(1);
    expect(f.calls.revert).toEqual([]);
    expect(f.stderr()).toContain(
      'the undo was not started, nothing was changed: the guardian did not start: it exited before recording itself in the journal',
    );
    const journal = await f.journal.load(f.stateDir);
    expect(journal?.phase).toBe('persisted');
    expect(journal?.events.at(-1)?.message).toContain('undoing → persisted: undo not started');
  });

  it('a check that passed at baseline and fails after the undo: exit 4 with the way back to the bridge', async () => {
    const f = await persisted({
      script: {
        revert: async () => {
          await f.journal.recordOutcome(f.stateDir, { kind: 'reverted', reason: 'operator' });
          return {
            kind: 'reverted',
            reason: 'operator',
            steps: [],
            differences: [],
            manualCommands: [],
            checks: [check('gateway-arp', 'ens18', false)],
          } satisfies RevertOutcome;
        },
      },
    });
    expect(await rollback(f)).toBe(4);
    const stderr = f.stderr();
    expect(stderr).toContain('but checks that passed before it fail now: gateway-arp');
    expect(stderr).toContain(
      `to put ens18 back into fcbr0: \`bridge-migrate apply --yes --nic ens18 --state-dir ${f.stateDir}\` then \`bridge-migrate confirm --state-dir ${f.stateDir}\``,
    );
  });
});
