/**
 * Arming the guardian (contract: guardian-api.ts). `apply` calls this after the journal and the
 * baseline are written and before the first change; if it throws, nothing has been changed.
 *
 * Where the guardian runs:
 * - systemd-run, when PID 1 is systemd AND this process shares PID 1's network and mount
 *   namespaces: a transient service owned by PID 1 is outside the operator's session and its
 *   cgroup, so neither a dropped SSH connection nor logind's KillUserProcesses touches it.
 *   KillMode=process because a revert restarts the uplink's DHCP client from inside the guardian,
 *   and that client must outlive the guardian's unit (the default, control-group, would kill it).
 * - otherwise a detached child in its own session (system/detach.ts). The namespace condition is a
 *   safety rule, not a nicety: a unit starts in PID 1's namespaces, so from inside `ip netns exec`
 *   (the lab) or a container a systemd-run guardian would revert the WRONG host's network.
 *   If systemd-run itself fails, the detached child is the fallback.
 *
 * It then waits, bounded, for the guardian to record itself in the journal (its pid and first
 * heartbeat). A guardian that exits or stays silent is killed by pid (or by unit) and arming fails.
 */
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { createFileLog, type DebugLog } from '../../system/debug-log.js';
import { type DetachedChild, startDetached } from '../../system/detach.js';
import { createExecRunner } from '../../system/exec-runner.js';
import type { FileReader } from '../../system/files.js';
import { createHostFiles } from '../../system/host-files.js';
import { CommandFailed, type Runner, succeeded } from '../../system/runner.js';
import { EngineError } from '../engine/engine-errors.js';
import { createJournalStore, type GuardianInfo, type JournalStore } from '../journal/journal.js';
import type { ArmGuardian, ArmGuardianOptions } from './guardian-api.js';

export type GuardianMode = GuardianInfo['mode'];

export interface GuardianLaunchDeps {
  runner: Runner;
  files: FileReader;
  journal: JournalStore;
  log: DebugLog;
  /** Default: system/detach.ts. */
  startDetached?: typeof startDetached;
  /** How long the guardian gets to record itself; node with this program's imports needs ~1 s. */
  readyTimeoutMs?: number;
  pollMs?: number;
}

/** Its message is the problem alone: ArmingFailed quotes it in its own sentence. */
export class GuardianNotArmed extends EngineError {
  constructor(problem: string, logPath: string | null) {
    const text = `${problem}${logPath ? ` (its output is in ${logPath})` : ''}`;
    super(text, 'please report it with the debug log', { message: text });
    this.name = 'GuardianNotArmed';
  }
}

const DEFAULT_READY_TIMEOUT_MS = 10_000;
const DEFAULT_POLL_MS = 50;

/** Which way to start the guardian on this host, and why (for the debug log). */
export async function chooseGuardianMode(files: FileReader): Promise<{ mode: GuardianMode; why: string }> {
  const init = (await files.readLink('/proc/1/exe'))?.replace(/ \(deleted\)$/, '') ?? null;
  // sd_booted(3): /run/systemd/system exists iff systemd is the running init. /proc/1/exe is
  // unreadable without root; root is what apply runs as, but the directory check needs nothing.
  const systemd =
    (init !== null && /\/systemd$/.test(init)) || (await files.listDir('/run/systemd/system')) !== null;
  if (!systemd) {
    // In a container /proc/1/exe may be unreadable even to root; /proc/1/comm still names PID 1.
    const name = init ?? (await files.readFile('/proc/1/comm'))?.trim() ?? 'unknown';
    return { mode: 'detached', why: `PID 1 is not systemd (${name})` };
  }
  for (const kind of ['net', 'mnt']) {
    const own = await files.readLink(`/proc/self/ns/${kind}`);
    const pid1 = await files.readLink(`/proc/1/ns/${kind}`);
    if (own === null || pid1 === null || own !== pid1) {
      return {
        mode: 'detached',
        why: `this process is not in PID 1's ${kind} namespace (${own ?? '?'} vs ${pid1 ?? '?'}); a unit would run in PID 1's`,
      };
    }
  }
  return { mode: 'systemd-run', why: `PID 1 is systemd (${init ?? '/run/systemd/system exists'})` };
}

/** The guardian's command line: this same program's hidden `guard` subcommand. */
export function guardArgv(options: ArmGuardianOptions, unit: string | null): string[] {
  return [
    ...options.selfArgv,
    'guard',
    '--state-dir',
    options.stateDir,
    ...(options.rootDir ? ['--root-dir', options.rootDir] : []),
    ...(options.logPath ? ['--log', options.logPath] : []),
    ...(unit ? ['--unit', unit] : []),
  ];
}

