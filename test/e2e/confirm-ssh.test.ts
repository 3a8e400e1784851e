/**
 * DESIGN.md flow step 5, confirming over SSH for real: the TUI runs on the host inside the operator's `ssh -tt`
 * session from the peer. Confirming — by the key in that session, or with `bridge-migrate
 * confirm` from a second, new ssh login — keeps the change past its deadline and ends the
 * guardian. Needs root, tmux, openssh-server/client and `npm run build`.
 */
import { expect, test } from 'vitest';
import { waitFor } from '../../source/lab/wait.js';
import { isAlive } from '../lab/helpers/lab-state.js';
import {
  changeOutlives,
  driveToPending,
  guardiansInHost,
  noGuardianLeft,
  SCREEN_MS,
  seeCountdown,
  withOperator,
} from './helpers/operator.js';

const TIMEOUT_SEC = 20;

function guardianEnds(pid: number): Promise<true> {
  return waitFor('the guardian to exit', { attempts: 150, intervalMs: 100, timeoutMs: 15_000 }, (problem) =>
    isAlive(pid) ? problem(`pid ${pid} still alive`) : true,
  );
}

test('confirming by key in the same ssh session keeps the change past the deadline and ends the guardian', async () => {
  await withOperator(async (scene) => {
    const { lab } = scene;
    const pane = await scene.openTui(TIMEOUT_SEC);
    await driveToPending(pane);
    const pending = await scene.journal();
    const guardian = pending.guardian?.pid;
    if (!guardian) throw new Error('the journal names no guardian');
    expect(await guardiansInHost(lab)).toEqual([guardian]);
    await seeCountdown(pane, guardian);

    await pane.sendKeys('c');
    const screen = await pane.waitForText(/Confirmed: ens18 (->|→) fcbr0 is kept\./, SCREEN_MS);
    expect(screen).not.toMatch(/Reverted/);
    // --persist none has nothing to write: confirming finishes the migration.
    expect((await scene.journal()).phase).toBe('persisted');

    await guardianEnds(guardian);
    await noGuardianLeft(lab);
    await changeOutlives(scene, pending.deadline);
    expect(await scene.journal()).toMatchObject({ phase: 'persisted', outcome: null });
    // The session that confirmed is still the operator's: its screen never turned into a revert.
    expect(await pane.format('#{pane_dead}')).toBe('0');
    expect(await pane.capture()).not.toMatch(/Reverted/);
  });
});

test('`bridge-migrate confirm` from a second, new ssh session keeps the change while the first TUI waits', async () => {
  await withOperator(async (scene) => {
    const { lab } = scene;
    const pane = await scene.openTui(TIMEOUT_SEC);
    await driveToPending(pane);
    const pending = await scene.journal();
    const guardian = pending.guardian?.pid;
    if (!guardian) throw new Error('the journal names no guardian');
    await seeCountdown(pane, guardian);

    // A new login over the new path (the bridge now carries the host's address): the stronger proof.
    const confirm = await scene.cliOverSsh(['confirm']);
    expect(confirm.exitCode, `${confirm.stdout}\n${confirm.stderr}`).toBe(0);
    expect(confirm.stdout).toMatch(/Confirmed: ens18 (->|→) fcbr0 is kept\./);
    expect((await scene.journal()).phase).toBe('persisted');
    // The first session learns it from the journal.
    await pane.waitForText(/Confirmed from another session: ens18 (->|→) fcbr0 is kept\./, SCREEN_MS);

    await guardianEnds(guardian);
    await noGuardianLeft(lab);
    await changeOutlives(scene, pending.deadline);
    expect(await scene.journal()).toMatchObject({ phase: 'persisted', outcome: null });
    // The first session is still up and never showed a revert.
    expect(await pane.format('#{pane_dead}')).toBe('0');
    expect(await pane.capture()).not.toMatch(/Reverted/);
  });
});
