/**
 * globalSetup of the lab project: the lab and e2e tests must leave nothing on the machine. The
 * run gets its own temp directory (TMPDIR for the workers and all they start; helpers/hygiene.ts
 * says how that attributes leftovers to this run only). After the last file, anything of the run
 * still there — a lab namespace, /etc/netns/<prefix>-*, a mount under /tmp, a process or file of
 * the run — fails it, listed by name. Teardowns finish asynchronously (a killed child's
 * namespace goes when its last process does), so it waits a bounded while first.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { isClean, type RunScope, startRunScope } from './helpers/hygiene.js';

const SETTLE_MS = 10_000;
const POLL_MS = 250;

let scope: RunScope;
let previousTmpdir: string | undefined;

export function setup(): void {
  scope = startRunScope();
  previousTmpdir = process.env.TMPDIR;
  process.env.TMPDIR = scope.dir;
}

export async function teardown(): Promise<void> {
  if (previousTmpdir === undefined) delete process.env.TMPDIR;
  else process.env.TMPDIR = previousTmpdir;
  let left = scope.leftovers();
  for (let waited = 0; waited < SETTLE_MS && !isClean(left); waited += POLL_MS) {
    await sleep(POLL_MS);
    left = scope.leftovers();
  }
  scope.close();
  if (!isClean(left)) {
    // Vitest 4 prints an error thrown here ("error during close") but still exits 0: set the
    // exit code too, so CI fails.
    process.exitCode = 1;
    const named = Object.entries(left).filter(([, items]) => items.length > 0);
    throw new Error(
      `the lab tests left this on the machine (remove it, then find the teardown path that missed it): ${JSON.stringify(Object.fromEntries(named))}`,
    );
  }
}
