import { execa } from 'execa';
import type { DebugLog } from './debug-log.js';
import { DEFAULT_TIMEOUT_MS, type Runner, type RunOptions, type RunResult } from './runner.js';

/** The real runner: execa with an argv array, no shell, stdin ignored (or fed `input`), bounded by a timeout. */
export function createExecRunner(log: DebugLog): Runner {
  return {
    async run(argv: readonly string[], options: RunOptions = {}): Promise<RunResult> {
      const [file, ...args] = argv;
      if (!file) throw new Error('empty argv');
      const started = performance.now();
      const child = await execa(file, args, {
        reject: false,
        ...(options.input === undefined ? { stdin: 'ignore' as const } : { input: options.input }),
        timeout: options.timeoutMs ?? DEFAULT_TIMEOUT_MS,
        // Probes parse English output (ip, nmcli -t); a localized message must not break them.
        env: { LC_ALL: 'C' },
        stripFinalNewline: false,
        maxBuffer: 64 * 1024 * 1024,
      });
      const durationMs = performance.now() - started;
      const code = (child as { code?: string }).code;
      const notFound = code === 'ENOENT' || code === 'EACCES';
      const result: RunResult = {
        argv: [...argv],
        exitCode: typeof child.exitCode === 'number' ? child.exitCode : notFound ? 127 : -1,
        stdout: String(child.stdout ?? ''),
        stderr: String(child.stderr ?? ''),
        durationMs,
        timedOut: Boolean(child.timedOut),
        notFound,
      };
      log.command(result);
      return result;
    },
  };
}
