/**
 * Runs `ip` batch lines as ONE `ip -batch -` process: the cutover is a single process that
 * changes the host from one state to the other in a few milliseconds, instead of a sequence of
 * commands that each need the (possibly just broken) session to be typed or sent.
 *
 * The lines go to ip on stdin, never through a file: a revert must work when the state directory
 * is full (ENOSPC) or read-only, and a file would be one more thing to write, clean up and trust.
 * Each token is checked by ipBatchFile (no whitespace or control characters, so one token cannot
 * become two lines). The lines are noted in the debug log and are in the journal's plan.
 *
 * Without -force, ip stops at the first line the kernel refuses; with -force (revert) it carries
 * on, so lines undoing what never happened fail harmlessly while the rest still runs. iproute2
 * names each failed line on stderr as "Command failed NAME:LINE" (ip/ip.c batch()), where NAME is
 * the file it was given: "-" for stdin.
 */
import { ipBatchFile } from '../../plan/command-text.js';
import type { RunResult } from '../../system/runner.js';
import type { EngineContext } from './engine-context.js';

export const BATCH_TIMEOUT_MS = 15_000;
/** The file name ip reads its batch from (stdin) and names in "Command failed -:LINE". */
export const BATCH_FROM_STDIN = '-';

export interface BatchRun {
  result: RunResult;
  /** 1-based numbers of the lines ip reported as failed. */
  failedLines: number[];
}

/** The argv of one batch: `ip [-force] -batch -`. */
export function ipBatchArgv(force: boolean): string[] {
  return ['ip', ...(force ? ['-force'] : []), '-batch', BATCH_FROM_STDIN];
}

export async function runIpBatch(
  context: EngineContext,
  lines: string[][],
  options: { force: boolean; label: string },
): Promise<BatchRun> {
  const input = ipBatchFile(lines);
  context.note(`ip batch ${options.label}:\n${input.trimEnd()}`);
  const result = await context.deps.runner.run(ipBatchArgv(options.force), {
    timeoutMs: BATCH_TIMEOUT_MS,
    input,
  });
  return { result, failedLines: failedBatchLines(result.stderr) };
}

export function failedBatchLines(stderr: string): number[] {
  const lines: number[] = [];
  for (const match of stderr.matchAll(/^Command failed (.+):(\d+)\s*$/gm)) {
    if (match[1] === BATCH_FROM_STDIN) lines.push(Number(match[2]));
  }
  return lines;
}

/** The error ip printed for a failed line: the text just before its "Command failed" marker. */
export function batchLineError(stderr: string, line: number): string {
  const rows = stderr.split('\n');
  const at = rows.findIndex((row) => row.trim() === `Command failed ${BATCH_FROM_STDIN}:${line}`);
  if (at <= 0) return 'refused by the kernel';
  return rows[at - 1]?.trim() || 'refused by the kernel';
}
