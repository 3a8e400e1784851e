/**
 * A plan whose undo the revert would refuse must never be applied: the guardian and `rollback` run
 * only the command shapes of revert-allowlist.ts, so a step whose inverse falls outside them (a
 * bridge named `exec` or `netns`, which ip reads as a keyword there) could be applied but never
 * undone, leaving the host changed with no one able to put it back.
 */
import { revertCommandProblem } from '../revert-allowlist.js';
import type { Step, Verdict } from '../types.js';
import { blocker } from './verdict.js';

export function unrevertableSteps(steps: readonly Step[]): Verdict[] {
  for (const step of steps) {
    for (const command of step.inverse) {
      const problem = revertCommandProblem(command);
      if (problem) {
        return [
          blocker(
            'undo-would-be-refused',
            `The undo of step "${step.title}" would be refused by the revert: ${problem}.`,
            'Choose another bridge name with --bridge (or rename the uplink), then plan again.',
          ),
        ];
      }
    }
  }
  return [];
}
