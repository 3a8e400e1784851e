/**
 * `bridge-migrate rollback` on a terminal for a FINISHED (persisted) migration: the guided rollback
 * screen says what the undo will do (the files and their backups, the renderer taking the uplink
 * back, the runtime steps, the bridge deleted or kept, the guardian), asks y/N, and shows the
 * revert's steps and the comparison with the pre-state as for a pending change.
 */
import { cleanup } from 'ink-testing-library';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { Journal } from '../../source/txn/journal/journal.js';
import { START, settle, useFakeClock } from './countdown-harness.js';
import { fakeJournal } from './fake-journal.js';
import { fakeMigration, revertOutcome } from './fake-migration.js';
import { quietPlan } from './fixtures.js';
import { renderUi, testStore, type Ui } from './harness.js';

beforeEach(useFakeClock);
afterEach(() => {
  cleanup();
  vi.useRealTimers();
});

const BACKUP = '/var/lib/bridge-migrate/backups/50-cloud-init.yaml.1';

function persisted(overrides: Partial<Journal> = {}): Journal {
  const journal = fakeJournal(quietPlan(), { createdAt: START - 600_000, phase: 'persisted', ...overrides });
  return {
    ...journal,
    files: [
      {
        path: '/etc/netplan/50-cloud-init.yaml',
        backup: {
          original: '/etc/netplan/50-cloud-init.yaml',
          backup: BACKUP,
          mode: 0o600,
          uid: 0,
          gid: 0,
          mtimeMs: 0,
          size: 120,
          sha256: 'a'.repeat(64),
        },
      },
      { path: '/etc/systemd/network/10-netplan-fcbr0.network.d/dhcp.conf', backup: null },
    ],
    ...overrides,
  };
}

async function openRollback(journal: Journal) {
  const engine = fakeMigration();
  engine.world.journal = journal;
  const store = testStore({ planned: quietPlan(), migration: engine.deps, clock: { now: () => Date.now() } });
  const opened = store.getState().actions.openRollback();
  const ui = renderUi(store);
  await opened;
  await settle(50);
  return { engine, ui, store };
}

async function type(ui: Ui, keys: string): Promise<string> {
  ui.stdin.write(keys);
  await settle();
  await settle();
  return ui.frame();
}

describe('rollback of a finished migration on a terminal', () => {
  it('says what the undo restores and deletes, then asks y/N; n exits 1 and changes nothing', async () => {
    const { ui, engine, store } = await openRollback(persisted());
    expect(store.getState().phase).toBe('confirm-rollback');
    const frame = ui.frame();
    expect(frame).toContain('bridge-migrate  undo a finished migration');
    expect(frame).toContain('1. Files put back from their backups:');
    expect(frame.replace(/\n\s+/g, ' ')).toContain(`• /etc/netplan/50-cloud-init.yaml (from ${BACKUP})`);
    expect(frame).toContain('dhcp.conf (new: removed)');
    expect(frame).toContain('2. netplan takes ens18 back from them.');
    expect(frame).toMatch(/3\. Runtime steps undone, last first/);
    expect(frame).toContain('• Stop dhclient');
    expect(frame.replace(/\n\s+/g, ' ')).toContain(
      '4. fcbr0 is deleted (bridge-migrate created it); TAPs on it are detached and kept.',
    );
    expect(frame).toContain('A guardian watches the undo');
    expect(frame).toContain('Undo the finished migration ens18 → fcbr0 now and compare the host with its');
    for (const line of ui.lines()) expect([...line].length).toBeLessThanOrEqual(80);
    await type(ui, 'n');
    expect(ui.exits[0]).toEqual({ code: 1, reason: 'not rolled back; nothing was changed' });
    expect(engine.deps.revert).not.toHaveBeenCalled();
  });

  it('a bridge that existed before the migration is kept with its TAPs', async () => {
    const journal = persisted();
    const bridge = { ...(journal.preState.links[0] as Journal['preState']['links'][number]), name: 'fcbr0' };
    const { ui } = await openRollback({
      ...journal,
      preState: { ...journal.preState, links: [...journal.preState.links, bridge] },
    });
    expect(ui.frame()).toContain('4. fcbr0 existed before: it is kept with its TAPs; only ens18 leaves it.');
  });

  it('y undoes it through the same revert as `rollback --yes` and shows each step and the comparison; q exits 3', async () => {
    const { ui, engine } = await openRollback(persisted());
    await type(ui, 'y');
    expect(engine.deps.revert).toHaveBeenCalledTimes(1);
    engine.emit({ kind: 'phase', phase: 'reverting', message: 'operator' });
    await settle();
    engine.finishRevert(revertOutcome(quietPlan(), 3, { reason: 'operator' }));
    await settle();
    const frame = ui.frame();
    expect(frame).toContain('bridge-migrate  undoing ens18 → fcbr0: files from backups, then the runtime');
    expect(frame).toContain("Reverted (operator's choice): the host matches its pre-state.");
    expect(frame).toContain('Undid 3 of 3 steps. Compared with the pre-state: links, addresses, routes and');
    await type(ui, 'q');
    expect(ui.exits[0]?.code).toBe(3);
  });
});
