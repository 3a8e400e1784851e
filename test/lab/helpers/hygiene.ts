/**
 * The suite's own hygiene: what the lab and e2e tests may leave on the machine if a teardown path
 * is missed — lab namespaces, their /etc/netns/NAME directories (the lab's resolv.conf, outside
 * every temp dir), mounts under /tmp, lab processes and lab temp dirs. Read-only; every name is
 * matched against the lab prefix convention (source/lab/names.ts: `bm` + 6 hex digits, then `-`).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { NETNS_ETC } from '../../../source/lab/netns-etc.js';

/** A lab's names: namespaces `<prefix>-r`, `<prefix>-v1`, temp dirs `<prefix>-XXXXXX`. */
export const LAB_NAME = /^bm[0-9a-f]{6}-/;

export interface MachineState {
  namespaces: string[];
  netnsEtc: string[];
  /** Mount points at or under /tmp, from this process's mount table. */
  tmpMounts: string[];
  /** "pid command line" of processes that name a lab or test temp dir (`/tmp/bm…`). */
  processes: string[];
  /** Lab temp dirs left in the temp directory. */
  labDirs: string[];
}

export function machineState(): MachineState {
  const temp = tmpdir();
  return {
    namespaces: netnsList().filter((name) => LAB_NAME.test(name)),
    netnsEtc: existsSync(NETNS_ETC) ? readdirSync(NETNS_ETC).filter((name) => LAB_NAME.test(name)) : [],
    tmpMounts: tmpMountPoints(),
    processes: processesNaming(`${temp}/bm`),
    labDirs: readdirSync(temp).filter((name) => LAB_NAME.test(name)),
  };
}

/** What `after` has that `before` had not: what the run in between left behind. */
export function leftBehind(before: MachineState, after: MachineState): Partial<MachineState> {
  const left: Partial<MachineState> = {};
  for (const key of Object.keys(after) as (keyof MachineState)[]) {
    const had = new Set(before[key]);
    const added = after[key].filter((item) => !had.has(item));
    if (added.length > 0) left[key] = added;
  }
  return left;
}

function netnsList(): string[] {
  const result = spawnSync('ip', ['netns', 'list'], { encoding: 'utf8', timeout: 5_000 });
  if (result.status !== 0) throw new Error(`ip netns list failed: ${result.stderr}`);
  return result.stdout
    .split('\n')
    .map((line) => line.split(' ')[0] ?? '')
    .filter(Boolean);
}

/** /proc/self/mountinfo field 5 is the mount point, with spaces and the like octal-escaped. */
function tmpMountPoints(): string[] {
  const temp = tmpdir();
  return readFileSync('/proc/self/mountinfo', 'utf8')
    .split('\n')
    .map((line) => line.split(' ')[4] ?? '')
    .map((point) =>
      point.replace(/\\([0-7]{3})/g, (_all, code: string) => String.fromCharCode(Number.parseInt(code, 8))),
    )
    .filter((point) => point === temp || point.startsWith(`${temp}/`));
}

function processesNaming(text: string): string[] {
  const found: string[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry) || Number(entry) === process.pid) continue;
    try {
      const cmdline = readFileSync(`/proc/${entry}/cmdline`, 'utf8').replaceAll('\0', ' ').trim();
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const state = stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3);
      if (cmdline.includes(text) && state !== 'Z') found.push(`${entry} ${cmdline}`);
    } catch {
      // The process ended while we looked.
    }
  }
  return found;
}
