/**
 * Undoing a migration from its journal alone, so any later process can do it (the guardian at the
 * deadline, `rollback` after a crash). Every step the journal says was STARTED is undone, finished
 * or not, because a step cut short by a crash may have half run:
 * 0. Only commands of the shapes the planner produces run (plan/revert-allowlist.ts); anything else in
 *    the journal is printed for the operator instead.
 * 1. The `ip` inverses of all those steps, last step first, go into ONE `ip -force -batch -`.
 *    -force keeps going past lines that fail, so a cutover batch that stopped half way is still
 *    undone: lines undoing what never happened fail harmlessly ("Cannot assign requested address")
 *    and the rest runs. One process also keeps the outage of the way back as short as the way in.
 * 2. The other inverses (`ip -6 rule` commands, which cannot go in a batch; iptables/nft rules;
 *    stopping the bridge's DHCP client, then restarting the uplink's) then run in order, after the
 *    addresses are back on the uplink.
 * 3. The host is compared with the journal's pre-state (links, addresses, routes, rules of the
 *    uplink and the bridge) and whatever still differs is reported with the commands that fix it.
 * A renderer hand-back that fails (`networkctl reload`, plan/steps/renderer-hold-files.ts
 * handBackDaemon) is the exception: what the comparison checks does not depend on it, and the bus
 * that just refused a hand-over at persist would otherwise make every such revert "incomplete". It
 * is reported as not done (the outcome's notDone, the step's message, a journal event), with the
 * hand-back's commands to run once the daemon answers, and the comparison decides the outcome.
 */
import { compareHostState, differenceTexts, type StateDifference } from '../../host/compare.js';
import type { HostSnapshot } from '../../host/snapshot.js';
import { commandProblem } from '../../plan/command-shape.js';
import { commandText, shellQuote } from '../../plan/command-text.js';
import { inNamespace } from '../../plan/operator-commands.js';
import { revertCommandProblem } from '../../plan/revert-allowlist.js';
import { handBackDaemon } from '../../plan/steps/renderer-hold-files.js';
import type { Command, Step } from '../../plan/types.js';
import { CommandFailed, succeeded } from '../../system/runner.js';
import type { Journal } from '../journal/journal.js';
import { checkRestart } from './dhcp-guard.js';
import type { StepState } from './engine-api.js';
import type { EngineContext } from './engine-context.js';
import { readHostState } from './host-state.js';
import { batchLineError, runIpBatch } from './ip-batch.js';
import { manualCommands } from './manual-commands.js';
import { stopStarted } from './started-client.js';
import { EXEC_TIMEOUT_MS, runFileCommand } from './step-runner.js';

/** A DHCP client restarted by the revert may re-apply its lease a moment later; wait for it, bounded. */
const SETTLE = { attempts: 10, intervalMs: 300 };

export interface RevertProgram {
  batch: Array<{ stepId: string; line: string[] }>;
  others: Array<{ stepId: string; command: Command }>;
}

export interface UndoneStep {
  stepId: string;
  title: string;
  state: StepState;
  message?: string;
}

export interface UndoResult {
  steps: UndoneStep[];
  differences: string[];
  /** What the revert did not do that the comparison cannot see (a renderer not told to take the uplink back). */
  notDone: string[];
  /** Data, rendered where shown (commandText); they act where the migration ran (inNamespace). */
  manualCommands: Command[];
}

/** Splits the inverses of `steps` (already last first) into the one batch and the rest. */
export function revertProgram(steps: readonly Step[]): RevertProgram {
  const program: RevertProgram = { batch: [], others: [] };
  for (const step of steps) {
    for (const command of step.inverse) {
      if (command.kind === 'ip-batch') {
        for (const line of command.lines) program.batch.push({ stepId: step.id, line });
      } else if (command.kind === 'exec' && isBatchableIp(command.argv)) {
        program.batch.push({ stepId: step.id, line: command.argv.slice(1) });
      } else {
        program.others.push({ stepId: step.id, command });
      }
    }
  }
  return program;
}

/** `ip OBJECT ...` without global options (such as -6) can be a batch line as it stands. */
function isBatchableIp(argv: readonly string[]): boolean {
  return argv[0] === 'ip' && argv.length > 1 && !(argv[1] as string).startsWith('-');
}

