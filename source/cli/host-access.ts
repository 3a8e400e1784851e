/**
 * Builds what the probe reads through: the real machine (exec runner + host files), or a capture
 * document when --replay is given (then nothing can change: the replay runner answers only what
 * the recording holds and refuses everything else).
 */
import { closeSync } from 'node:fs';
import { join } from 'node:path';
import type { ProbeDeps } from '../host/probe-api.js';
import type { ReplaySource } from '../plan/types.js';
import { type CaptureDocument, createReplay, loadCaptureDocument } from '../system/capture.js';
import { createFileLog, type DebugLog, openLogFile } from '../system/debug-log.js';
import { createExecRunner } from '../system/exec-runner.js';
import { createHostFiles } from '../system/host-files.js';
import { type Runner, succeeded } from '../system/runner.js';
import { checkPrivateDir } from '../system/trusted-path.js';
import type { CommonOptions } from './options.js';

export interface HostAccess extends ProbeDeps {
  log: DebugLog;
  /** Where the debug log goes (null: nowhere); the guardian appends to the same file. */
  logPath: string | null;
  /** The capture being replayed, when --replay was given. */
  replay: CaptureDocument | null;
  /** The `ip netns` name this process runs in (null: the host's own namespace, or a replay). */
  netns?: string | null;
}

/** The recording a --replay run answers from, for every output to name (plan, JSON, TUI). */
export function replaySource(access: HostAccess, common: CommonOptions): ReplaySource | null {
  if (!access.replay || !common.replay) return null;
  // The header is the recording author's text: anything not a string is shown as unknown.
  const header: Partial<Record<string, unknown>> = { ...access.replay.header };
  // Control characters would reach the terminal as escape sequences; a name is one short line.
  const text = (value: unknown, fallback: string) =>
    typeof value === 'string' && value
      ? value.replace(/[\u0000-\u001f\u007f-\u009f]/g, '?').slice(0, 80)
      : fallback;
  return {
    name: text(header.name, '(unnamed)'),
    file: common.replay,
    capturedAt: text(header.capturedAt, 'unknown time'),
    origin: header.origin === 'composed' ? 'composed' : 'captured',
  };
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
  const runner = createExecRunner(log);
  return {
    runner,
    files: createHostFiles(),
    env: {
      uid: process.getuid?.() ?? -1,
      sshConnection: environment.SSH_CONNECTION?.trim() || null,
      rootDir: common.rootDir,
    },
    log,
    logPath,
    replay: null,
    netns: await currentNetns(runner),
  };
}

/** Names `ip netns` gives: no "/", not "." or "..", printable; anything else is not trusted. */
const NETNS_NAME = /^(?!\.{1,2}$)[A-Za-z0-9_.-]{1,64}$/;

/**
 * The named network namespace this process is in: `ip netns identify` compares its own
 * /proc/self/ns/net with the bind mounts under /run/netns and prints the matching names (none in
 * the host's namespace). A failure or an odd name counts as "not in a named namespace".
 */
export async function currentNetns(runner: Runner): Promise<string | null> {
  const result = await runner.run(['ip', 'netns', 'identify'], { timeoutMs: 2_000 });
  if (!succeeded(result)) return null;
  const names = result.stdout.split('\n').map((line) => line.trim());
  return names.find((name) => NETNS_NAME.test(name)) ?? null;
}
