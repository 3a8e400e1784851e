/**
 * `bridge-migrate rollback` on a terminal, without --yes: the guided rollback screen. It shows the
 * pending migration as the recovery screen does (what, how far, deadline, guardian), asks y/N,
 * and on yes reverts through the same engine call as `rollback --yes`, then shows each step
 * undone, the comparison with the pre-state, the checks and any commands left to run by hand.
 * Exit 3 reverted, 4 incomplete, 1 answered no (nothing changed).
 */
import { createAppStore } from '../store/app-store.js';
import { createHostFiles } from '../system/host-files.js';
import { renderApp } from '../ui/app.js';
import type { CommandDeps } from './command-deps.js';
import { EXIT } from './errors.js';
import type { CommonOptions } from './options.js';
import { installShutdown } from './shutdown.js';
import { tuiMigration } from './tui-migration.js';

export async function openGuidedRollback(deps: CommandDeps, common: CommonOptions): Promise<number> {
  // Only what the screen uses: nothing is probed or planned here, the journal holds the plan.
  const store = createAppStore({
    clock: deps.clock,
    commands: deps.commands,
    // The timeout is for a new apply, which this screen never starts.
    migration: tuiMigration(deps, common, 0, createHostFiles()),
  });
  // Before the first frame: the screen opens on the question, not on an empty probe list.
  const opened = store.getState().actions.openRollback();
  const app = renderApp(store);
  const stop = installShutdown({
    signals: process,
    stdin: process.stdin,
    stdout: process.stdout,
    unmount: () => app.unmount(),
    exit: (code) => process.exit(code),
  });
  try {
    await opened;
    const exit = await app.waitUntilExit();
    // The screen is gone; a refusal or a "no" still gets its one line, as the line prompt gave.
    if (exit && exit.code !== EXIT.reverted && exit.code !== EXIT.revertIncomplete) {
      deps.out.stderr(`bridge-migrate: ${exit.reason}\n`);
    }
    return exit?.code ?? EXIT.refused;
  } finally {
    stop.dispose();
  }
}
