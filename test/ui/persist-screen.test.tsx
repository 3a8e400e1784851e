/**
 * Confirming with config to write (DESIGN.md flow step 6) in the TUI: after `c` the screen says the
 * config is being written under the guardian and lists each part of the persist as it ends (the
 * frames, through ink-testing-library); a persisted change ends on the done screen with the files
 * written, a failed part on the revert's outcome (exit 3), never on "finished".
 */
import { cleanup } from 'ink-testing-library';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { ConfirmOutcome } from '../../source/store/app-state.js';
import type { EngineListener } from '../../source/txn/engine/engine-api.js';
import { countdownStore, settle, useFakeClock } from './countdown-harness.js';
import { revertOutcome } from './fake-migration.js';
import { quietPlan } from './fixtures.js';
import { renderUi, type Ui } from './harness.js';

beforeEach(useFakeClock);
afterEach(() => {
  cleanup();
  vi.useRealTimers();
});

/** The countdown on screen, with a confirm that stays in flight until the test settles it. */
async function persisting() {
  const countdown = await countdownStore();
  let listener: EngineListener = () => {};
  let settleConfirm: (outcome: ConfirmOutcome) => void = () => {};
  countdown.engine.deps.confirm = vi.fn(
    (onEvent: EngineListener) =>
      new Promise<ConfirmOutcome>((resolve) => {
        listener = onEvent;
        settleConfirm = resolve;
      }),
  );
  const ui = renderUi(countdown.store);
  await settle(50);
  ui.stdin.write('c');
  await settle();
  const emit: EngineListener = (event) => listener(event);
  return { ...countdown, ui, emit, finish: (outcome: ConfirmOutcome) => settleConfirm(outcome) };
}

async function frameAfter(ui: Ui): Promise<string> {
  await settle();
  await settle();
  return ui.frame();
}

const PARTS = ['validate', 'back-up', 'write', 'hand-over', 'verify'] as const;

describe('confirming writes the config, part by part', () => {
  it('shows each part as it ends, then the done screen with the files written', async () => {
    const { ui, emit, finish } = await persisting();
    emit({ kind: 'phase', phase: 'confirmed' });
    emit({ kind: 'phase', phase: 'persisting' });
    let frame = await frameAfter(ui);
    expect(frame).toContain('Writing the netplan config under the guardian');

    emit({ kind: 'persist', part: 'validate', state: 'running' });
    emit({ kind: 'persist', part: 'validate', state: 'ok' });
    emit({
      kind: 'persist',
      part: 'back-up',
      state: 'ok',
      detail: '/etc/netplan/50-cloud-init.yaml → /var/lib/bridge-migrate/backups/j/%2Fetc',
    });
    frame = await frameAfter(ui);
    expect(frame).toMatch(/✓ persist ok +Check the new netplan config in a scratch copy/);
    expect(frame).toMatch(
      /✓ persist ok +Back up every file it replaces\n +\/etc\/netplan\/50-cloud-init\.yaml → /,
    );
    expect(frame).not.toContain('Write the new files');

    for (const part of PARTS.slice(2)) emit({ kind: 'persist', part, state: 'ok' });
    emit({ kind: 'phase', phase: 'persisted' });
    finish({
      journalPhase: 'persisted',
      note: 'The migration is finished; its config was written: /etc/netplan/50-cloud-init.yaml (backup B).',
      written: ['/etc/netplan/50-cloud-init.yaml'],
    });
    frame = await frameAfter(ui);
    expect(frame).toMatch(/✓ persist ok +Let netplan take over the bridge/);
    expect(frame).toMatch(/✓ persist ok +Verify: same addresses, default route and checks as before/);
    expect(frame).toContain('The migration is finished; its config was written');
    expect(frame).toContain('✓ Kept: ens18 → fcbr0 is confirmed. q quits (exit 0).');
  });

  it('a failed part shows why, then the revert: files restored, the host back, exit 3', async () => {
    const { ui, emit, finish } = await persisting();
    emit({ kind: 'phase', phase: 'persisting' });
    for (const part of PARTS.slice(0, 3)) emit({ kind: 'persist', part, state: 'ok' });
    emit({
      kind: 'persist',
      part: 'hand-over',
      state: 'failed',
      detail: 'networkctl reload failed: Failed to connect to bus',
    });
    emit({ kind: 'phase', phase: 'reverting', message: 'persist-failed' });
    let frame = await frameAfter(ui);
    expect(frame).toMatch(
      /✗ persist failed +Let netplan take over the bridge\n +networkctl reload failed: Failed to connect to bus/,
    );

    const revert = revertOutcome(quietPlan(), 3, { reason: 'persist-failed', checks: [] });
    finish({
      journalPhase: 'confirmed',
      note: 'Writing the netplan config failed.',
      persistFailed: {
        part: 'hand-over',
        failure: 'networkctl reload failed: Failed to connect to bus',
        revert,
      },
    });
    frame = await frameAfter(ui);
    expect(frame).toContain('Reverted (writing the config failed): the host matches its pre-state.');
    expect(frame).not.toContain('finished');
    ui.stdin.write('q');
    await settle();
    expect(ui.exits[0]?.code).toBe(3);
  });
});
