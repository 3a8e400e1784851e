/**
 * The TUI's engine binding (tui-migration.ts) against the real journal in a temp state directory:
 * `read` is how the countdown and recovery see what other processes did (the guardian's heartbeat
 * and watch, an extension, a confirmation), `extend` moves the journal's deadline (capped), and the
 * rollback command opens the guided screen on a terminal unless --yes.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { runRollbackCommand } from '../../../source/cli/rollback-command.js';
import { tuiMigration } from '../../../source/cli/tui-migration.js';
import type { FileReader } from '../../../source/system/files.js';
import { check, type Fixture, fixture, NOW, run } from './command-fixture.js';

let current: Fixture | null = null;
afterEach(() => current?.remove());

const GUARDIAN_PID = 31_337;

/** /proc as the strict liveness check reads it: the guardian's pid runs `guard`, or nothing does. */
function proc(alive: boolean): FileReader {
  return {
    readFile: async (path) => {
      if (!alive) return null;
      if (path === `/proc/${GUARDIAN_PID}/stat`)
        return `${GUARDIAN_PID} (node) S 1 1 1 0 -1 0 0 0 0 0 0 0 0 0 20 0 1 0 100 0 0`;
      if (path === `/proc/${GUARDIAN_PID}/cmdline`)
        return ['node', 'dist/cli.js', 'guard', '--state-dir', 'x', ''].join('\0');
      return null;
    },
    listDir: async () => null,
    readLink: async () => null,
  };
}

async function applied(alive = true) {
  current = fixture();
  const f = current;
  const plan = await f.pendingJournal('applied');
  await f.journal.setGuardian(f.stateDir, { pid: GUARDIAN_PID, mode: 'detached' });
  return { f, plan, migration: tuiMigration(f.deps, f.common, 120, proc(alive)) };
}

describe('read', () => {
  it("returns the journal, the guardian's liveness and heartbeat age by the host clock", async () => {
    const { migration } = await applied();
    const seen = await migration.read();
    expect(seen.journal?.phase).toBe('applied');
    expect(seen.guardian).toMatchObject({ alive: true, heartbeatAgeMs: 5_000, info: { pid: GUARDIAN_PID } });
    expect(seen.now).toBe(NOW + 5_000);
    expect(seen.confirmation).toBeNull();
  });

  it("a pid that is not the guardian's (gone, or reused by another program) is not alive", async () => {
    const { migration } = await applied(false);
    expect((await migration.read()).guardian.alive).toBe(false);
  });

  it('carries the watch the guardian recorded with its heartbeat', async () => {
    const { f, migration } = await applied();
    const results = [check('gateway-arp', 'fcbr0'), check('gateway-icmp', 'fcbr0', false)];
    await f.journal.heartbeat(f.stateDir, GUARDIAN_PID, { at: NOW, results });
    expect((await migration.read()).journal?.watch).toEqual({ at: NOW, results });
  });

  it('says what a change confirmed elsewhere means, by the phase its journal reached', async () => {
    const { f, migration } = await applied();
    await f.journal.setPhase(f.stateDir, 'confirmed');
    expect((await migration.read()).confirmation).toMatchObject({ journalPhase: 'confirmed' });
    await f.journal.setPhase(f.stateDir, 'persisted', 'nothing to write to disk');
    expect((await migration.read()).confirmation).toEqual({
      journalPhase: 'persisted',
      // The same note a confirm in this session prints (confirm-migration.ts confirmedOutcome). The
      // fixture's uplink has a DHCP address and the plan no keep-lease step: never "finished" then.
      note: `Nothing is written to disk for this plan, so the change lives at runtime only: a reboot brings back the old network. Nothing renews fcbr0's DHCP lease, so its address ends with the lease; \`bridge-migrate rollback --yes --state-dir ${f.stateDir}\` undoes the change.`,
      written: [],
    });
  });

  it('no journal at all reads as null, not as an error', async () => {
    current = fixture();
    const migration = tuiMigration(current.deps, current.common, 120, proc(false));
    expect(await migration.read()).toMatchObject({ journal: null, guardian: { alive: false, info: null } });
  });
});

describe('extend', () => {
  it("moves the journal's deadline by the seconds asked, up to an hour from now", async () => {
    const { f, migration } = await applied();
    const before = (await f.journal.load(f.stateDir))?.deadline as number;
    expect(await migration.extend(60)).toBe(before + 60_000);
    expect((await f.journal.load(f.stateDir))?.deadline).toBe(before + 60_000);
    for (let press = 0; press < 70; press++) await migration.extend(60);
    expect((await f.journal.load(f.stateDir))?.deadline).toBe(NOW + 3_600_000);
  });
});

describe('rollback without --yes on a terminal', () => {
  it('opens the guided rollback screen and returns its exit code; --yes does not', async () => {
    current = fixture({ ask: async () => true });
    const f = current;
    await f.pendingJournal('applied');
    const guided = vi.fn(async () => 3);
    expect(await run(f, () => runRollbackCommand(f.deps, f.common, { yes: false, guided }))).toBe(3);
    expect(guided).toHaveBeenCalledWith(f.deps, f.common);
    expect(f.calls.revert).toEqual([]);
    expect(await run(f, () => runRollbackCommand(f.deps, f.common, { yes: true, guided }))).toBe(3);
    expect(guided).toHaveBeenCalledTimes(1);
    expect(f.calls.revert).toEqual(['operator']);
  });

  it('refuses before opening anything when nothing is pending, or without root', async () => {
    current = fixture({ ask: async () => true, uid: 1000 });
    const f = current;
    await f.pendingJournal('applied');
    const guided = vi.fn(async () => 3);
    expect(await run(f, () => runRollbackCommand(f.deps, f.common, { yes: false, guided }))).toBe(1);
    expect(guided).not.toHaveBeenCalled();
  });
});
