/**
 * globalSetup of the lab project: the lab and e2e tests must leave nothing on the machine. Before
 * the first file it records the lab-looking state (helpers/hygiene.ts); after the last, anything
 * new that is still there — a lab namespace, /etc/netns/<prefix>-*, a mount under /tmp, a lab
 * process or temp dir — fails the run, listed by name. Teardowns run asynchronously (a killed
 * child's namespace goes when its last process does), so it waits a bounded while first.
 *
 * Another test run on the same machine at the same time shows up here too: run the lab project
 * alone (scripts/test-all.sh does, as CI does).
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { leftBehind, type MachineState, machineState } from './helpers/hygiene.js';

const SETTLE_MS = 10_000;
const POLL_MS = 250;

let before: MachineState;

export function setup(): void {
  before = machineState();
}

export async function teardown(): Promise<void> {
  let left = leftBehind(before, machineState());
  for (let waited = 0; waited < SETTLE_MS && Object.keys(left).length > 0; waited += POLL_MS) {
    await sleep(POLL_MS);
    left = leftBehind(before, machineState());
  }
  if (Object.keys(left).length > 0) {
    // Vitest 4 prints an error thrown here ("error during close") but still exits 0: set the
    // exit code too, so CI fails.
    process.exitCode = 1;
    throw new Error(
      `the lab tests left this on the machine (remove it, then find the teardown path that missed it): ${JSON.stringify(left)}`,
    );
  }
}
