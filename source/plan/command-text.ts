/**
 * Commands as text: what the preview shows for each step and inverse, and the exact content of
 * the file the executor hands to `ip -batch`. Display quoting follows POSIX shell rules so a line
 * can be copied into a root shell to finish a revert by hand.
 */
import { isBatchSafe } from './tokens.js';
import type { Command } from './types.js';

/** One or more display lines for a command. */
export function commandText(command: Command): string[] {
  switch (command.kind) {
    case 'exec':
      return [command.argv.map(shellQuote).join(' ')];
    case 'spawn-detached':
      return [`${command.argv.map(shellQuote).join(' ')} &`];
    case 'ip-batch':
      return ['ip -batch - <<EOF', ...command.lines.map((line) => line.join(' ')), 'EOF'];
    default: {
      const unreachable: never = command;
      return unreachable;
    }
  }
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

export function shellQuote(token: string): string {
  if (token !== '' && /^[A-Za-z0-9_@%+=:,./-]+$/.test(token)) return token;
  return `'${token.replace(/'/g, `'\\''`)}'`;
}
