/**
 * Starting the guardian where no service manager can: a child in its own session that outlives
 * the process that starts it. spawn-detached.ts does the same for a DHCP client and forgets it;
 * the guardian's starter needs more, so this is its own small module:
 * - stdout/stderr go to the debug log (append, 0600), so a guardian that dies before it can log
 *   anything still leaves its stack trace somewhere an operator can read;
 * - the caller learns when the child ends, to fail fast instead of waiting out the bound;
 * - the caller can kill it by pid when it never came up.
 *
 * `detached: true` makes node call setsid(2) in the child: it has no controlling terminal, so the
 * SIGHUP the kernel sends a session when the SSH terminal goes away never reaches it (the guardian
 * also ignores SIGHUP itself). The ChildProcess handle is kept (unref'd, so it does not keep this
 * process alive) because node reaps an exited child only through that handle: dropping it would
 * leave a zombie behind for as long as this process runs.
 */
import { spawn } from 'node:child_process';
import { closeSync } from 'node:fs';
import { openLogFile } from './debug-log.js';

export interface DetachedChild {
  pid: number;
  /** Resolves when the child ends (never rejects). */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** True once `exited` has resolved. */
  hasExited(): boolean;
  /** Sends `signal` by pid; false when it had already ended. */
  kill(signal: NodeJS.Signals): boolean;
}

export interface DetachOptions {
  /** File that receives the child's stdout and stderr (appended, created 0600); null: discarded. */
  logPath: string | null;
  env?: NodeJS.ProcessEnv;
}

/** Resolves once the program has started (pid known); rejects when it could not be started. */
export function startDetached(argv: readonly string[], options: DetachOptions): Promise<DetachedChild> {
  const [file, ...args] = argv;
  if (!file) return Promise.reject(new Error('empty argv'));
  const output = openOutput(options.logPath);
  return new Promise((resolve, reject) => {
    const child = spawn(file, args, {
      detached: true,
      stdio: ['ignore', output ?? 'ignore', output ?? 'ignore'],
      env: options.env ?? process.env,
      cwd: '/',
    });
    // The child has its own copy of the descriptor once spawn returns.
    if (output !== null) closeSync(output);
    let ended = false;
    const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((done) => {
      child.once('exit', (code, signal) => {
        ended = true;
        done({ code, signal });
      });
    });
    child.once('error', (error) => reject(new Error(`cannot start ${argv.join(' ')}: ${error.message}`)));
    child.once('spawn', () => {
      child.unref();
      const pid = child.pid;
      if (pid === undefined) {
        reject(new Error(`${argv.join(' ')} started without a pid`));
        return;
      }
      resolve({
        pid,
        exited,
        hasExited: () => ended,
        kill(signal) {
          if (ended) return false;
          try {
            return child.kill(signal);
          } catch {
            return false;
          }
        },
      });
    });
  });
}

function openOutput(path: string | null): number | null {
  if (path === null) return null;
  try {
    // Appended as root: never through a symlink planted at the path (system/debug-log.ts).
    return openLogFile(path);
  } catch {
    // A log that cannot be opened must not stop the guardian from starting.
    return null;
  }
}
