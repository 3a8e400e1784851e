/**
 * The deadline's measure (DESIGN.md "The guardian"): how long after the deadline the host is back to its pre-state when
 * nobody confirms. `apply --yes --timeout 15` (the shortest deadline the tool accepts) through
 * the CLI in the host namespace; the deadline as `status --json` reports it; then the host
 * namespace is snapshotted every 20 ms from just before the deadline until it equals the
 * snapshot taken before the apply. The guardian alone does the revert: the apply process has
 * exited by then and nothing else of the tool runs.
 */

import { sleep } from '../source/lab/wait.js';
import {
  type BenchScene,
  BRIDGE,
  pendingStatus,
  recordedOutcome,
  restoredAt,
  withBenchLab,
} from './lab-scene.js';

export const SHORTEST_TIMEOUT_SEC = 15;
export const POLL_MS = 20;
/** Polling starts this long before the deadline, so a revert that came early would show too. */
const LEAD_MS = 300;

export interface DeadlineRevert {
  /** Pre-state back, by snapshot, minus the deadline (late by at most one poll). */
  restoredAfterDeadlineMs: number;
  /** The guardian's recorded outcome time minus the deadline (it compares and probes first). */
  recordedAfterDeadlineMs: number;
  outcome: string;
}

export async function measureDeadlineRevert(
  rounds: number,
  progress: (line: string) => void,
): Promise<DeadlineRevert[]> {
  return withBenchLab(async (scene) => {
    const results: DeadlineRevert[] = [];
    for (let round = 1; round <= rounds; round++) {
      const measured = await oneRound(scene);
      progress(
        `  round ${round}/${rounds}: restored ${Math.round(measured.restoredAfterDeadlineMs)} ms after the deadline, ` +
          `outcome "${measured.outcome}" recorded at +${measured.recordedAfterDeadlineMs} ms`,
      );
      results.push(measured);
    }
    return results;
  });
}

async function oneRound(scene: BenchScene): Promise<DeadlineRevert> {
  const { lab } = scene;
  const before = await lab.snapshot(lab.ns.host);
  const dirs = scene.freshDirs();
  const where = ['--state-dir', dirs.stateDir, '--root-dir', dirs.rootDir];
  const apply = await scene.cli([
    'apply',
    '--yes',
    '--nic',
    lab.uplink,
    '--bridge',
    BRIDGE,
    '--timeout',
    String(SHORTEST_TIMEOUT_SEC),
    '--persist',
    'none',
    ...where,
  ]);
  if (apply.code !== 0) throw new Error(`apply --yes exited ${apply.code}: ${apply.stderr.trim()}`);
  const { deadline, phase } = await pendingStatus(scene, dirs);
  if (phase !== 'applied') throw new Error(`after apply the migration is "${phase}", not applied`);

  const wait = deadline - LEAD_MS - Date.now();
  if (wait > SHORTEST_TIMEOUT_SEC * 1000)
    throw new Error(`the deadline is ${wait} ms away, more than the ${SHORTEST_TIMEOUT_SEC} s asked for`);
  await sleep(Math.max(0, wait));
  const restored = await restoredAt(scene, before, { intervalMs: POLL_MS, untilMs: deadline + 20_000 });

  const outcome = await recordedOutcome(dirs.stateDir);
  return {
    restoredAfterDeadlineMs: restored - deadline,
    recordedAfterDeadlineMs: outcome.at - deadline,
    outcome: outcome.label,
  };
}
