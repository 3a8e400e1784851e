/**
 * Confirming, the same from the `confirm` command and from the TUI's `c`: the engine marks the
 * journal confirmed (the guardian stays, waiting for the persist), then persists
 * (txn/persist/persist.ts): confirmed → persisting → persisted, each part reported to the
 * engine's listener. What the operator is told depends on where that ended:
 * - persisted with files written: finished, the config is on disk (with its backups);
 * - persisted with nothing to write (--persist none, no file to change): runtime only; finished
 *   only when no DHCP lease will lapse (a keep-lease step renews it), never otherwise;
 * - unsupported (no writer for that renderer in this version): stays `confirmed`, nothing written;
 * - failed: the files were restored and the change reverted ('persist-failed'); the caller shows
 *   the revert.
 */

import type { HostSnapshot } from '../host/snapshot.js';
import { commandLine, type OperatorCommands } from '../plan/operator-commands.js';
import type { Plan } from '../plan/types.js';
import type { ConfirmOutcome } from '../store/app-state.js';
import type { Engine } from '../txn/engine/engine-api.js';
import type { TouchedFile } from '../txn/journal/journal.js';
import { persistRendererFor } from '../txn/persist/persist-renderers.js';

export { nothingToPersist } from '../txn/persist/persist.js';

export async function confirmAndSettle(
  engine: Engine,
  plan: Plan,
  preState: Pick<HostSnapshot, 'addresses'>,
  commands: Pick<OperatorCommands, 'rollback'>,
): Promise<ConfirmOutcome> {
  await engine.confirm();
  const persisted = await engine.persist();
  switch (persisted.kind) {
    case 'persisted':
      return {
        ...confirmedOutcome(
          plan,
          'persisted',
          commands,
          writtenTexts(persisted.files),
          leaseLapses(plan, preState),
        ),
        written: persisted.files.map((file) => file.path),
      };
    case 'unsupported':
      return confirmedOutcome(plan, 'confirmed', commands);
    case 'failed':
      return {
        journalPhase: 'confirmed',
        note: `Writing the ${plan.persistWith} config failed (${persisted.part}): ${persisted.failure}. The files were restored and the change reverted.`,
        persistFailed: persisted,
      };
    default: {
      const unreachable: never = persisted;
      return unreachable;
    }
  }
}

/** "path (backup B)" or "path (new)", as the confirmed note lists the files written. */
export function writtenTexts(files: readonly TouchedFile[]): string[] {
  return files.map((file) =>
    file.backup ? `${file.path} (backup ${file.backup.backup})` : `${file.path} (new)`,
  );
}

/**
 * A DHCP address moved to the bridge that nobody renews: it ends with its lease. A plan keeps it
 * with a keep-lease step (a client on the bridge); written config hands it to the renderer.
 */
export function leaseLapses(plan: Plan, preState: Pick<HostSnapshot, 'addresses'>): boolean {
  const dynamic = preState.addresses.some(
    (address) => address.ifname === plan.nic && address.family === 4 && address.dynamic,
  );
  return dynamic && !plan.steps.some((step) => step.kind === 'keep-lease');
}

/**
 * What a confirmed change means now, by the phase its journal reached: the one note for a confirm
 * in this session and for one the TUI sees another session make (tui-migration.ts). `written` are
 * the config files the persist wrote (with their backups).
 */
export function confirmedOutcome(
  plan: Plan,
  journalPhase: 'persisted' | 'confirmed',
  commands: Pick<OperatorCommands, 'rollback'>,
  written: string[] = [],
  lapses = false,
): ConfirmOutcome {
  if (journalPhase === 'persisted') {
    if (written.length > 0)
      return {
        journalPhase,
        note: `The migration is finished; its config was written: ${written.join(', ')}.`,
      };
    return {
      journalPhase,
      note: lapses
        ? `Nothing is written to disk for this plan, so the change lives at runtime only: a reboot brings back the old network. Nothing renews ${plan.bridge}'s DHCP lease, so its address ends with the lease; \`${commandLine(commands.rollback)}\` undoes the change.`
        : 'Nothing is written to disk for this plan, so the change lives at runtime only: a reboot brings back the old network. The migration is finished.',
    };
  }
  const files = plan.config.map((file) => file.path).join(', ');
  if (persistRendererFor(plan.persistWith)) {
    // Seen from another session while (or just before) that session's confirm writes the config.
    return {
      journalPhase,
      note: `Confirmed; its ${plan.persistWith} config (${files}) is being written under the guardian, which restores the files and reverts if that fails. \`${commandLine(commands.rollback)}\` undoes the change.`,
    };
  }
  return {
    journalPhase,
    note: `This version cannot write the ${plan.persistWith} config yet (${files}), so nothing was written: the change lives at runtime only and a reboot brings back the old network. The journal stays "confirmed" with the config still to persist; \`${commandLine(commands.rollback)}\` undoes the change.`,
  };
}
