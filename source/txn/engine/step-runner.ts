/**
 * Carries out one step's commands, in order, stopping at the first that fails:
 * - exec: one argv through the Runner;
 * - signal: a `kill` through the Runner, once the target is checked (dhcp-guard.ts); refused,
 *   unsignalled, when the pid is not the plan's DHCP client in our own namespace, or no longer the
 *   process the probe saw (start time, argv), or gone: the step fails and the apply reverts;
 * - ip-batch: one `ip -batch -` fed on stdin (ip-batch.ts), stopping at the first refused line;
 * - spawn-detached: a program started in its own session (a DHCP client on the bridge, or restarted);
 * - stop-started: the program a spawn-detached started, found by its exact argv (started-client.ts);
 * - write-file / remove-file: a runtime-only file under --root-dir's /run (the renderer hold),
 *   refused anywhere else (system/runtime-files.ts).
 */
import type { HostSnapshot } from '../../host/snapshot.js';
import { commandText } from '../../plan/command-text.js';
import type { Command, Step } from '../../plan/types.js';
import { killArgv } from '../../system/process-signal.js';
import { CommandFailed, succeeded } from '../../system/runner.js';
import { checkSignalTarget } from './dhcp-guard.js';
import type { EngineContext } from './engine-context.js';
import { batchLineError, runIpBatch } from './ip-batch.js';
import { stopStarted } from './started-client.js';

export const EXEC_TIMEOUT_MS = 15_000;

export type StepRun = { ok: true } | { ok: false; error: string };

export async function runStepCommands(
  context: EngineContext,
  step: Step,
  preState: Pick<HostSnapshot, 'dhcpClients'>,
): Promise<StepRun> {
  for (const [index, command] of step.commands.entries()) {
    const failure = await runCommand(context, command, preState, `${step.id}-${index + 1}`);
    if (failure) return { ok: false, error: failure };
  }
  return { ok: true };
}

/** Runs one command; returns why it failed, or null. */
async function runCommand(
  context: EngineContext,
  command: Command,
  preState: Pick<HostSnapshot, 'dhcpClients'>,
  label: string,
): Promise<string | null> {
  switch (command.kind) {
    case 'exec': {
      const result = await context.deps.runner.run(command.argv, { timeoutMs: EXEC_TIMEOUT_MS });
      return succeeded(result) ? null : new CommandFailed(result).message;
    }
    case 'signal': {
      const { pid } = command;
      const verdict = await checkSignalTarget(context, command, preState);
      if (verdict.kind !== 'signal') return `not signalling pid ${pid}: ${verdict.reason}`;
      const result = await context.deps.runner.run(killArgv(pid, command.signal), {
        timeoutMs: EXEC_TIMEOUT_MS,
      });
      return succeeded(result) ? null : new CommandFailed(result).message;
    }
    case 'ip-batch': {
      const run = await runIpBatch(context, command.lines, { force: false, label });
      if (succeeded(run.result)) return null;
      const [line] = run.failedLines;
      if (line === undefined) return new CommandFailed(run.result).message;
      const text = command.lines[line - 1]?.join(' ') ?? `line ${line}`;
      return `ip -batch stopped at line ${line} (${text}): ${batchLineError(run.result.stderr, line)}`;
    }
    case 'spawn-detached': {
      try {
        const started = await context.spawnDetached(command.argv);
        context.note(`started ${commandText(command).join(' ')} as pid ${started.pid}`);
        return null;
      } catch (error) {
        return (error as Error).message;
      }
    }
    case 'stop-started':
      return stopStarted(context, command.argv, command.signal);
    case 'write-file':
    case 'remove-file':
      return runFileCommand(context, command);
    default: {
      const unreachable: never = command;
      return unreachable;
    }
  }
}

/** Runs a write-file or remove-file command; returns why it failed, or null. A file that is already
 * gone counts as removed: revert may run after a crash, or twice. */
export async function runFileCommand(
  context: EngineContext,
  command: Extract<Command, { kind: 'write-file' | 'remove-file' }>,
): Promise<string | null> {
  try {
    if (command.kind === 'write-file') {
      await context.runtimeFiles.write(context.rootDir, command.path, command.content, command.mode);
      context.note(`wrote ${command.path} under ${context.rootDir}`);
    } else {
      const removed = await context.runtimeFiles.remove(context.rootDir, command.path);
      context.note(`${removed ? 'removed' : 'already gone:'} ${command.path} under ${context.rootDir}`);
    }
    return null;
  } catch (error) {
    return (error as Error).message;
  }
}
