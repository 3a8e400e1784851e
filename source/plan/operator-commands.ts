/**
 * The commands an operator runs from another session (confirm, roll back, status), as the plan
 * and its verdicts name them. The CLI builds them for where it runs (state and root directories,
 * the lab's `ip netns exec`; source/cli/command-deps.ts) and passes them in the request; a plan
 * built without them names the bare commands of a host's default state directory.
 */
import type { PlanCommands, PlanRequest } from './types.js';

export const CONFIRM_COMMAND = 'bridge-migrate confirm';
export const ROLLBACK_COMMAND = 'bridge-migrate rollback';
export const STATUS_COMMAND = 'bridge-migrate status';

export function planCommands(request: PlanRequest): PlanCommands {
  return request.commands ?? { confirm: CONFIRM_COMMAND, rollback: ROLLBACK_COMMAND, status: STATUS_COMMAND };
}
