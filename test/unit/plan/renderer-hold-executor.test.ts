/**
 * The executor's side of the renderer hold, on real files in a scratch root (never the machine's
 * /run): write-file and remove-file under ROOT/run only, the step's file-content check, and the
 * revert path that removes the file (also when it is already gone).
 */
import { lstatSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { buildPlan } from '../../../source/plan/build.js';
import { NETWORKD_HOLD_PATH } from '../../../source/plan/steps/renderer-hold-files.js';
import type { Step } from '../../../source/plan/types.js';
import { UnsafePath } from '../../../source/system/atomic-file.js';
import { silentLog } from '../../../source/system/debug-log.js';
import { runtimeFiles, runtimePathProblem } from '../../../source/system/runtime-files.js';
import type { EngineDeps } from '../../../source/txn/engine/engine-api.js';
import { engineContext } from '../../../source/txn/engine/engine-context.js';
import { revertProgram } from '../../../source/txn/engine/revert.js';
import { runFileCommand, runStepCommands } from '../../../source/txn/engine/step-runner.js';
import { unmetExpectations } from '../../../source/txn/engine/verify.js';
import { NETWORKD_HAND_BACK, request, variant } from './fixtures.js';

let root: string;
beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'bm-hold-'));
});
afterEach(() => rmSync(root, { recursive: true, force: true }));

const mode = (path: string) => statSync(path).mode & 0o7777;

describe('runtime files', () => {
  it('writes under ROOT/run with the given mode, creating directories 0755, and removes once', async () => {
    await runtimeFiles.write(root, '/run/systemd/network/00-x.network', 'a\n', 0o644);
    const file = join(root, 'run/systemd/network/00-x.network');
    expect(readFileSync(file, 'utf8')).toBe('a\n');
    expect(mode(file)).toBe(0o644);
    expect(mode(join(root, 'run/systemd'))).toBe(0o755);
    expect(await runtimeFiles.read(root, '/run/systemd/network/00-x.network')).toBe('a\n');
    expect(await runtimeFiles.remove(root, '/run/systemd/network/00-x.network')).toBe(true);
    expect(await runtimeFiles.remove(root, '/run/systemd/network/00-x.network')).toBe(false);
    expect(await runtimeFiles.read(root, '/run/systemd/network/00-x.network')).toBeNull();
  });

  it('refuses any path that is not a file under /run, writing nothing', async () => {
    for (const path of [
      '/etc/systemd/network/x',
      '/run/../etc/x',
      'run/x',
      '/run',
      '/run/',
      '/run//x',
      '/run/./x',
    ]) {
      expect(runtimePathProblem(path), path).not.toBeNull();
      await expect(runtimeFiles.write(root, path, 'x', 0o644), path).rejects.toBeInstanceOf(UnsafePath);
      await expect(runtimeFiles.remove(root, path), path).rejects.toBeInstanceOf(UnsafePath);
    }
    expect(() => lstatSync(join(root, 'etc'))).toThrow();
    expect(() => lstatSync(join(root, 'x'))).toThrow();
  });

  it('refuses a directory that a symbolic link leads out of ROOT/run', async () => {
    mkdirSync(join(root, 'run'), { recursive: true });
    mkdirSync(join(root, 'etc'), { recursive: true });
    symlinkSync(join(root, 'etc'), join(root, 'run/systemd'));
    await expect(runtimeFiles.write(root, '/run/systemd/x.network', 'x', 0o644)).rejects.toThrow(
      /outside .*\/run/,
    );
    expect(() => lstatSync(join(root, 'etc/x.network'))).toThrow();
  });
});

describe('the hold step in the engine', () => {
  const step = buildPlan(
    variant(() => {}),
    request(),
  ).steps.find((candidate) => candidate.kind === 'renderer-hold') as Step;
  const notes: string[] = [];
  const context = () =>
    engineContext({
      env: { uid: 0, sshConnection: null, rootDir: root },
      log: { ...silentLog, note: (message: string) => notes.push(message) },
    } as unknown as EngineDeps);

  it('writes the file under --root-dir, meets its expectation, and the revert removes it', async () => {
    const engine = context();
    expect(await runStepCommands(engine, step, { dhcpClients: [] })).toEqual({ ok: true });
    expect(readFileSync(join(root, NETWORKD_HOLD_PATH), 'utf8')).toContain('Unmanaged=yes');
    expect(await unmetExpectations(engine, step.expect, { dhcpClients: [] })).toEqual([]);

    // The revert runs it outside the ip batch, in order with the other non-ip inverses.
    const program = revertProgram([step]);
    expect(program.batch).toEqual([]);
    expect(program.others).toEqual([
      { stepId: 'renderer-hold', command: { kind: 'remove-file', path: NETWORKD_HOLD_PATH } },
      ...NETWORKD_HAND_BACK.map((command) => ({ stepId: 'renderer-hold', command })),
    ]);
    const [undo] = program.others;
    if (undo?.command.kind !== 'remove-file') throw new Error('no remove-file inverse');
    expect(await runFileCommand(engine, undo.command)).toBeNull();
    expect(() => lstatSync(join(root, NETWORKD_HOLD_PATH))).toThrow();
    expect(await unmetExpectations(engine, step.expect, { dhcpClients: [] })).toEqual([
      `${NETWORKD_HOLD_PATH} does not exist`,
    ]);
    // A second revert (after a crash mid-revert) finds it gone, which is fine.
    expect(await runFileCommand(engine, undo.command)).toBeNull();
    expect(notes.at(-1)).toBe(`engine: already gone: ${NETWORKD_HOLD_PATH} under ${root}`);
  });

  it('reports a file whose content changed since it was written', async () => {
    const engine = context();
    await runStepCommands(engine, step, { dhcpClients: [] });
    await runtimeFiles.write(root, NETWORKD_HOLD_PATH, 'something else\n', 0o644);
    expect(await unmetExpectations(engine, step.expect, { dhcpClients: [] })).toEqual([
      `${NETWORKD_HOLD_PATH} does not hold what was written`,
    ]);
  });

  it('fails the step, naming the path, when the command would write outside /run', async () => {
    const bad: Step = {
      ...step,
      commands: [
        { kind: 'write-file', path: '/etc/systemd/network/00-x.network', content: 'x', mode: 0o644 },
      ],
    };
    const run = await runStepCommands(context(), bad, { dhcpClients: [] });
    expect(run.ok).toBe(false);
    expect(!run.ok && run.error).toMatch(/^\/etc\/systemd\/network\/00-x\.network is not a file under \/run/);
    expect(() => lstatSync(join(root, 'etc'))).toThrow();
  });
});
