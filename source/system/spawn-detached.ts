/**
 * Starting a long-running program that must outlive the process that starts it: the DHCP client
 * a revert restarts keeps the host's lease after `rollback` or the guardian has exited. So the
 * child gets its own session (setsid: no controlling terminal, so the SIGHUP of a dropped SSH
 * session never reaches it), ignores stdio (nothing ties it to our pipes, and a closed terminal
 * cannot hand it EPIPE/SIGPIPE), and is unref'd so this process may exit first. Like the Runner,
 * it takes an argv array and never a shell string.
 *
 * It runs as root, so a program named by its path must be one only root can change: owned by root
 * and not writable by group or others, in a directory that is the same. Otherwise whoever could
 * write it (a DHCP client binary left in a user's directory) would choose what root runs.
 */
import { spawn } from 'node:child_process';
import { stat } from 'node:fs/promises';
import { dirname } from 'node:path';

export interface DetachedProcess {
  pid: number;
}

export type SpawnDetached = (argv: readonly string[]) => Promise<DetachedProcess>;

/** Resolves once the program has started (its pid known), rejects when it could not be started. */
export const spawnDetached: SpawnDetached = async (argv) => {
  const [file, ...args] = argv;
  if (!file) throw new Error('empty argv');
  if (file.startsWith('/')) {
    const problem = await othersCanReplace(file);
    if (problem) throw new Error(`not starting ${argv.join(' ')}: ${problem}`);
  }
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

/** Why someone other than root could replace the program at `file`; null when only root can. */
export async function othersCanReplace(file: string): Promise<string | null> {
  for (const path of [file, dirname(file)]) {
    let info: Awaited<ReturnType<typeof stat>>;
    try {
      info = await stat(path);
    } catch (error) {
      return `cannot check ${path} (${(error as NodeJS.ErrnoException).code ?? 'error'})`;
    }
    if (info.uid !== 0) return `${path} belongs to uid ${info.uid}, not root`;
    if ((info.mode & 0o022) !== 0)
      return `${path} is writable by group or others (mode ${(info.mode & 0o7777).toString(8)})`;
  }
  return null;
}
