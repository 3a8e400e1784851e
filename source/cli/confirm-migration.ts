/**
 * Confirming, the same from the `confirm` command and from the TUI's `c`: the engine marks the
 * journal confirmed (which stops the guardian), and then whatever can honestly be recorded about
 * persisting is recorded. Writing the renderer's config is the persist step, which this version
 * does not have yet, so:
 * - a plan with nothing to write (--persist none, or no config file to change) is finished: the
 *   journal moves confirmed → persisted, the edge the journal keeps for "nothing to write";
 * - a plan with config to write stays `confirmed` (persist pending): moving it to `persisted`
 *   would claim files were written that were not.
 * Either way the change lives at runtime only, and a reboot brings back the old network.
 */

import { commandLine, type OperatorCommands } from '../plan/operator-commands.js';
import type { Plan } from '../plan/types.js';
import type { ConfirmOutcome } from '../store/app-state.js';
import type { Engine } from '../txn/engine/engine-api.js';
import type { JournalStore } from '../txn/journal/journal.js';

export function nothingToPersist(plan: Plan): boolean {
  return plan.persistWith === 'none' || plan.config.length === 0;
}

export async function confirmAndSettle(
  engine: Engine,
  journal: JournalStore,
  stateDir: string,
  plan: Plan,
  commands: Pick<OperatorCommands, 'rollback'>,
): Promise<ConfirmOutcome> {
  await engine.confirm();
  if (nothingToPersist(plan)) {
    await journal.setPhase(stateDir, 'persisted', 'nothing to write to disk');
    return confirmedOutcome(plan, 'persisted', commands);
  }
  return confirmedOutcome(plan, 'confirmed', commands);
}

/**
 * What a confirmed change means now, by the phase its journal reached: the one note for a confirm
 * in this session and for one the TUI sees another session make (tui-migration.ts). `written` are
 * the config files a persist wrote (with their backups), none in this version.
 */
export function confirmedOutcome(
  plan: Plan,
  journalPhase: 'persisted' | 'confirmed',
  commands: Pick<OperatorCommands, 'rollback'>,
  written: string[] = [],
): ConfirmOutcome {
  if (journalPhase === 'persisted') {
    return {
      journalPhase,
      note:
        written.length === 0
          ? 'Nothing is written to disk for this plan, so the change lives at runtime only: a reboot brings back the old network. The migration is finished.'
          : `The migration is finished; its config was written: ${written.join(', ')}.`,
    };
  }
  const files = plan.config.map((file) => file.path).join(', ');
  return {
    journalPhase,
    note: `This version cannot write the ${plan.persistWith} config yet (${files}), so nothing was written: the change lives at runtime only and a reboot brings back the old network. The journal stays "confirmed" with the config still to persist; \`${commandLine(commands.rollback)}\` undoes the change.`,
  };
}
