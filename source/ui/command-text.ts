/**
 * How a Command is shown to a person: as the shell line they could type to do the same by hand.
 * The tool itself never runs these strings (commands are argv data, see plan/types.ts); the
 * quoting here exists so that text copied from the preview or `plan` output is still exact.
 */
import type { Command } from '../plan/types.js';

const SHELL_SAFE = /^[A-Za-z0-9_@%+=:,./-]+$/;

export function shellQuote(arg: string): string {
  if (arg === '') return "''";
  if (SHELL_SAFE.test(arg)) return arg;
  return `'${arg.replaceAll("'", `'\\''`)}'`;
}

export function argvText(argv: readonly string[]): string {
  return argv.map(shellQuote).join(' ');
}

/** One or more lines per command; an ip batch becomes a here-document for `ip -batch -`. */
export function commandLines(command: Command): string[] {
  switch (command.kind) {
    case 'exec':
      return [argvText(command.argv)];
    case 'spawn-detached':
      // setsid -f is the shell spelling of "start it in its own session, do not wait".
      return [`setsid -f ${argvText(command.argv)}`];
    case 'ip-batch':
      return ["ip -batch - <<'EOF'", ...command.lines.map((line) => line.join(' ')), 'EOF'];
  }
}
