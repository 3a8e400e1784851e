import { afterEach, describe, expect, it } from 'vitest';
import { runConfirmCommand } from '../../../source/cli/confirm-command.js';
import { runRollbackCommand } from '../../../source/cli/rollback-command.js';
import { DEFAULT_OPERATOR_COMMANDS } from '../../../source/plan/operator-commands.js';
import { NothingToRevert } from '../../../source/txn/engine/engine.js';
import { type Fixture, fixture, run } from './command-fixture.js';

let current: Fixture | null = null;
afterEach(() => current?.remove());

function setup(options: Parameters<typeof fixture>[0] = {}): Fixture {
  current = fixture(options);
  return current;
}

const rollback = (f: Fixture, yes = true) => run(f, () => runRollbackCommand(f.deps, f.common, { yes }));
const confirm = (f: Fixture) => run(f, () => runConfirmCommand(f.deps, f.common));

describe('rollback', () => {
  it('reverts the pending change from the journal and prints what was undone; exit 3', async () => {
    const f = setup();
    const plan = await f.pendingJournal('applied');
    expect(await rollback(f)).toBe(3);
    expect(f.calls.revert).toEqual(['operator']);
    const stdout = f.stdout();
    expect(stdout).toContain("< Reverted (operator's choice): the host matches its pre-state.");
    expect(stdout).toContain('Steps undone, last first:\n  < reverted: Create bridge fcbr0');
    expect(stdout).toContain(
      'Compared with the pre-state: links, addresses, routes and rules are as before.',
    );
    expect(f.stderr()).toContain(
      `rolling back the migration of ens18 into fcbr0 (phase applied, 1 of ${plan.steps.length} steps started)`,
    );
    expect((await f.journal.load(f.stateDir))?.phase).toBe('reverted');
  });

  it('refuses when nothing is pending: no journal, or a finished one; exit 1', async () => {
    const f = setup();
    expect(await rollback(f)).toBe(1);
    expect(f.stderr()).toBe(
      `bridge-migrate: nothing to roll back: there is no migration journal in ${f.stateDir}; see \`bridge-migrate status --state-dir ${f.stateDir}\`; pass --state-dir if the migration used another state directory\n`,
    );
    await f.pendingJournal('reverted');
    expect(await rollback(f)).toBe(1);
    expect(f.stderr()).toContain(
      'nothing to roll back: the migration of ens18 into fcbr0 is already reverted; the host was restored then',
    );
    expect(f.calls.revert).toEqual([]);
  });

  it('refuses without root, before reading anything; exit 1', async () => {
    const f = setup({ uid: 1000 });
    await f.pendingJournal('applied');
    expect(await rollback(f)).toBe(1);
    expect(f.stderr()).toContain('rollback needs root');
    expect(f.stderr()).toContain('run it as root: sudo bridge-migrate rollback');
    expect(f.calls.revert).toEqual([]);
  });

  it('without --yes and without a terminal: usage, pointing at --yes; exit 2', async () => {
    const f = setup({ ask: null });
    await f.pendingJournal('applied');
    expect(await rollback(f, false)).toBe(2);
    expect(f.stderr()).toContain('pass --yes to roll back without asking');
    expect(f.calls.revert).toEqual([]);
  });

  it('without --yes on a terminal asks y/N: no changes nothing (exit 1), yes reverts (exit 3)', async () => {
    const questions: string[] = [];
    let answer = false;
    const f = setup({
      ask: async (question) => {
        questions.push(question);
        return answer;
      },
    });
    const plan = await f.pendingJournal('applied');
    expect(await rollback(f, false)).toBe(1);
    expect(questions[0]).toBe(
      `Roll back the migration of ens18 into fcbr0 (phase applied, 1 of ${plan.steps.length} steps started), 115 s before the deadline now? [y/N] `,
    );
    expect(f.stderr()).toContain('not rolled back; nothing was changed');
    expect(f.calls.revert).toEqual([]);
    answer = true;
    expect(await rollback(f, false)).toBe(3);
    expect(f.calls.revert).toEqual(['operator']);
  });

  it('an incomplete revert prints the differences and manual commands; exit 4', async () => {
    const f = setup({
      script: {
        revert: async () => ({
          kind: 'revert-incomplete',
          reason: 'operator',
          steps: [{ stepId: 'cutover', title: 'Move ens18', state: 'revert-failed', message: 'File exists' }],
          differences: ['fcbr0 still exists'],
          manualCommands: [{ kind: 'exec', argv: ['ip', 'link', 'del', 'dev', 'fcbr0'] }],
          checks: [],
        }),
      },
    });
    await f.pendingJournal('applied');
    expect(await rollback(f)).toBe(4);
    expect(f.stdout()).toContain('  * fcbr0 still exists');
    expect(f.stdout()).toContain(
      'Run these as root to finish the revert by hand:\n  ip link del dev fcbr0\n',
    );
    expect(f.stderr()).toContain('the revert is incomplete; run the commands above as root');
  });

  it('an incomplete revert with nothing printable says to look at the host, not at commands above', async () => {
    const f = setup({
      script: {
        revert: async () => ({
          kind: 'revert-incomplete',
          reason: 'operator',
          steps: [{ stepId: 'cutover', title: 'Move ens18', state: 'reverted' }],
          differences: ['the host could not be read to compare it with the pre-state: ip: timed out'],
          manualCommands: [],
          checks: [],
        }),
      },
    });
    await f.pendingJournal('applied');
    expect(await rollback(f)).toBe(4);
    expect(f.stdout()).not.toContain('Run these as root');
    expect(f.stderr()).not.toContain('commands above');
    expect(f.stderr()).toContain('the revert is incomplete; no command can be printed for what is left');
  });
});

