/**
 * The commands an operator runs from another session (confirm, roll back, status), as the plan
 * and its verdicts name them. The CLI builds them for where it runs (state and root directories,
 * the lab's `ip netns exec`; source/cli/command-deps.ts) and passes them in the request; a plan
 * built without them names the bare commands of a host's default state directory.
 */
import { shellQuote } from './command-text.js';
import type { PlanCommands, PlanRequest } from './types.js';

export const CONFIRM_COMMAND = 'bridge-migrate confirm';
export const ROLLBACK_COMMAND = 'bridge-migrate rollback';
export const STATUS_COMMAND = 'bridge-migrate status';

export function planCommands(request: PlanRequest): PlanCommands {
  return request.commands ?? { confirm: CONFIRM_COMMAND, rollback: ROLLBACK_COMMAND, status: STATUS_COMMAND };
}

/**
 * A command the operator is told to run by hand as root (an inverse, a revert's leftover), made to
 * act where the plan was made: `ip netns exec NS COMMAND` inside the lab's namespace. A command of
 * several lines (a here-document) is prefixed on its first line, where the shell reads it.
 */
export function hereCommand(request: Pick<PlanRequest, 'netns'> | undefined, text: string): string {
  return request?.netns ? `ip netns exec ${shellQuote(request.netns)} ${text}` : text;
}
