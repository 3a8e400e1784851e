/**
 * What every probe gets: the runner and file reader (the only ways to see the host), the
 * environment, and the shared record of which tools were found. A probe returns its value and an
 * optional note (a fact worth showing, like "nft is not installed"); it throws only when it could
 * not learn what it exists for, and then the orchestrator records it as failed.
 */
import { join } from 'node:path';
import type { FileReader } from '../../system/files.js';
import { CommandFailed, type Runner, type RunResult, succeeded } from '../../system/runner.js';
import type { ProbeEnv } from '../probe-api.js';

export interface ProbeContext {
  runner: Runner;
  files: FileReader;
  env: ProbeEnv;
  /** Tool name → found; filled as commands run. */
  tools: Record<string, boolean>;
}

export interface ProbeOutcome<T> {
  value: T;
  note: string | null;
}

/** Runs a command and records whether its program exists. */
export async function runTool(context: ProbeContext, argv: readonly string[]): Promise<RunResult> {
  const result = await context.runner.run(argv);
  const tool = argv[0] as string;
  context.tools[tool] = !result.notFound;
  return result;
}

/** Runs a command whose output the probe cannot do without. */
export async function runRequired(context: ProbeContext, argv: readonly string[]): Promise<string> {
  const result = await runTool(context, argv);
  if (result.notFound) throw new Error(`${argv[0]} is not installed`);
  if (!succeeded(result)) throw new CommandFailed(result);
  return result.stdout;
}

/** A configuration path on the target system, read under --root-dir. */
export function configPath(context: ProbeContext, path: string): string {
  return join(context.env.rootDir, path);
}

/** Short reason a command gave nothing, for a probe note. */
export function whyNot(result: RunResult): string {
  if (result.notFound) return `${result.argv[0]} is not installed`;
  if (result.timedOut) return `${result.argv.join(' ')} timed out`;
  const message = (result.stderr.trim() || result.stdout.trim()).split('\n')[0] ?? '';
  return `${result.argv.join(' ')} exited ${result.exitCode}${message ? `: ${message}` : ''}`;
}

export function joinNotes(notes: Array<string | null>): string | null {
  const present = notes.filter((note): note is string => Boolean(note));
  return present.length > 0 ? present.join('; ') : null;
}
