/**
 * Builds what the probe reads through: the real machine (exec runner + host files), or a capture
 * document when --replay is given (then nothing can change: the replay runner answers only what
 * the recording holds and refuses everything else).
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { ProbeDeps } from '../host/probe-api.js';
import { type CaptureDocument, createReplay, loadCaptureDocument } from '../system/capture.js';
import { createFileLog, type DebugLog } from '../system/debug-log.js';
import { createExecRunner } from '../system/exec-runner.js';
import { createHostFiles } from '../system/host-files.js';
import type { CommonOptions } from './options.js';

export interface HostAccess extends ProbeDeps {
  log: DebugLog;
  /** The capture being replayed, when --replay was given. */
  replay: CaptureDocument | null;
}

/** The debug log lives in the state directory once it exists; --log overrides. */
export function debugLogPath(common: CommonOptions): string | null {
  if (common.log) return common.log;
  return existsSync(common.stateDir) ? join(common.stateDir, 'debug.log') : null;
}

export async function openHostAccess(
  common: CommonOptions,
  environment: NodeJS.ProcessEnv,
): Promise<HostAccess> {
  const log = createFileLog(debugLogPath(common));
  if (common.replay) {
    const doc = await loadCaptureDocument(common.replay);
    const { runner, files } = createReplay(doc, common.replay);
    return { runner, files, env: { ...doc.env }, log, replay: doc };
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
    replay: null,
  };
}