export async function undoSteps(
  context: EngineContext,
  journal: Journal,
  stepIds: readonly string[],
): Promise<UndoResult> {
  const steps = stepIds.map((id) => {
    const step = journal.plan.steps.find((candidate) => candidate.id === id);
    if (!step) throw new Error(`internal: the journal names step ${id}, which its plan does not have`);
    return step;
  });
  for (const step of steps) context.emit({ kind: 'step', stepId: step.id, state: 'reverting' });
  const failures = new Map<string, string[]>();
  const fail = (stepId: string, message: string) =>
    failures.set(stepId, [...(failures.get(stepId) ?? []), message]);
  const unfinished: string[] = [];
  // A journal can be edited after its plan was made: a command of a shape the planner never
  // produces is not run, only printed for the operator to judge (plan/revert-allowlist.ts).
  const refused: Command[] = [];
  const allowed = steps.map((step) => ({
    ...step,
    inverse: step.inverse.filter((command) => {
      const problem = revertCommandProblem(command);
      if (problem === null) return true;
      fail(step.id, `not run: ${problem}`);
      unfinished.push(
        `a command in the journal's undo of "${step.title}" was refused (${problem}); check it before running it by hand`,
      );
      // Kept as data for the operator to read, if it is a command at all (command-shape.ts).
      if (commandProblem(command) === null) refused.push(command);
      context.note(`refused to run from the journal (${problem}): ${commandText(command).join(' ')}`);
      return false;
    }),
  }));
  const program = revertProgram(allowed);

  if (program.batch.length > 0) {
    try {
      const run = await runIpBatch(
        context,
        program.batch.map((entry) => entry.line),
        { force: true, label: 'revert' },
      );
      for (const line of run.failedLines) {
        const entry = program.batch[line - 1];
        if (entry) fail(entry.stepId, `${entry.line.join(' ')}: ${batchLineError(run.result.stderr, line)}`);
      }
      if (!succeeded(run.result) && run.failedLines.length === 0) {
        unfinished.push(`the revert batch did not run: ${new CommandFailed(run.result).message}`);
      }
    } catch (error) {
      unfinished.push(`the revert batch could not run: ${(error as Error).message}`);
    }
  }
  const notDone: string[] = [];
  const leftOut = new Map<string, string>();
  const handBackLeft: RevertProgram['others'] = [];
  for (const [index, { stepId, command }] of program.others.entries()) {
    const problem = await runInverse(context, command, journal.preState);
    if (!problem) continue;
    const daemon = handBackDaemon(command);
    if (daemon) {
      // The hand-back and what follows it in its step (networkd's link-local re-announcement),
      // which only acts once the daemon manages the uplink again.
      handBackLeft.push(...program.others.slice(index).filter((entry) => entry.stepId === stepId));
      const text = `${daemon} was not told to take ${journal.nic} back (${problem}): until it is, it may leave ${journal.nic} unmanaged (it does when it read the hold file in the window) and nothing renews a leased address there; run the commands below once ${daemon} answers on its D-Bus.`;
      notDone.push(text);
      leftOut.set(stepId, `not done: ${problem}`);
      context.note(text);
      await context.deps.journal.addEvent(context.stateDir, text).catch(() => undefined);
      continue;
    }
    fail(stepId, problem);
    // Netfilter rules and processes are not in the state comparison, so a failure here is
    // reported on its own, with the command to retry.
    unfinished.push(`${commandText(command).join(' ')} failed: ${problem}`);
  }

  const { differences, readError } = await settledDifferences(context, journal);
  if (readError) unfinished.push(`the host could not be read to compare it with the pre-state: ${readError}`);
  const incomplete = differences.length > 0 || unfinished.length > 0;
  const undone = steps.map((step): UndoneStep => {
    const problems = failures.get(step.id);
    const state: StepState = incomplete && problems ? 'revert-failed' : 'reverted';
    const message = state === 'revert-failed' ? problems?.join('; ') : leftOut.get(step.id);
    context.emit({ kind: 'step', stepId: step.id, state, ...(message ? { message } : {}) });
    return { stepId: step.id, title: step.title, state, ...(message ? { message } : {}) };
  });
  const retry = program.others.filter(({ stepId }) => failures.has(stepId)).map(({ command }) => command);
  return {
    steps: undone,
    differences: [...unfinished, ...differenceTexts(differences)],
    notDone,
    // Shown for the operator to run by hand: they must act where the migration ran (the lab's netns).
    manualCommands: [
      ...manualCommands(differences, journal.preState),
      ...retry,
      ...refused,
      // Unless the step failed otherwise: then all of its commands are in `retry` already.
      ...handBackLeft.filter(({ stepId }) => !failures.has(stepId)).map(({ command }) => command),
    ].flatMap((command) => inNamespace(journal.plan.request.netns, command)),
  };
}

async function runInverse(
  context: EngineContext,
  command: Command,
  preState: HostSnapshot,
): Promise<string | null> {
  switch (command.kind) {
    case 'spawn-detached': {
      const verdict = await checkRestart(context, command.argv, preState);
      if (verdict.kind === 'refuse') return verdict.reason;
      if (verdict.kind === 'running') {
        context.note(
          `not restarting ${command.argv.map(shellQuote).join(' ')}: already running as pid ${verdict.pid}`,
        );
        return null;
      }
      try {
        const started = await context.spawnDetached(command.argv);
        context.note(`restarted ${command.argv.map(shellQuote).join(' ')} as pid ${started.pid}`);
        return null;
      } catch (error) {
        return (error as Error).message;
      }
    }
    case 'stop-started':
      // The bridge's client, so that it never renews the lease the uplink's client takes back.
      return stopStarted(context, command.argv, command.signal);
    case 'signal':
      // The allowlist refuses it before this runs; kept so a signal can never slip through here.
      return `signalling pid ${command.pid} is never part of a revert`;
    case 'exec': {
      const result = await context.deps.runner.run(command.argv, { timeoutMs: EXEC_TIMEOUT_MS });
      return succeeded(result) ? null : new CommandFailed(result).message;
    }
    case 'ip-batch': {
      const run = await runIpBatch(context, command.lines, { force: true, label: 'revert-extra' });
      return succeeded(run.result) ? null : new CommandFailed(run.result).message;
    }
    case 'write-file':
    case 'remove-file':
      return runFileCommand(context, command);
    default: {
      const unreachable: never = command;
      return unreachable;
    }
  }
}

/** Differences from the pre-state, re-read a few times (bounded) while any remain. */
async function settledDifferences(
  context: EngineContext,
  journal: Journal,
): Promise<{ differences: StateDifference[]; readError: string | null }> {
  let differences: StateDifference[] = [];
  let readError: string | null = 'not read';
  for (let attempt = 0; attempt < SETTLE.attempts; attempt++) {
    if (attempt > 0) await new Promise((resolve) => setTimeout(resolve, SETTLE.intervalMs));
    try {
      differences = compareHostState(journal.preState, await readHostState(context), {
        devices: [journal.nic, journal.bridge],
      });
      readError = null;
    } catch (error) {
      readError = (error as Error).message;
      context.note(`reading the host after the revert failed: ${readError}`);
      continue;
    }
    if (differences.length === 0) break;
  }
  return { differences, readError };
}
