/**
 * A pending change whose guardian is gone is said FIRST by `status`, `confirm` and `rollback`,
 * and `guard --rearm` starts a new guardian for the same journal and deadline — or, once the
 * deadline has passed, reverts at once as the guardian would have.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { runConfirmCommand } from '../../../source/cli/confirm-command.js';
import { runRearmCommand } from '../../../source/cli/rearm-command.js';
import { runRollbackCommand } from '../../../source/cli/rollback-command.js';
import { runStatusCommand } from '../../../source/cli/status-command.js';
import type { StatusReport } from '../../../source/cli/status-report.js';
import type { ArmGuardianOptions } from '../../../source/txn/guardian/guardian-api.js';
import { type Fixture, fixture, NOW, run } from './command-fixture.js';

/** Every fixture a test made (some make two), each removed afterwards. */
let made: Fixture[] = [];
afterEach(() => {
  for (const f of made) f.remove();
  made = [];
});

const DEAD = 4242;

/** An applied change whose guardian (pid 4242) recorded itself and then died. */
async function deadGuardian(options: Parameters<typeof fixture>[0] = {}): Promise<Fixture> {
  const f = fixture({ alive: () => false, ...options });
  made.push(f);
  await f.pendingJournal('applied');
  await f.journal.setGuardian(f.stateDir, { pid: DEAD, mode: 'detached' });
  return f;
}

const problem = `the guardian (pid ${DEAD}) is not running: nothing will revert this change at the deadline`;

describe('a dead guardian is said first', () => {
  it('status: the top line, with the commands to re-arm it or roll back; in --json as an alert', async () => {
    const f = await deadGuardian();
    expect(await run(f, () => runStatusCommand(f.deps, f.common, { json: false }))).toBe(0);
    const where = `--state-dir ${f.stateDir}`;
    expect(f.stdout().split('\n')[0]).toBe(
      `WARNING: ${problem}; re-arm it for the same deadline: bridge-migrate guard --rearm ${where}, or roll back now: bridge-migrate rollback --yes ${where}`,
    );
    const json = await deadGuardian();
    await run(json, () => runStatusCommand(json.deps, json.common, { json: true }));
    const report = JSON.parse(json.stdout()) as StatusReport;
    expect(report.alerts).toHaveLength(1);
    expect(report.alerts[0]?.startsWith(`${problem}; re-arm it`)).toBe(true);
    expect(report.migration?.guardian?.alive).toBe(false);
  });

  it('status: no alert while the guardian lives, nor once the change is settled', async () => {
    const f = await deadGuardian({ alive: (pid) => pid === DEAD });
    await run(f, () => runStatusCommand(f.deps, f.common, { json: false }));
    expect(f.stdout().split('\n')[0]).toMatch(/^mode: /);
    expect(f.stdout()).not.toContain('WARNING');
    const settled = await deadGuardian();
    await settled.journal.setPhase(settled.stateDir, 'confirmed');
    await run(settled, () => runStatusCommand(settled.deps, settled.common, { json: true }));
    expect((JSON.parse(settled.stdout()) as StatusReport).alerts).toEqual([]);
  });

  it('confirm: says so before confirming, then confirms', async () => {
    const f = await deadGuardian();
    expect(await run(f, () => runConfirmCommand(f.deps, f.common))).toBe(0);
    expect(f.stderr().split('\n')[0]).toBe(
      `bridge-migrate: ${problem}; confirming keeps the change as it is`,
    );
    expect(f.calls.confirm).toBe(1);
  });

  it('rollback without --yes: says so and offers re-arming before the y/N question', async () => {
    const questions: string[] = [];
    const f = await deadGuardian({
      ask: async (question) => {
        questions.push(question);
        return false;
      },
    });
    expect(await run(f, () => runRollbackCommand(f.deps, f.common, { yes: false }))).toBe(1);
    expect(f.stderr().split('\n')[0]).toBe(
      `bridge-migrate: ${problem}; re-arm it for the same deadline: bridge-migrate guard --rearm --state-dir ${f.stateDir}, or roll back now: bridge-migrate rollback --yes --state-dir ${f.stateDir}`,
    );
    expect(questions).toHaveLength(1);
    expect(f.calls.revert).toEqual([]);
  });
});

describe('guard --rearm', () => {
  it('starts a new guardian for the same journal and deadline; exit 0', async () => {
    const armed: ArmGuardianOptions[] = [];
    const f = await deadGuardian();
    const before = await f.journal.load(f.stateDir);
    f.deps.armGuardian = async (options) => {
      armed.push(options);
      return (await f.journal.setGuardian(f.stateDir, { pid: 5151, mode: 'detached' })).guardian as never;
    };
    expect(await run(f, () => runRearmCommand(f.deps, f.common))).toBe(0);
    expect(armed).toEqual([{ stateDir: f.stateDir, ...f.deps.guardianLaunch }]);
    const after = await f.journal.load(f.stateDir);
    expect(after?.deadline).toBe(before?.deadline);
    expect(after?.guardian?.pid).toBe(5151);
    expect(f.stderr()).toBe(`bridge-migrate: ${problem}\n`);
    expect(f.stdout()).toMatch(
      /^\+ Guardian re-armed \(pid 5151, detached\): it reverts the change at \S+, 115 s from now/,
    );
    expect(f.calls.revert).toEqual([]);
  });

  it('after the deadline: reverts now, as the guardian would have; exit 3', async () => {
    const f = await deadGuardian();
    f.deps.clock = { now: () => NOW + 200_000 };
    f.deps.armGuardian = async () => {
      throw new Error('must not arm past the deadline');
    };
    expect(await run(f, () => runRearmCommand(f.deps, f.common))).toBe(3);
    expect(f.calls.revert).toEqual(['timeout']);
    expect(f.stdout()).toMatch(/^\+? ?.*Reverted/m);
  });

  it('refuses while the guardian is alive, and when nothing is pending; exit 1, nothing changed', async () => {
    const f = await deadGuardian({ alive: () => true });
    expect(await run(f, () => runRearmCommand(f.deps, f.common))).toBe(1);
    expect(f.stderr()).toMatch(
      /the guardian \(pid 4242\) of the migration of ens18 into fcbr0 is running; there is nothing to re-arm/,
    );
    const settled = await deadGuardian();
    await settled.journal.setPhase(settled.stateDir, 'confirmed');
    expect(await run(settled, () => runRearmCommand(settled.deps, settled.common))).toBe(1);
    expect(settled.stderr()).toMatch(/nothing to re-arm: .* is confirmed/);
    expect(settled.calls.revert).toEqual([]);
  });

  it('refuses without root; exit 1', async () => {
    const f = await deadGuardian({ uid: 1000 });
    expect(await run(f, () => runRearmCommand(f.deps, f.common))).toBe(1);
    expect(f.stderr()).toContain('run it as root: sudo bridge-migrate guard --rearm');
  });
});
