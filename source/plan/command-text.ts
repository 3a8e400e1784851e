/**
 * Commands as text: what the preview shows for each step and inverse, and the exact content of
 * the file the executor hands to `ip -batch`. Display quoting follows POSIX shell rules so a line
 * can be copied into a root shell to finish a revert by hand.
 */
import { displaySafe } from '../system/display-text.js';
import { killArgv } from '../system/process-signal.js';
import { shellQuote } from '../system/shell-quote.js';
import { isBatchSafe } from './tokens.js';
import type { Command } from './types.js';

export { shellQuote };

/** One or more display lines for a command. */
export function commandText(command: Command): string[] {
  return commandWords(command).map((words) => words.join(' '));
}

/**
 * The same lines as words, each already shell-quoted: what a renderer breaks a long line at, so
 * it never has to split a shell string again (a row ends with " \\" between two words only). A
 * file's content line is one word: a break inside it would change the file.
 */
export function commandWords(command: Command): string[][] {
  switch (command.kind) {
    case 'exec':
      return [command.argv.map(shellQuote)];
    case 'signal':
      return [killArgv(command.pid, command.signal).map(shellQuote)];
    case 'spawn-detached':
      return [[...command.argv.map(shellQuote), '&']];
    case 'stop-started':
      // pkill matches -f patterns against the argv joined by spaces; -x makes it the whole line.
      return [
        [
          'pkill',
          `-${command.signal}`,
          '--euid',
          '0',
          '--exact',
          '--full',
          shellQuote(exactPattern(command.argv)),
        ],
      ];
    case 'ip-batch': {
      // Quoted delimiter: a pasted body is passed to ip verbatim, so a name holding `$(...)` or a
      // backquote (both valid in an interface name) is never run by the operator's shell. ip's
      // own batch reader still joins a "\\" + newline, which wrapped rows rely on (ui/command-rows.ts).
      // A token holding a newline (refused on read, command-shape.ts; never run, ipBatchFile) would
      // end the here-document early when pasted and run what follows: it is shown escaped instead.
      const lines = command.lines.map((line) => line.map((token) => displaySafe(token)));
      const end = hereDocumentEnd(lines.map((line) => line.join(' ')));
      return [['ip', '-batch', '-', `<<'${end}'`], ...lines, [end]];
    }
    case 'write-file': {
      // A quoted here-document: the shell copies the content verbatim, so the lines can be run by
      // hand to finish a revert, and the preview shows exactly what the file will hold. GNU
      // install -D creates missing parent directories 0755, as the executor does.
      const lines = command.content.replace(/\n$/, '').split('\n');
      const end = hereDocumentEnd(lines);
      const mode = command.mode.toString(8).padStart(4, '0');
      return [
        ['install', '-D', '-m', mode, '/dev/stdin', shellQuote(command.path), `<<'${end}'`],
        ...lines.map((line) => [line]),
        [end],
      ];
    }
    case 'remove-file':
      return [['rm', '-f', shellQuote(command.path)]];
    default: {
      const unreachable: never = command;
      return unreachable;
    }
  }
}

/** An extended regular expression that matches exactly `argv` joined by spaces (as pgrep -f reads it). */
export function exactPattern(argv: readonly string[]): string {
  return argv.join(' ').replace(/[\\^$.|?*+()[\]{}]/g, (special) => `\\${special}`);
}

/** The `ip -batch` file: one command per line, tokens separated by single spaces. */
export function ipBatchFile(lines: string[][]): string {
  for (const line of lines) {
    for (const token of line) {
      if (!isBatchSafe(token)) throw new Error(`unsafe ip -batch token: ${JSON.stringify(token)}`);
    }
  }
  return lines.map((line) => `${line.join(' ')}\n`).join('');
}

/** A here-document delimiter that no content line equals. */
function hereDocumentEnd(lines: readonly string[]): string {
  let end = 'EOF';
  for (let n = 1; lines.includes(end); n++) end = `EOF${n}`;
  return end;
}
