/**
 * A guardian-driven revert under a test --root-dir: the renderer hold file apply wrote under
 * ROOT/run is removed by the guardian at the deadline, and nothing appears under the machine's
 * real /run. The guardian is the real one (dist/cli.js `guard`, started by the real launcher,
 * guardian-launch.ts, inside the lab host namespace); the hold step is the planner's own hold
 * file and commands (renderer-hold-files.ts) added to a static lab host's plan, because a host
 * needs a running networkd for the planner to add it (renderer-hold.test.ts does that). If the
 * launcher dropped --root-dir from the guardian's command line, the guardian would remove the
 * file from the machine's /run (where it is not) and leave ROOT's: this test fails then.
 * Needs root and `npm run build`.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import {
  NETWORKD_HOLD_PATH,
  networkdHoldFile,
  removeHoldFile,
  writeHoldFile,
} from '../../source/plan/steps/renderer-hold-files.js';
import type { Plan, Step } from '../../source/plan/types.js';
import { silentLog } from '../../source/system/debug-log.js';
import { RUNTIME_DIR, runtimePaths } from '../../source/txn/engine/runtime-state.js';
import { createArmGuardian } from '../../source/txn/guardian/guardian-launch.js';
import { comparable, REQUEST, withLabEngine } from './helpers/engine-lab.js';
import { DIST_CLI, killAlive, logTail, requireBuiltCli, waitForJournal } from './helpers/guardian-cli.js';
import { withLab } from './helpers/lab-state.js';

function withHold(plan: Plan): Plan {
  const file = networkdHoldFile(plan.nic, plan.bridge);
  const hold: Step = {
    id: 'renderer-hold',
    kind: 'renderer-hold',
    title: `Hold systemd-networkd off ${plan.nic} and ${plan.bridge} until confirmed`,
    detail: 'runtime only',
    disruptive: false,
    commands: [writeHoldFile(file)],
    inverse: [removeHoldFile(file)],
    expect: [{ kind: 'file-content', path: file.path, content: file.content }],
  };
  const [stage, ...rest] = plan.steps;
  return { ...plan, steps: [stage as Step, hold, ...rest] };
}

describe('the guardian reverts under --root-dir', () => {
  test('the hold under ROOT/run is removed at the deadline; the real /run is never touched', async () => {
    requireBuiltCli();
    const hostHoldExisted = existsSync(NETWORKD_HOLD_PATH);
    const scratch = mkdtempSync(join(tmpdir(), 'bm-rootdir-'));
    const guardianLog = join(scratch, 'guardian.log');
    const guardians = new Set<number>();
    try {
      await withLab({ host: { kind: 'static', addresses: ['198.51.100.240/24'] } }, async (lab) => {
        await withLabEngine(lab, {}, async (setup) => {
          const before = comparable(await lab.snapshot(lab.ns.host));
          const rootDir = setup.deps.env.rootDir;
          const holdUnderRoot = join(rootDir, NETWORKD_HOLD_PATH);
          const snapshot = await setup.probe();
          // Made in the lab host's namespace, where the guardian runs: one elsewhere is refused.
          const plan = withHold(setup.plan(snapshot, { ...REQUEST, netns: lab.ns.host }));
          const arm = createArmGuardian({
            runner: setup.deps.runner,
            files: setup.deps.files,
            journal: setup.journal,
            log: silentLog,
          });
          try {
            const outcome = await setup.engine.start({
              plan,
              preState: snapshot,
              timeoutSec: 60,
              beforeFirstChange: async () => {
                const info = await arm({
                  stateDir: setup.stateDir,
                  // The guardian runs in the lab host namespace, as `apply` there would start it.
                  selfArgv: ['ip', 'netns', 'exec', lab.ns.host, process.execPath, DIST_CLI],
                  logPath: guardianLog,
                  rootDir,
                });
                guardians.add(info.pid);
              },
            });
            expect(outcome.kind, logTail(guardianLog)).toBe('pending');
            expect(readFileSync(holdUnderRoot, 'utf8')).toContain('Unmanaged=yes');
            expect(existsSync(NETWORKD_HOLD_PATH)).toBe(hostHoldExisted);
            // A short deadline from now on: the guardian re-reads it every tick.
            await setup.journal.update(setup.stateDir, (draft) => {
              draft.deadline = Date.now() + 1_500;
            });

            const reverted = await waitForJournal(
              setup.stateDir,
              'the guardian to revert',
              { timeoutMs: 30_000 },
              (journal) => ['reverted', 'revert-incomplete'].includes(journal.phase),
            );
            expect(reverted.outcome, logTail(guardianLog)).toMatchObject({
              kind: 'reverted',
              reason: 'timeout',
              differences: [],
            });
            expect(readFileSync(guardianLog, 'utf8')).toContain(
              `removed ${NETWORKD_HOLD_PATH} under ${rootDir}`,
            );
            expect(existsSync(holdUnderRoot)).toBe(false);
            expect(existsSync(NETWORKD_HOLD_PATH)).toBe(hostHoldExisted);
            expect(comparable(await lab.snapshot(lab.ns.host))).toEqual(before);
          } finally {
            killAlive(guardians);
            // A guardian killed above could not clear its status in the machine's /run.
            const journal = await setup.journal.load(setup.stateDir).catch(() => null);
            if (journal)
              for (const path of runtimePaths(RUNTIME_DIR, journal.id)) rmSync(path, { force: true });
          }
        });
      });
    } finally {
      killAlive(guardians);
      rmSync(scratch, { recursive: true, force: true });
    }
  });
});
