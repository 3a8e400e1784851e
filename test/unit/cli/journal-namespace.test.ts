/**
 * A journal's migration is acted on only from the network namespace it was made in (its
 * plan.request.netns; none: the host's own): rollback, confirm, guard --rearm and the TUI's
 * recovery actions refuse elsewhere (exit 1, nothing changed) and name the command to run there;
 * status names the journal's commands with that namespace's prefix and says where it was made.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { runConfirmCommand } from '../../../source/cli/confirm-command.js';
import type { CommonOptions } from '../../../source/cli/options.js';
import { runRearmCommand } from '../../../source/cli/rearm-command.js';
import { runRollbackCommand } from '../../../source/cli/rollback-command.js';
import { runStatusCommand } from '../../../source/cli/status-command.js';
import { tuiMigration } from '../../../source/cli/tui-migration.js';
import { type Fixture, fixture, run } from './command-fixture.js';

let current: Fixture | null = null;
afterEach(() => current?.remove());

function setup(): Fixture {
  current = fixture();
  return current;
}

const in_ = (f: Fixture, netns: string | null): CommonOptions => ({ ...f.common, netns });

describe('acting on a journal from another network namespace', () => {
  it('rollback from the host on a lab journal is refused and names the lab command; nothing changed', async () => {
    const f = setup();
    await f.pendingJournal('applied', { netns: 'trialatk-x' });
    const before = await f.journal.load(f.stateDir);
    expect(await run(f, () => runRollbackCommand(f.deps, in_(f, null), { yes: true }))).toBe(1);
    expect(f.stderr()).toBe(
      `bridge-migrate: rollback acts on the migration of ens18 into fcbr0, made in network namespace trialatk-x, but this process runs in the host's own network namespace; run here it would change the wrong network; run it there: ip netns exec trialatk-x bridge-migrate rollback --state-dir ${f.stateDir}\n`,
    );
    expect(f.calls.revert).toEqual([]);
    expect(await f.journal.load(f.stateDir)).toEqual(before);
  });

  it('rollback from another lab namespace is refused (not run there)', async () => {
    const f = setup();
    await f.pendingJournal('applied', { netns: 'trialatk-x' });
    expect(await run(f, () => runRollbackCommand(f.deps, in_(f, 'trialatk-y'), { yes: true }))).toBe(1);
    expect(f.stderr()).toContain(
      'made in network namespace trialatk-x, but this process runs in network namespace trialatk-y',
    );
    expect(f.stderr()).toContain(
      `run it there: ip netns exec trialatk-x bridge-migrate rollback --state-dir ${f.stateDir}`,
    );
    expect(f.calls.revert).toEqual([]);
    expect((await f.journal.load(f.stateDir))?.phase).toBe('applied');
  });

  it("a host journal acted on from a lab namespace: the fix is the host's own command", async () => {
    const f = setup();
    await f.pendingJournal('applied');
    expect(await run(f, () => runConfirmCommand(f.deps, in_(f, 'trialatk-y')))).toBe(1);
    expect(f.stderr()).toContain(
      `made in the host's own network namespace, but this process runs in network namespace trialatk-y; run here it would change the wrong network; run it from the host's own namespace: bridge-migrate confirm --state-dir ${f.stateDir}\n`,
    );
    expect(f.calls.confirm).toBe(0);
    expect((await f.journal.load(f.stateDir))?.phase).toBe('applied');
  });

  it('confirm and guard --rearm refuse too; nothing is confirmed or armed', async () => {
    const f = setup();
    await f.pendingJournal('applied', { netns: 'trialatk-x' });
    let armed = 0;
    f.deps.armGuardian = async () => {
      armed += 1;
      return { pid: 4242, mode: 'detached', startedAt: 0, heartbeatAt: 0 };
    };
    expect(await run(f, () => runConfirmCommand(f.deps, in_(f, null)))).toBe(1);
    expect(f.stderr()).toContain(
      `run it there: ip netns exec trialatk-x bridge-migrate confirm --state-dir ${f.stateDir}`,
    );
    expect(await run(f, () => runRearmCommand(f.deps, in_(f, 'trialatk-y')))).toBe(1);
    expect(f.stderr()).toContain(
      `run it there: ip netns exec trialatk-x bridge-migrate guard --rearm --state-dir ${f.stateDir}`,
    );
    expect(f.calls.confirm).toBe(0);
    expect(armed).toBe(0);
    expect((await f.journal.load(f.stateDir))?.phase).toBe('applied');
  });

  it('in the namespace the migration was made in, rollback runs', async () => {
    const f = setup();
    await f.pendingJournal('applied', { netns: 'trialatk-x' });
    expect(await run(f, () => runRollbackCommand(f.deps, in_(f, 'trialatk-x'), { yes: true }))).toBe(3);
    expect(f.calls.revert).toEqual(['operator']);
  });

  it("the TUI's recovery actions refuse the same way, before the engine runs", async () => {
    const f = setup();
    await f.pendingJournal('applied', { netns: 'trialatk-x' });
    const migration = tuiMigration(f.deps, in_(f, 'trialatk-y'), 120, {
      readText: async () => null,
      readLink: async () => null,
    } as never);
    await expect(migration.revert(() => {})).rejects.toThrow(/run it there: ip netns exec trialatk-x/);
    await expect(migration.confirm(() => {})).rejects.toThrow(/made in network namespace trialatk-x/);
    await expect(migration.rearm()).rejects.toThrow(/guard --rearm/);
    expect(f.calls.revert).toEqual([]);
    expect(f.calls.confirm).toBe(0);
  });
});

describe('status of a journal made in another namespace', () => {
  it("names the journal's commands with its namespace and says where it was made (text)", async () => {
    const f = setup();
    await f.pendingJournal('applied', { netns: 'trialatk-x' });
    expect(await run(f, () => runStatusCommand(f.deps, in_(f, null), { json: false }))).toBe(0);
    const text = f.stdout();
    expect(text).toContain(
      "NAMESPACE: the migration was made in network namespace trialatk-x, and this status runs in the host's own network namespace; the commands below act there",
    );
    expect(text).toContain(
      `  keep it: ip netns exec trialatk-x bridge-migrate confirm --state-dir ${f.stateDir}`,
    );
    expect(text).toContain(
      `  undo it: ip netns exec trialatk-x bridge-migrate rollback --yes --state-dir ${f.stateDir}`,
    );
    expect(text).not.toMatch(/^ {2}(keep|undo) it: bridge-migrate/m);
  });

  it('says so in --json, with the alerts naming the namespaced commands', async () => {
    const f = setup();
    await f.pendingJournal('applied', { netns: 'trialatk-x' });
    expect(await run(f, () => runStatusCommand(f.deps, in_(f, 'trialatk-y'), { json: true }))).toBe(0);
    const report = JSON.parse(f.stdout());
    expect(report.namespace).toEqual({ migration: 'trialatk-x', thisProcess: 'trialatk-y' });
    for (const alert of report.alerts) expect(alert).toContain('ip netns exec trialatk-x');
  });

  it('says nothing of namespaces when status runs where the migration was made', async () => {
    const f = setup();
    await f.pendingJournal('applied', { netns: 'trialatk-x' });
    expect(await run(f, () => runStatusCommand(f.deps, in_(f, 'trialatk-x'), { json: true }))).toBe(0);
    expect(JSON.parse(f.stdout()).namespace).toBeUndefined();
  });
});