describe('rollback racing the guardian', () => {
  it('the guardian reverted first: its outcome is reported, nothing is undone again; exit 3', async () => {
    const f = setup({
      script: {
        revert: async () => ({
          kind: 'reverted',
          reason: 'timeout',
          steps: [{ stepId: 'stage-bridge', title: 'Create bridge fcbr0', state: 'reverted' }],
          differences: [],
          manualCommands: [],
          checks: [],
          elsewhere: true,
        }),
      },
    });
    await f.pendingJournal('applied');
    expect(await rollback(f)).toBe(3);
    expect(f.stderr()).toContain(
      'already reverted by another bridge-migrate process (the guardian or another rollback); its result:',
    );
    expect(f.stdout()).toContain('< Reverted (deadline passed): the host matches its pre-state.');
  });

  it('the guardian finished before rollback looked again: the journal’s outcome is reported; exit 3', async () => {
    const f = setup({
      script: {
        revert: async () => {
          // The guardian's revert landed between rollback's look at the journal and its revert.
          await f.journal.setPhase(f.stateDir, 'reverting', 'timeout');
          await f.journal.recordOutcome(f.stateDir, {
            kind: 'reverted',
            reason: 'timeout',
            differences: [],
            manualCommands: [],
          });
          throw new NothingToRevert('reverted', DEFAULT_OPERATOR_COMMANDS.status);
        },
      },
    });
    await f.pendingJournal('applied');
    expect(await rollback(f)).toBe(3);
    expect(f.stderr()).toContain('already reverted by another bridge-migrate process');
  });
});

describe('confirm', () => {
  it('with netplan config: each part printed as it goes, then finished with the files and their backups', async () => {
    const f = setup({
      script: {
        persist: async (emit, journal) => {
          emit({ kind: 'phase', phase: 'persisting' });
          for (const part of ['validate', 'back-up', 'write', 'hand-over', 'verify'] as const)
            emit({ kind: 'persist', part, state: 'ok' });
          await journal.update(f.stateDir, (draft) => {
            draft.phase = 'persisting';
          });
          await journal.setPhase(f.stateDir, 'persisted');
          return { kind: 'persisted', files: [{ path: '/etc/netplan/50-cloud-init.yaml', backup: null }] };
        },
      },
    });
    await f.pendingJournal('applied', { persist: 'netplan' });
    expect(await confirm(f)).toBe(0);
    expect(f.stderr()).toContain('writing the config (under the guardian, fresh deadline)');
    expect(f.stderr()).toMatch(/persist ok +Check the new netplan config in a scratch copy/);
    expect(f.stderr()).toMatch(/persist ok +Verify: same addresses, default route and checks as before/);
    expect(f.stdout()).toContain(
      'The migration is finished; its config was written: /etc/netplan/50-cloud-init.yaml (new).',
    );
  });

  it('a failed persist prints why and the revert (files restored); exit 3, never "finished"', async () => {
    const f = setup({
      script: {
        persist: async (emit) => {
          emit({ kind: 'persist', part: 'hand-over', state: 'failed', detail: 'networkctl reload failed' });
          const revert = await f.deps.engine().revert('persist-failed');
          return { kind: 'failed', part: 'hand-over', failure: 'networkctl reload failed', revert };
        },
      },
    });
    await f.pendingJournal('applied', { persist: 'netplan' });
    expect(await confirm(f)).toBe(3);
    expect(f.stderr()).toMatch(/persist failed +Let netplan take over the bridge/);
    expect(f.stderr()).toContain(
      'writing the config failed (networkctl reload failed); every file it touched was restored',
    );
    expect(f.stdout()).toContain('Reverted');
    expect(f.stdout()).not.toContain('finished');
  });

  it('with nothing to write (--persist none) the migration is finished: journal persisted', async () => {
    const f = setup();
    await f.pendingJournal('applied', { persist: 'none' });
    expect(await confirm(f)).toBe(0);
    expect(f.stdout()).toContain(
      'Nothing is written to disk for this plan, so the change lives at runtime only',
    );
    const journal = await f.journal.load(f.stateDir);
    expect(journal?.phase).toBe('persisted');
    expect(journal?.events.at(-1)?.message).toBe('confirmed → persisted: nothing to write to disk');
  });

  it('refuses without root, with nothing pending, and while still applying; exit 1 each', async () => {
    const notRoot = setup({ uid: 1000 });
    expect(await confirm(notRoot)).toBe(1);
    expect(notRoot.stderr()).toContain('run it as root: sudo bridge-migrate confirm');
    notRoot.remove();

    const f = setup();
    expect(await confirm(f)).toBe(1);
    expect(f.stderr()).toContain('nothing to confirm: there is no migration journal in');
    f.remove();

    const applying = setup();
    await applying.pendingJournal('applying');
    expect(await confirm(applying)).toBe(1);
    expect(applying.stderr()).toContain(
      'nothing to confirm: the migration of ens18 into fcbr0 is applying; it is still being applied',
    );
    expect(applying.calls.confirm).toBe(0);
  });
});