/**
 * Restart=on-failure: a guardian that crashes or is SIGKILLed (the OOM killer, a careless kill -9)
 * is started again by PID 1 with the same argv, and resumes from the journal alone: it records
 * its new pid and counts down to the journal's deadline (guardian.ts), or exits 0 when the change
 * was settled meanwhile. Transient services accept Restart= since systemd 233 (systemd#4402);
 * an older systemd-run refuses the property and arming falls back to the detached child.
 * SuccessExitStatus: exit 130/143 is the guardian's answer to SIGINT/SIGTERM from someone taking
 * the decision away (guardian.ts, "Signals"); that must stay a stop, not become a restart.
 */
export const GUARDIAN_UNIT_PROPERTIES = [
  'KillMode=process',
  'Restart=on-failure',
  'RestartSec=1',
  'SuccessExitStatus=130 143',
] as const;

export function systemdRunArgv(unit: string, guard: readonly string[]): string[] {
  return [
    'systemd-run',
    `--unit=${unit}`,
    '--collect',
    '--quiet',
    ...GUARDIAN_UNIT_PROPERTIES.map((property) => `--property=${property}`),
    '--description=bridge-migrate dead-man guardian',
    '--',
    ...guard,
  ];
}

export function createArmGuardian(deps: GuardianLaunchDeps): ArmGuardian {
  const spawnChild = deps.startDetached ?? startDetached;
  const note = (message: string) => deps.log.note(`arm guardian: ${message}`);
  return async (requested) => {
    // The guard command logs to STATE_DIR/debug.log by default; its stdout/stderr go there too.
    const options = { ...requested, logPath: requested.logPath ?? join(requested.stateDir, 'debug.log') };
    const journal = await deps.journal.load(options.stateDir);
    if (!journal) throw new GuardianNotArmed(`there is no journal in ${options.stateDir} to guard`, null);
    const choice = await chooseGuardianMode(deps.files);
    note(`${choice.mode}: ${choice.why}`);
    if (choice.mode === 'systemd-run') {
      const unit = `bridge-migrate-guard-${journal.id.replace(/[^A-Za-z0-9_.-]/g, '_')}`;
      const result = await deps.runner.run(systemdRunArgv(unit, guardArgv(options, unit)), {
        timeoutMs: 10_000,
      });
      if (succeeded(result)) {
        return waitForGuardian(deps, options, (info) => info.mode === 'systemd-run' && info.unit === unit, {
          exited: () => false,
          stop: async () => {
            await deps.runner.run(['systemctl', 'kill', '--signal=SIGKILL', unit], { timeoutMs: 5_000 });
            // A SIGKILLed main process is a failure that Restart=on-failure would undo a second
            // later; a stop job cancels that pending restart.
            await deps.runner.run(['systemctl', 'stop', unit], { timeoutMs: 5_000 });
          },
        });
      }
      note(`systemd-run failed (${new CommandFailed(result).message}); starting a detached guardian instead`);
    }
    const child = await spawnChild(guardArgv(options, null), { logPath: options.logPath });
    note(`started pid ${child.pid}`);
    return waitForGuardian(deps, options, (info) => info.mode === 'detached' && info.pid === child.pid, {
      exited: () => child.hasExited(),
      stop: () => killChild(child),
    });
  };
}

/**
 * The ArmGuardian of this machine: the exec runner, the real files and a journal store of its
 * own, logging to the guardian's log. `apply` and the TUI pass it to the engine as is.
 */
export const armGuardian: ArmGuardian = (options) => {
  const log = createFileLog(options.logPath ?? join(options.stateDir, 'debug.log'));
  return createArmGuardian({
    runner: createExecRunner(log),
    files: createHostFiles(),
    journal: createJournalStore({
      purpose: 'arm guardian',
      ...(options.commands ? { commands: options.commands } : {}),
    }),
    log,
  })(options);
};

interface Started {
  exited(): boolean;
  stop(): Promise<void>;
}

async function waitForGuardian(
  deps: GuardianLaunchDeps,
  options: ArmGuardianOptions,
  isOurs: (info: GuardianInfo) => boolean,
  started: Started,
): Promise<GuardianInfo> {
  const pollMs = deps.pollMs ?? DEFAULT_POLL_MS;
  const timeoutMs = deps.readyTimeoutMs ?? DEFAULT_READY_TIMEOUT_MS;
  const tries = Math.ceil(timeoutMs / pollMs);
  let problem = `it did not record itself in the journal within ${timeoutMs / 1000} s`;
  for (let attempt = 0; attempt < tries; attempt++) {
    const info = (await deps.journal.load(options.stateDir).catch(() => null))?.guardian ?? null;
    if (info && isOurs(info)) {
      if (!started.exited()) return info;
      problem = 'it exited right after recording itself';
      break;
    }
    if (started.exited()) {
      problem = 'it exited before recording itself in the journal';
      break;
    }
    await sleep(pollMs);
  }
  await started.stop();
  throw new GuardianNotArmed(`the guardian did not start: ${problem}`, options.logPath);
}

/** SIGKILL by pid, then wait (bounded) until node has reaped it, so no zombie is left. */
async function killChild(child: DetachedChild): Promise<void> {
  child.kill('SIGKILL');
  await Promise.race([child.exited, sleep(2_000)]);
}
