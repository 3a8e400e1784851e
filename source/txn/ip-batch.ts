/**
 * Runs `ip` batch lines as ONE `ip -batch FILE` process: the cutover is a single process that
 * changes the host from one state to the other in a few milliseconds, instead of a sequence of
 * commands that each need the (possibly just broken) session to be typed or sent.
 *
 * The file lives in the state directory (0700), is written 0600 and atomically, and is removed
 * after the run: its lines are in the journal's plan and the debug log. Without -force, ip stops
 * at the first line the kernel refuses; with -force (revert) it carries on, so lines undoing what
 * never happened fail harmlessly while the rest still runs. iproute2 names each failed line on
 * stderr as "Command failed FILE:LINE" (ip/ip.c batch()).
 */
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { ipBatchFile } from '../plan/command-text.js';
import { removeFile, writeFileAtomic } from '../system/atomic-file.js';
import type { RunResult } from '../system/runner.js';
import type { EngineContext } from './engine-context.js';

export const BATCH_TIMEOUT_MS = 15_000;

export interface BatchRun {
  result: RunResult;
  /** 1-based numbers of the lines ip reported as failed. */
  failedLines: number[];
  /** The path the file had (already removed). */
  path: string;
}

export async function runIpBatch(
  context: EngineContext,
  lines: string[][],
  options: { force: boolean; label: string },
): Promise<BatchRun> {
  const content = ipBatchFile(lines);
  const path = join(
    context.stateDir,
    `${options.label}.${process.pid}.${randomBytes(4).toString('hex')}.batch`,
  );
  await writeFileAtomic(path, content, { mode: 0o600 });
  try {
    const argv = ['ip', ...(options.force ? ['-force'] : []), '-batch', path];
    const result = await context.deps.runner.run(argv, { timeoutMs: BATCH_TIMEOUT_MS });
    return { result, failedLines: failedBatchLines(result.stderr, path), path };
  } finally {
    await removeFile(path).catch((error: Error) =>
      context.note(`could not remove ${path}: ${error.message}`),
    );
  }
}

export function failedBatchLines(stderr: string, path: string): number[] {
  const lines: number[] = [];
  for (const match of stderr.matchAll(/^Command failed (.+):(\d+)\s*$/gm)) {
    if (match[1] === path) lines.push(Number(match[2]));
  }
  return lines;
}

/** The error ip printed for a failed line: the text just before its "Command failed" marker. */
export function batchLineError(stderr: string, path: string, line: number): string {
  const rows = stderr.split('\n');
  const at = rows.findIndex((row) => row.trim() === `Command failed ${path}:${line}`);
  if (at <= 0) return 'refused by the kernel';
  return rows[at - 1]?.trim() || 'refused by the kernel';
}
