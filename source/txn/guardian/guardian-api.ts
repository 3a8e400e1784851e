/**
 * How `apply` (CLI or TUI) arms the dead-man guardian before the first change, and how anyone
 * asks whether it is alive. Implemented in guardian-launch.ts (DESIGN.md "The guardian"); `apply` passes
 * `armGuardian` to the engine as StartOptions.beforeFirstChange.
 */

import type { OperatorCommands } from '../../plan/operator-commands.js';
import type { GuardianInfo } from '../journal/journal.js';

export interface ArmGuardianOptions {
  stateDir: string;
  /** How to start this same program again: [process.execPath, path of dist/cli.js]. */
  selfArgv: string[];
  /** Debug log the guardian appends to. */
  logPath: string | null;
  /** --root-dir of the apply, passed on to the guardian (where persisted config lives); default /. */
  rootDir?: string;
  /** The commands the journal's refusals name, as the CLI built them for this run. */
  commands?: OperatorCommands;
}

/**
 * Starts `bridge-migrate guard --state-dir DIR` outside the operator's session (systemd-run when
 * PID 1 is systemd, else a detached child in its own session ignoring SIGHUP), waits until it
 * has written its first heartbeat into the journal, and returns what the journal records.
 * Throws (and leaves nothing running) if it does not come up within a bounded time.
 */
export type ArmGuardian = (options: ArmGuardianOptions) => Promise<GuardianInfo>;

export interface GuardianStatus {
  info: GuardianInfo | null;
  alive: boolean;
  /** Milliseconds since the last heartbeat, by the host clock. */
  heartbeatAgeMs: number | null;
  /** What keeps the guardian from its work (a failing revert, an unwritable journal), as it wrote
   * it to /run; null or absent: nothing known. */
  blocker?: string | null;
}
