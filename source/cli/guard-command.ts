/**
 * `bridge-migrate guard --state-dir DIR` (hidden): the dead-man guardian process. `apply` starts
 * it (txn/guardian/guardian-launch.ts); an operator never runs it by hand. It builds the real engine on
 * this machine and runs the guardian loop (txn/guardian/guardian.ts) until the change is confirmed or
 * reverted. Nothing is written to stdout: under systemd-run that would go to the journal, as a
 * detached child to the debug log, and everything worth knowing is in the debug log already.
 */
import { join } from 'node:path';
import { createFileLog, type DebugLog } from '../system/debug-log.js';
import { createExecRunner } from '../system/exec-runner.js';
import { createHostFiles } from '../system/host-files.js';
import { createEngine } from '../txn/engine/engine.js';
import type { EngineEvent } from '../txn/engine/engine-api.js';
import { type GuardianEnd, realGuardianClock, runGuardian } from '../txn/guardian/guardian.js';
import { createJournalStore } from '../txn/journal/journal.js';
import { operatorCommands, selfCommand } from './command-deps.js';
import { describeError, EXIT, Refused } from './errors.js';
import { currentNetns } from './host-access.js';
import { requireJournalNamespace } from './journal-access.js';

export interface GuardCommandOptions {
  stateDir: string;
  rootDir: string;
  /** Debug log; default STATE_DIR/debug.log (the state directory exists: apply made it). */
  log: string | null;
  /** The transient unit's name when systemd-run started this process. */
  unit: string | null;
}

const SIGNAL_EXIT: Partial<Record<NodeJS.Signals, number>> = { SIGINT: 130, SIGTERM: 143 };

export async function runGuardCommand(
  options: GuardCommandOptions,
  environment: NodeJS.ProcessEnv,
): Promise<number> {
  // A full or read-only state directory must not silence the guardian: what the log cannot take
  // goes to stderr (journald under systemd-run), and its status to /run (runtime-state.ts).
  const log = createFileLog(options.log ?? join(options.stateDir, 'debug.log'), (line) =>
    process.stderr.write(line),
  );
  const runner = createExecRunner(log);
  // The texts it leaves in the journal name the commands for where it runs: the guardian is started
  // in apply's namespace, with apply's --state-dir and --root-dir (guardian-launch.ts).
  // No catch: a namespace whose name cannot be trusted refuses the guardian (host-access.ts), and
  // apply, which waits for it to record itself, then fails to arm and changes nothing.
  const netns = await currentNetns(runner);
  const place = {
    stateDir: options.stateDir,
    rootDir: options.rootDir,
    netns,
    program: selfCommand(),
  };
  const commands = operatorCommands(place);
  const journal = createJournalStore({ purpose: 'guardian', commands });
  // A guardian in another namespace than the migration's would revert the wrong network at the
  // deadline: refused before it records itself (so `apply` or `guard --rearm` sees it fail).
  const found = await journal.load(options.stateDir).catch(() => null);
  if (found) {
    try {
      requireJournalNamespace(found, { ...place, persist: 'auto', replay: null, log: null }, 'guard');
    } catch (error) {
      if (!(error instanceof Refused)) throw error;
      log.note(`guardian refused: ${error.problem}; ${error.fix}`);
      process.stderr.write(`bridge-migrate: ${describeError(error).line}\n`);
      return EXIT.refused;
    }
  }
  const engine = createEngine({
    runner,
    files: createHostFiles(),
    env: {
      uid: process.getuid?.() ?? -1,
      sshConnection: environment.SSH_CONNECTION?.trim() || null,
      rootDir: options.rootDir,
    },
    stateDir: options.stateDir,
    journal,
    clock: { now: () => Date.now() },
    log,
    listener: (event) => logEvent(log, event),
  });
  const end = await runGuardian({
    stateDir: options.stateDir,
    engine,
    journal,
    clock: realGuardianClock,
    log,
    pid: process.pid,
    mode: options.unit ? 'systemd-run' : 'detached',
    ...(options.unit ? { unit: options.unit } : {}),
  });
  return exitCodeFor(end);
}

export function exitCodeFor(end: GuardianEnd): number {
  switch (end.kind) {
    case 'confirmed':
    case 'reverted':
    case 'finished-elsewhere':
    case 'replaced':
      return EXIT.ok;
    case 'stopped':
      return SIGNAL_EXIT[end.signal] ?? EXIT.refused;
    case 'failed':
      return EXIT.refused;
    default: {
      const unreachable: never = end;
      return unreachable;
    }
  }
}

/** Step and phase changes, timestamped by the log, show how long each part of a revert took. */
function logEvent(log: DebugLog, event: EngineEvent): void {
  if (event.kind === 'step')
    log.note(
      `guardian engine: step ${event.stepId} ${event.state}${event.message ? `: ${event.message}` : ''}`,
    );
  else if (event.kind === 'phase')
    log.note(`guardian engine: phase ${event.phase}${event.message ? ` (${event.message})` : ''}`);
}
