/**
 * The commands an operator is told to run from another session (confirm, roll back, status, a new
 * guardian), built ONCE from where this run acts, and passed down to everything that names one:
 * the plan and its verdicts, the TUI, the reports, the errors, the journal's and the guardian's
 * texts, and `--help`. They are argv data (Command); only the edge renders them (commandLine),
 * shell-quoted, so a --state-dir with a space or a quote is copied back exactly.
 */
import { commandText, commandWords, shellQuote } from './command-text.js';
import type { Command, ExecCommand, OperatorCommands, PlanRequest } from './types.js';

export type { ExecCommand, OperatorCommands };

/** Where the journal lives when --state-dir is not given; a command for it need not say so. */
export const DEFAULT_STATE_DIR = '/var/lib/bridge-migrate';

/**
 * Where the commands another session runs must act: this run's state and root directories, and
 * the named network namespace it runs in (`bridge-migrate lab` runs the TUI inside one). A command
 * that leaves any of them out acts on a different host: `rollback` without the lab's
 * `ip netns exec` would revert the machine's REAL uplink, and without --root-dir the wrong /run.
 */
export interface CommandPlace {
  stateDir: string;
  rootDir?: string;
  /** The `ip netns` name this process runs in; null or absent in the host's own namespace. */
  netns?: string | null;
  /** How the operator starts this tool (argv; cli/command-deps.ts selfCommand); absent: `bridge-migrate`. */
  program?: readonly string[];
}

/**
 * `[ip netns exec NS] bridge-migrate SUBCOMMAND EXTRA... [--state-dir D] [--root-dir R]`; a null
 * subcommand is the interactive TUI, which has none.
 */
export function toolCommand(
  place: CommandPlace,
  subcommand: string | null,
  extra: readonly string[] = [],
): ExecCommand {
  return {
    kind: 'exec',
    argv: [
      ...(place.netns ? ['ip', 'netns', 'exec', place.netns] : []),
      ...(place.program ?? ['bridge-migrate']),
      ...(subcommand === null ? [] : [subcommand]),
      ...extra,
      ...(place.stateDir === DEFAULT_STATE_DIR ? [] : ['--state-dir', place.stateDir]),
      ...(place.rootDir === undefined || place.rootDir === '/' ? [] : ['--root-dir', place.rootDir]),
    ],
  };
}

export function buildOperatorCommands(place: CommandPlace): OperatorCommands {
  return {
    confirm: toolCommand(place, 'confirm'),
    rollback: toolCommand(place, 'rollback', ['--yes']),
    guidedRollback: toolCommand(place, 'rollback'),
    status: toolCommand(place, 'status'),
    rearm: toolCommand(place, 'guard', ['--rearm']),
  };
}

/**
 * How to finish a migration whose journal is still pending, by its phase: a revert that stopped
 * half way cannot be confirmed (confirm refuses it), so its fix is to finish the revert by hand
 * (`status` lists the commands) and retry the rollback. One text for the plan's blocker and the
 * journal's refusal (txn/journal MigrationPending).
 */
export function pendingMigrationFix(phase: string, commands: OperatorCommands): string {
  const [confirm, rollback, status] = [commands.confirm, commands.rollback, commands.status].map(commandLine);
  if (phase === 'undoing')
    return `its undo runs under a guardian that finishes it; \`${status}\` shows it, \`${rollback}\` finishes it now`;
  return phase === 'revert-incomplete'
    ? `finish its revert with the commands \`${status}\` shows, then retry \`${rollback}\``
    : `confirm it with \`${confirm}\`, undo it with \`${rollback}\`, or see \`${status}\``;
}

/**
 * The commands of the host's own default state directory, for code reached without a CLI (unit
 * fixtures, a plan built by a test); every real run passes the ones its CLI built.
 */
export const DEFAULT_OPERATOR_COMMANDS: OperatorCommands = buildOperatorCommands({
  stateDir: DEFAULT_STATE_DIR,
});

export function planCommands(request: Pick<PlanRequest, 'commands'>): OperatorCommands {
  return request.commands ?? DEFAULT_OPERATOR_COMMANDS;
}

/** One command as the one line an operator copies (an exec command is always one line). */
export function commandLine(command: ExecCommand): string {
  return commandText(command).join(' ');
}

/**
 * A command the operator is told to run by hand as root (an inverse, a revert's leftover), made to
 * act where the plan was made: `ip netns exec NS COMMAND` inside the lab's namespace. A command of
 * several lines (a here-document) is prefixed on its first line, where the shell reads it.
 */
export function hereCommand(request: Pick<PlanRequest, 'netns'> | undefined, text: string): string {
  return request?.netns ? `ip netns exec ${shellQuote(request.netns)} ${text}` : text;
}

/**
 * A command the operator is told to run by hand (a revert's leftover), as data, made to act where
 * the plan was made: `ip netns exec NS ...` inside the lab's namespace. A batch becomes one `ip`
 * command per line, since a here-document's body cannot carry the prefix; files are not per
 * network namespace, so a file command stays as it is.
 */
export function inNamespace(netns: string | null | undefined, command: Command): Command[] {
  if (!netns) return [command];
  const enter = ['ip', 'netns', 'exec', netns];
  switch (command.kind) {
    case 'exec':
    case 'spawn-detached':
      return [{ ...command, argv: [...enter, ...command.argv] }];
    case 'ip-batch':
      return command.lines.map((line) => ({ kind: 'exec', argv: [...enter, 'ip', ...line] }));
    default:
      return [command];
  }
}

/** A Command's display lines, made to act where the plan was made (hereCommand on its first line). */
export function hereCommandLines(
  request: Pick<PlanRequest, 'netns'> | undefined,
  command: Command,
): string[] {
  return hereCommandWords(request, command).map((words) => words.join(' '));
}

/** The same lines as shell-quoted words, for a renderer that breaks a long line between words. */
export function hereCommandWords(
  request: Pick<PlanRequest, 'netns'> | undefined,
  command: Command,
): string[][] {
  const [first = [], ...rest] = commandWords(command);
  const enter = request?.netns ? ['ip', 'netns', 'exec', shellQuote(request.netns)] : [];
  return [[...enter, ...first], ...rest];
}
