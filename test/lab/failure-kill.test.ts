/**
 * `kill -9` of the applying process between steps: a new engine, in another process, must revert
 * from the journal alone. The applying process is the BUILT engine (dist/, `npm run build`) run by
 * node inside the host namespace itself: no wrapper there, so its DHCP guard compares with its real
 * /proc/self/ns/net, and its DHCP client stop is the real thing. It pauses after the step the test
 * names (its afterStep hook), and the test kills it by pid once the journal shows that step finished.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, test } from 'vitest';
import { waitFor } from '../../source/lab/wait.js';
import { createJournalStore } from '../../source/txn/journal/journal.js';
import { comparable, stopRestartedClients, withLabEngine } from './helpers/engine-lab.js';
import { isAlive, withLab } from './helpers/lab-state.js';

const dist = resolve(dirname(fileURLToPath(import.meta.url)), '../../dist');

const CHILD = `// The applying process for failure-kill.test.ts: the built engine, run inside the host namespace.
const [dist, stateDir, rootDir, sshConnection, pauseAfter] = process.argv.slice(2);
const load = (path) => import(dist + '/source/' + path);
const { createEngine } = await load('txn/engine/engine.js');
const { createJournalStore } = await load('txn/journal/journal.js');
const { probeHost } = await load('host/probe.js');
const { buildPlan } = await load('plan/build.js');
const { createExecRunner } = await load('system/exec-runner.js');
const { createHostFiles } = await load('system/host-files.js');
const { silentLog } = await load('system/debug-log.js');
const runner = createExecRunner(silentLog);
const files = createHostFiles();
const env = { uid: 0, sshConnection, rootDir };
const snapshot = await probeHost({ runner, files, env });
const plan = buildPlan(snapshot, { nic: 'ens18', bridge: 'fcbr0', timeoutSec: 120, persist: 'none' });
// Bounded: if nobody kills it, it carries on after 30 s.
const pause = async (stepId) => {
  console.log('finished ' + stepId);
  if (stepId === pauseAfter) await new Promise((done) => setTimeout(done, 30_000));
};
const engine = createEngine({
  runner, files, env, stateDir, log: silentLog, clock: { now: Date.now },
  journal: createJournalStore({ purpose: 'apply (child)' }),
  afterStep: pause,
});
console.log('steps ' + plan.steps.map((step) => step.id).join(','));
console.log(JSON.stringify(await engine.start({ plan, preState: snapshot, timeoutSec: 120 })));
`;

function startApplying(
  ns: string,
  script: string,
  args: string[],
): { child: ChildProcess; output: () => string } {
  let output = '';
  const child = spawn('ip', ['netns', 'exec', ns, process.execPath, script, dist, ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout?.on('data', (chunk) => {
    output += chunk;
  });
  child.stderr?.on('data', (chunk) => {
    output += chunk;
  });
  return { child, output: () => output };
}

describe('kill -9 of the applying process', () => {
  test.each([
    { after: 'stage-bridge', index: 0 },
    { after: 'cutover', index: 3 },
  ])(
    'killed after $after: rollback from a new process restores the pre-state from the journal',
    async ({ after, index }) => {
      if (!existsSync(join(dist, 'source/txn/engine/engine.js')))
        throw new Error(`${dist} has no built engine: run \`npm run build\``);
      const scratch = mkdtempSync(join(tmpdir(), 'bm-kill-'));
      const script = join(scratch, 'apply-child.mjs');
      writeFileSync(script, CHILD);
      let applying: ReturnType<typeof startApplying> | null = null;
      try {
        await withLab({ host: { kind: 'dhcp', keepClient: true, leaseLifetimes: true } }, async (lab) => {
          try {
            await withLabEngine(lab, {}, async (setup) => {
              const session = await lab.openTcpSession();
              const before = await lab.snapshot(lab.ns.host);
              const sshConnection = `${lab.peerAddress} 40022 ${lab.hostAddress} 22`;
              applying = startApplying(lab.ns.host, script, [
                setup.stateDir,
                join(scratch, 'root'),
                sshConnection,
                after,
              ]);
              const { child, output } = applying;
              const journal = createJournalStore({ purpose: 'test watching' });
              await waitFor(
                `the journal to show ${after} finished`,
                { attempts: 300, intervalMs: 50, timeoutMs: 20_000 },
                async (problem) => {
                  if (child.exitCode !== null)
                    throw new Error(`the applying process ended early: ${output()}`);
                  const seen = await journal.load(setup.stateDir).catch(() => null);
                  const step = seen?.applied[index];
                  return step?.stepId === after && step.finishedAt !== null ? true : problem(output());
                },
              );
              expect(output()).toContain('steps stage-bridge,stop-dhcp,keep-lease,cutover');
              const exited = new Promise((done) => child.once('exit', done));
              process.kill(child.pid as number, 'SIGKILL');
              await exited;

              const orphan = await journal.load(setup.stateDir);
              expect(orphan?.phase).toBe('applying');
              expect(orphan?.applied.map((step) => step.stepId)).toEqual(
                ['stage-bridge', 'stop-dhcp', 'keep-lease', 'cutover'].slice(0, index + 1),
              );
              if (after === 'cutover') expect(lab.dhcpClient?.hasExited()).toBe(true);

              const leaseRecord = join(lab.dir, `${lab.ns.host}.ens18.lease`);
              const recordBefore = statSync(leaseRecord).mtimeMs;
              const revert = await setup.another().revert('recovery');
              expect(revert).toMatchObject({
                kind: 'reverted',
                reason: 'recovery',
                differences: [],
                manualCommands: [],
              });
              expect(revert.steps.map((step) => step.stepId)).toEqual(
                ['cutover', 'keep-lease', 'stop-dhcp', 'stage-bridge'].slice(3 - index),
              );
              if (after === 'cutover') {
                // The client the child stopped was restarted; let it re-apply its lease before comparing.
                await waitFor(
                  'the restarted udhcpc to bind',
                  { attempts: 100, intervalMs: 100, timeoutMs: 10_000 },
                  () => (statSync(leaseRecord).mtimeMs > recordBefore ? true : undefined),
                );
              }
              expect(comparable(await lab.snapshot(lab.ns.host))).toEqual(comparable(before));
              expect(await session.echo()).toEqual({ ok: true, detail: 'ok' });
              expect((await journal.load(setup.stateDir))?.outcome).toMatchObject({
                kind: 'reverted',
                reason: 'recovery',
              });
            });
          } finally {
            await stopRestartedClients(lab);
          }
        });
      } finally {
        const pid = (applying as ReturnType<typeof startApplying> | null)?.child.pid;
        if (pid !== undefined && isAlive(pid)) process.kill(pid, 'SIGKILL');
        rmSync(scratch, { recursive: true, force: true });
      }
    },
  );
});
