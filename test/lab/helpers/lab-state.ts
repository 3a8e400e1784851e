import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { createLab } from '../../../source/lab/lab.js';
import { NETNS_ETC, removeNetnsEtc } from '../../../source/lab/netns-etc.js';
import type { Lab, LabOptions } from '../../../source/lab/types.js';

/** Everything a lab owns, recorded while it is up, to check that teardown left none of it. */
export interface LabFootprint {
  namespaces: string[];
  pids: number[];
  dir: string;
}

export function footprint(lab: Lab): LabFootprint {
  return { namespaces: [...lab.namespaces()], pids: lab.processes().map((p) => p.pid), dir: lab.dir };
}

/** Names from `ip netns list` (each line is "NAME" or "NAME (id: N)"). */
export function listNamespaces(): string[] {
  const result = spawnSync('ip', ['netns', 'list'], { encoding: 'utf8', timeout: 5_000 });
  if (result.status !== 0) throw new Error(`ip netns list failed: ${result.stderr}`);
  return result.stdout
    .split('\n')
    .map((line) => line.split(' ')[0] ?? '')
    .filter(Boolean);
}

/** A pid counts as alive while /proc has it in any state but zombie. */
export function isAlive(pid: number): boolean {
  const stat = `/proc/${pid}/stat`;
  if (!existsSync(stat)) return false;
  try {
    const text = readFileSync(stat, 'utf8');
    const state = text.slice(text.lastIndexOf(')') + 2, text.lastIndexOf(')') + 3);
    return state !== 'Z' && state !== 'X';
  } catch {
    return false;
  }
}

/** What of a footprint is still there; all empty after a complete teardown. `etc` lists the
 * namespaces whose /etc/netns/NAME (the lab's resolv.conf) is still there. */
export function leftovers(print: LabFootprint): {
  namespaces: string[];
  pids: number[];
  dir: boolean;
  etc: string[];
} {
  const present = new Set(listNamespaces());
  return {
    namespaces: print.namespaces.filter((ns) => present.has(ns)),
    pids: print.pids.filter(isAlive),
    dir: existsSync(print.dir),
    etc: print.namespaces.filter((ns) => existsSync(join(NETNS_ETC, ns))),
  };
}

/** Everything of a footprint when its owner could not clean up (a child lab killed by SIGKILL,
 * which no handler sees): the test that started it removes it, by pid and by name. */
export function removeFootprint(print: LabFootprint): void {
  for (const pid of print.pids) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // Already gone.
    }
  }
  const present = new Set(listNamespaces());
  for (const ns of print.namespaces) {
    if (present.has(ns)) spawnSync('ip', ['netns', 'delete', ns], { stdio: 'ignore', timeout: 5_000 });
    removeNetnsEtc(ns);
  }
  rmSync(print.dir, { recursive: true, force: true });
}

/** Pids of live processes whose command line mentions `text` (e.g. a lab's temp root). */
export function processesMentioning(text: string): number[] {
  const pids: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      if (readFileSync(`/proc/${entry}/cmdline`, 'utf8').includes(text) && isAlive(Number(entry)))
        pids.push(Number(entry));
    } catch {
      // The process ended while we looked.
    }
  }
  return pids;
}

/**
 * Runs `body` with a fresh lab and always tears it down, also when `body` throws; the body's error
 * wins over a teardown problem, and a teardown problem fails an otherwise passing test.
 */
export async function withLab<T>(options: LabOptions, body: (lab: Lab) => Promise<T>): Promise<T> {
  const lab = await createLab(options);
  let outcome: { value: T } | { error: unknown };
  try {
    outcome = { value: await body(lab) };
  } catch (error) {
    outcome = { error };
  }
  const report = await lab.teardown();
  if ('error' in outcome) throw outcome.error;
  if (report.problems.length > 0) throw new Error(`lab teardown incomplete: ${report.problems.join('; ')}`);
  return outcome.value;
}
