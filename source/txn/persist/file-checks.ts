/**
 * Checks for config files that the network renderer does not read (ConfigFile.check): each file's
 * new text is fed on stdin to a tool that parses it the way boot will load it, without loading
 * it. Verified on iptables 1.8.9 (nf_tables) and nftables 1.0.6, in a scratch namespace holding a
 * MASQUERADE rule and a table: after both checks of a file that flushes everything, the live
 * rules were unchanged.
 * - iptables-restore(8) `--test`: "Only parse and construct the ruleset, but do not commit it."
 *   (The nf_tables backend accepts a rule in a chain the file never declares; the syntax and the
 *   matches and targets are what it checks.)
 * - nft(8) `-c`/`--check`: "Check commands validity without actually applying the changes";
 *   `-f -` reads the file from stdin.
 * No temporary file: nothing to leave behind on a full disk. A new kind of file adds its entry.
 */
import type { ConfigCheck, ConfigFile } from '../../plan/types.js';
import { succeeded } from '../../system/runner.js';
import { reason } from './netplan-renderer.js';
import type { PersistContext } from './persist-renderer.js';

const CHECK_TIMEOUT_MS = 30_000;

export const CHECK_ARGV: Record<ConfigCheck, readonly string[]> = {
  'iptables-restore': ['iptables-restore', '--test'],
  nft: ['nft', '-c', '-f', '-'],
};

/** Runs each file's own check; the first problem as a sentence, or null when all passed. */
export async function checkOwnFiles(
  context: PersistContext,
  files: readonly ConfigFile[],
): Promise<string | null> {
  for (const file of files) {
    if (!file.check || file.after === null) continue;
    const argv = [...CHECK_ARGV[file.check]];
    const result = await context.runner.run(argv, { timeoutMs: CHECK_TIMEOUT_MS, input: file.after });
    context.note(
      `persist: ${argv.join(' ')} < new ${file.path} → exit ${result.exitCode}${result.stderr ? `: ${result.stderr.trim()}` : ''}`,
    );
    if (!succeeded(result)) return `${argv.join(' ')} refused the new ${file.path}: ${reason(result)}`;
  }
  return null;
}

/** What the validate part says it checked besides the renderer's files; undefined when nothing. */
export function ownChecksDetail(files: readonly ConfigFile[]): (() => string) | undefined {
  const checked = files.filter((file) => file.check && file.after !== null);
  if (checked.length === 0) return undefined;
  return () =>
    `also checked: ${checked.map((file) => `${file.path} (${CHECK_ARGV[file.check as ConfigCheck].join(' ')})`).join(', ')}`;
}
