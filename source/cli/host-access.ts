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
import { isNetnsName } from '../system/ifname.js';
import { type Runner, succeeded } from '../system/runner.js';
import { checkPrivateDir } from '../system/trusted-path.js';
import { Refused } from './errors.js';
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

/**
 * The named network namespace this process is in: `ip netns identify` compares its own
 * /proc/self/ns/net with the bind mounts under /run/netns and prints the matching names (none in
 * the host's namespace). A failure to run it counts as "not in a named namespace".
 *
 * A name it prints that fails isNetnsName is refused, not dropped (fail closed): dropping it would
 * make this process look like the host's own namespace, so every command it suggests would lack
 * `ip netns exec` and act on the real host, and the namespace check on a journal would pass for a
 * journal made on the host. Quoting the odd name instead would carry control characters and shell
 * text into every printed command, which is no better; one line and exit 1 is the safe choice.
 */
export async function currentNetns(runner: Runner): Promise<string | null> {
  const result = await runner.run(['ip', 'netns', 'identify'], { timeoutMs: 2_000 });
  if (!succeeded(result)) return null;
  const names = result.stdout
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '');
  const valid = names.find((name) => isNetnsName(name));
  if (valid !== undefined || names.length === 0) return valid ?? null;
  throw new Refused(
    `this process runs in a network namespace whose name (${JSON.stringify(names[0])}) is not one \`ip netns\` names take (letters, digits, "_", ".", "-")`,
    'rename the namespace (a file under /run/netns) to a plain name, or run the command in a namespace with one',
  );
}
