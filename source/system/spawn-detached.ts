/**
 * Starting a long-running program that must outlive the process that starts it: the DHCP client
 * a revert restarts keeps the host's lease after `rollback` or the guardian has exited. So the
 * child gets its own session (setsid: no controlling terminal, so the SIGHUP of a dropped SSH
 * session never reaches it), ignores stdio (nothing ties it to our pipes, and a closed terminal
 * cannot hand it EPIPE/SIGPIPE), and is unref'd so this process may exit first. Like the Runner,
 * it takes an argv array and never a shell string.
 */
import { spawn } from 'node:child_process';

export interface DetachedProcess {
  pid: number;
}

export type SpawnDetached = (argv: readonly string[]) => Promise<DetachedProcess>;

/** Resolves once the program has started (its pid known), rejects when it could not be started. */
export const spawnDetached: SpawnDetached = (argv) => {
  const [file, ...args] = argv;
  if (!file) return Promise.reject(new Error('empty argv'));
  return new Promise((resolve, reject) => {
    const child = spawn(file, args, {
      detached: true,
      stdio: 'ignore',
      // The same C locale the Runner uses: a DHCP client's scripts parse `ip` output too.
      env: { ...process.env, LC_ALL: 'C' },
    });
    child.once('error', (error) => reject(new Error(`cannot start ${argv.join(' ')}: ${error.message}`)));
    child.once('spawn', () => {
      child.unref();
      if (child.pid === undefined) reject(new Error(`${argv.join(' ')} started without a pid`));
      else resolve({ pid: child.pid });
    });
  });
};
