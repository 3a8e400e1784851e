import { appendFileSync } from 'node:fs';
import type { RunResult } from './runner.js';

/**
 * Every command the tool runs is logged with its argv, exit code and duration, so an operator
 * (or a bug report) can see exactly what touched the host. Writes are synchronous appends: the
 * log must survive the process being killed mid-migration.
 */
export interface DebugLog {
  command(result: RunResult): void;
  note(message: string): void;
}

export function createFileLog(
  path: string | null,
  /** Where a line goes when the file cannot take it (a full or read-only disk); default: nowhere. */
  fallback?: (line: string) => void,
): DebugLog {
  const write = (line: string) => {
    if (!path) return;
    const stamped = `${new Date().toISOString()} ${line}\n`;
    try {
      appendFileSync(path, stamped, { mode: 0o600 });
    } catch {
      // Logging must never break a migration; a missing log directory only loses the log.
      try {
        fallback?.(stamped);
      } catch {
        // the fallback is best effort too
      }
    }
  };
  return {
    command(result) {
      const status = result.notFound ? 'not-found' : result.timedOut ? 'timeout' : `exit=${result.exitCode}`;
      write(`run ${JSON.stringify(result.argv)} ${status} ${result.durationMs.toFixed(1)}ms`);
      if (result.exitCode !== 0 && result.stderr) write(`  stderr: ${result.stderr.trim().slice(0, 2000)}`);
    },
    note(message) {
      write(message);
    },
  };
}

export const silentLog: DebugLog = { command() {}, note() {} };
