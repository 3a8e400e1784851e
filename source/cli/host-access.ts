/**
 * Builds what the probe reads through: the real machine (exec runner + host files), or a capture
 * document when --replay is given (then nothing can change: the replay runner answers only what
 * the recording holds and refuses everything else).
 */
import { closeSync } from 'node:fs';
import { join } from 'node:path';
import type { ProbeDeps } from '../host/probe-api.js';
import { type CaptureDocument, createReplay, loadCaptureDocument } from '../system/capture.js';
import { createFileLog, type DebugLog, openLogFile } from '../system/debug-log.js';
import { createExecRunner } from '../system/exec-runner.js';
import { createHostFiles } from '../system/host-files.js';
import { checkPrivateDir } from '../system/trusted-path.js';
import type { CommonOptions } from './options.js';

export interface HostAccess extends ProbeDeps {
  log: DebugLog;
  /** Where the debug log goes (null: nowhere); the guardian appends to the same file. */
  logPath: string | null;
  /** The capture being replayed, when --replay was given. */
  replay: CaptureDocument | null;
}

/**
 * The debug log: --log when given (refused here, exit 1, when it is a symlink or not a regular
 * file), else debug.log in the state directory once that exists and is root's alone; the tool
 * creates no log anywhere else. An untrusted state directory gets no log: the refusal itself
 * comes from the journal's checks (system/trusted-path.ts).
 */
export async function debugLogPath(common: CommonOptions): Promise<string | null> {
  if (common.log) {
    closeSync(openLogFile(common.log));
    return common.log;
  }
  const trusted = await checkPrivateDir(common.stateDir).catch(() => false);
  return trusted ? join(common.stateDir, 'debug.log') : null;
}

export async function openHostAccess(
  common: CommonOptions,
  environment: NodeJS.ProcessEnv,
): Promise<HostAccess> {
  const logPath = await debugLogPath(common);
  const log = createFileLog(logPath);
  if (common.replay) {
    const doc = await loadCaptureDocument(common.replay);
    const { runner, files } = createReplay(doc, common.replay);
    return { runner, files, env: { ...doc.env }, log, logPath, replay: doc };
  }
  return {
    runner: createExecRunner(log),
    files: createHostFiles(),
    env: {
      uid: process.getuid?.() ?? -1,
      sshConnection: environment.SSH_CONNECTION?.trim() || null,
      rootDir: common.rootDir,
    },
    log,
    logPath,
    replay: null,
  };
}
