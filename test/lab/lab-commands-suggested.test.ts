/**
 * `bridge-migrate lab </dev/null`: without a terminal the lab's TUI prints the plan and refuses
 * the interactive apply. Every command it suggests — confirm, roll back, status, apply — must act
 * on the lab: `ip netns exec <the lab's host namespace>` and the lab's --state-dir and
 * --root-dir. The bare `bridge-migrate rollback --yes` would act on this machine's real uplink.
 * Runs the BUILT tool as root (`npm run build`); the lab removes itself when the command ends.
 */
import { spawn } from 'node:child_process';
import { expect, test } from 'vitest';
import { DIST_CLI, requireBuiltCli } from './helpers/guardian-cli.js';
import { listNamespaces } from './helpers/lab-state.js';

function runLab(): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawn(process.execPath, [DIST_CLI, 'lab', '--timeout', '60'], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk) => {
    stdout += chunk;
  });
  child.stderr.on('data', (chunk) => {
    stderr += chunk;
  });
  const timer = setTimeout(() => child.kill('SIGTERM'), 90_000);
  return new Promise((done, fail) => {
    child.once('error', fail);
    child.once('close', (code) => {
      clearTimeout(timer);
      done({ code, stdout, stderr });
    });
  });
}

test('the lab without a terminal suggests only commands that act on the lab', {
  timeout: 120_000,
}, async () => {
  requireBuiltCli();
  const { code, stdout, stderr } = await runLab();
  expect(code, stderr).toBe(1);
  const hostNs = /\(namespace (\S+)\) — the TUI runs here/.exec(stderr)?.[1];
  expect(hostNs, stderr).toBeDefined();
  // The tool as this run was started (a checkout: `node /abs/dist/cli.js`), since a bare
  // `bridge-migrate` is not on PATH there (command-deps.ts selfCommand).
  const found = new RegExp(
    `ip netns exec ${hostNs} (node \\S+/dist/cli\\.js) confirm --state-dir (\\S+)/state --root-dir \\2/root`,
  ).exec(stdout);
  expect(found, stdout).not.toBeNull();
  const [, program, dir] = found as RegExpExecArray;
  const inLab = `ip netns exec ${hostNs} ${program}`;
  const where = `--state-dir ${dir}/state --root-dir ${dir}/root`;
  expect(stdout).toContain(`Confirm (best from a new SSH session): ${inLab} confirm ${where}`);
  expect(stdout).toContain(`Roll back now:                         ${inLab} rollback --yes ${where}`);
  expect(stderr).toContain(
    `run \`${inLab} apply --yes --nic ens18 --timeout 60 ${where}\` to apply without prompts`,
  );
  // Not one suggestion of the bare tool (the only other mention is the lab itself, to rerun it).
  const bare = `${stdout}\n${stderr}`.match(
    /(?<!exec \S+ (node \S+|))(bridge-migrate|cli\.js) (confirm|rollback|status|apply)\b/g,
  );
  expect(bare).toBeNull();
  expect(stderr).toContain(`the commands above name the lab's namespace ${hostNs}, which is gone now`);
  expect(listNamespaces()).not.toContain(hostNs);
});
