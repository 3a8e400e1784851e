import { spawnSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import { removeNetnsEtc } from './netns-etc.js';

/**
 * Teardown must run even when the test or the operator does not get to call it: Ctrl-C, a
 * SIGTERM from a CI runner, or the process exiting with labs still up. While at least one lab
 * exists, this module listens for SIGINT, SIGTERM, SIGHUP and `exit`; when the last lab is torn down the
 * listeners are removed again, so an idle process behaves as if the lab code were never loaded.
 *
 * Signals get the full asynchronous teardown and then the signal is raised again, so the process
 * still ends the way the sender asked. `exit` only allows synchronous work (Node runs no more
 * event-loop turns), so there each lab's `emergency` runs instead.
 */
export interface ExitHook {
  /** The normal teardown (kills by pid, deletes namespaces, removes the temp dir). */
  teardown(): Promise<unknown>;
  /** Synchronous best effort for the `exit` event. */
  emergency(): void;
}

const hooks = new Set<ExitHook>();
let signalling = false;

export function registerExitHook(hook: ExitHook): () => void {
  if (hooks.size === 0) install();
  hooks.add(hook);
  return () => {
    hooks.delete(hook);
    if (hooks.size === 0) uninstall();
  };
}

export function activeExitHooks(): number {
  return hooks.size;
}

// SIGHUP too: a lab run over SSH or in a tmux pane that goes away gets SIGHUP, whose default
// action ends the process without an `exit` event, so nothing would be removed.
function install(): void {
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  process.on('SIGHUP', onSignal);
  process.on('exit', onExit);
}

function uninstall(): void {
  process.off('SIGINT', onSignal);
  process.off('SIGTERM', onSignal);
  process.off('SIGHUP', onSignal);
  process.off('exit', onExit);
}

function onSignal(signal: NodeJS.Signals): void {
  if (signalling) return;
  signalling = true;
  const pending = [...hooks].map((hook) => hook.teardown().catch(() => {}));
  void Promise.allSettled(pending).then(() => {
    uninstall();
    hooks.clear();
    signalling = false;
    // With our listener gone, the default action (or whoever else listens) decides the exit.
    process.kill(process.pid, signal);
  });
}

function onExit(): void {
  for (const hook of [...hooks]) {
    try {
      hook.emergency();
    } catch {
      // One lab failing to clean up must not stop the others.
    }
  }
  hooks.clear();
}

/**
 * The synchronous part of an emergency teardown. Only used from the `exit` event, where the
 * asynchronous Runner can no longer run anything; argv arrays still, never a shell.
 */
export function emergencyTeardown(pids: readonly number[], namespaces: readonly string[], dir: string): void {
  for (const pid of pids) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // Already gone.
    }
  }
  // Programs started in the namespaces by others (a guardian, a CLI a test ran there) keep a
  // namespace alive after `ip netns delete`; they are this lab's to end, as in the normal teardown.
  for (const ns of namespaces) {
    const listed = spawnSync('ip', ['netns', 'pids', ns], { encoding: 'utf8', timeout: 5_000 });
    for (const token of (listed.stdout ?? '').split(/\s+/)) {
      const pid = Number(token);
      if (!Number.isInteger(pid) || pid <= 1 || pid === process.pid) continue;
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        // Already gone.
      }
    }
  }
  for (const ns of [...namespaces].reverse()) {
    spawnSync('ip', ['netns', 'delete', ns], { stdio: 'ignore', timeout: 5_000 });
    removeNetnsEtc(ns);
  }
  rmSync(dir, { recursive: true, force: true });
}
