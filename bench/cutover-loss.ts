/**
 * The cutover's measure (DESIGN.md "Runtime cutover"): lost echo replies while the host is migrated and reverted, the tool against
 * the hand-written sequence, in the same lab and the same run. The tool is driven through the
 * operator's path — the built CLI in the host namespace, `apply --yes` then `rollback --yes` —
 * so its window includes everything the operator's command does (probe, baseline checks,
 * arming the guardian, the steps, the verification), not just the cutover batch.
 *
 * Every round starts from the same host: after each revert the host namespace must equal the
 * snapshot taken before the first round, or the round fails loudly.
 */
import type { NetnsSnapshot } from '../source/lab/index.js';
import { type BenchScene, BRIDGE, withBenchLab } from './lab-scene.js';
import { naiveApply, naiveRevert, naiveTarget } from './naive-cutover.js';
import { type LostReplies, lostRepliesDuring } from './ping-window.js';

export interface CutoverLossRound {
  toolApply: LostReplies;
  toolRevert: LostReplies;
  naiveApply: LostReplies;
  naiveRevert: LostReplies;
}

export async function measureCutoverLoss(
  rounds: number,
  progress: (line: string) => void,
): Promise<CutoverLossRound[]> {
  return withBenchLab(async (scene) => {
    const before = await scene.lab.snapshot(scene.lab.ns.host);
    const results: CutoverLossRound[] = [];
    for (let round = 1; round <= rounds; round++) {
      const measured = await oneRound(scene, before);
      progress(
        `  round ${round}/${rounds}: lost tool ${measured.toolApply.lost}+${measured.toolRevert.lost}, ` +
          `naive ${measured.naiveApply.lost}+${measured.naiveRevert.lost} (apply+revert)`,
      );
      results.push(measured);
    }
    return results;
  });
}

async function oneRound(scene: BenchScene, before: NetnsSnapshot): Promise<CutoverLossRound> {
  const { lab } = scene;
  const dirs = scene.freshDirs();
  const where = ['--state-dir', dirs.stateDir, '--root-dir', dirs.rootDir];

  const toolApply = await lostRepliesDuring(lab, async () => {
    const apply = await scene.cli([
      'apply',
      '--yes',
      '--nic',
      lab.uplink,
      '--bridge',
      BRIDGE,
      '--timeout',
      '60',
      '--persist',
      'none',
      ...where,
    ]);
    const guardian = /guardian armed: pid (\d+)/.exec(apply.stderr);
    if (guardian) scene.guardians.add(Number(guardian[1]));
    if (apply.code !== 0) throw new Error(`apply --yes exited ${apply.code}: ${apply.stderr.trim()}`);
  });
  const toolRevert = await lostRepliesDuring(lab, async () => {
    const rollback = await scene.cli(['rollback', '--yes', ...where]);
    // Exit 3 is "reverted": the documented success of a rollback.
    if (rollback.code !== 3)
      throw new Error(`rollback --yes exited ${rollback.code}: ${rollback.stderr.trim()}`);
  });
  await expectPreState(scene, before, 'the tool’s rollback');

  const target = naiveTarget(lab, BRIDGE);
  const naive = await lostRepliesDuring(lab, () => naiveApply(lab, target));
  const naiveBack = await lostRepliesDuring(lab, () => naiveRevert(lab, target));
  await expectPreState(scene, before, 'the naive revert');

  return {
    toolApply: toolApply.replies,
    toolRevert: toolRevert.replies,
    naiveApply: naive.replies,
    naiveRevert: naiveBack.replies,
  };
}

async function expectPreState(scene: BenchScene, before: NetnsSnapshot, after: string): Promise<void> {
  const differences = await scene.differencesFrom(before);
  if (differences.length > 0)
    throw new Error(`after ${after} the host differs from its pre-state in: ${differences.join(', ')}`);
}
