/**
 * The suite's own hygiene: what the lab and e2e tests may leave on the machine if a teardown path
 * is missed — lab namespaces, their /etc/netns/NAME directories (the lab's resolv.conf, outside
 * every temp dir), mounts under /tmp, processes and files of the run.
 *
 * Only what this run made counts, so that another run on the same machine (a second checkout, a
 * colleague) is never reported: the run gets its own temp directory (TMPDIR, inherited by the
 * test workers and every process they start), so its files and the command lines of its
 * processes name that directory; and every lab dir appearing in it (`<prefix>-XXXXXX`,
 * source/lab/lab.ts) names a lab prefix (source/lab/names.ts: `bm` + 6 hex digits), whose
 * namespaces and /etc/netns entries are `<prefix>-*`. Read-only apart from that directory.
 */
import { spawnSync } from 'node:child_process';
import {
  chmodSync,
  existsSync,
  type FSWatcher,
  mkdtempSync,
  readdirSync,
  readFileSync,
  watch,
} from 'node:fs';
import { NETNS_ETC } from '../../../source/lab/netns-etc.js';

/** A lab's temp dir name, `<prefix>-XXXXXX`; the prefix is its first 8 characters. */
const LAB_DIR = /^(bm[0-9a-f]{6})-/;

export interface Leftovers {
  namespaces: string[];
  netnsEtc: string[];
  /** Mount points under the run's temp directory that were not there when the run began. */
  tmpMounts: string[];
  /** "pid command line" of live processes that name the run's temp directory. */
  processes: string[];
  /** Whatever is still in the run's temp directory. */
  files: string[];
}

export interface RunScope {
  readonly dir: string;
  /** What the run left; empty lists when it left nothing. */
  leftovers(): Leftovers;
  /** Stops watching; the directory stays (evidence) unless it is empty. */
  close(): void;
}

/** Starts a run: a fresh temp directory (world-writable and sticky, like /tmp) and its watcher. */
export function startRunScope(parent = '/tmp'): RunScope {
  const dir = mkdtempSync(`${parent}/bm-run-`);
  chmodSync(dir, 0o1777);
  const prefixes = new Set<string>();
  const note = (name: string | null) => {
    const match = name ? LAB_DIR.exec(name) : null;
    if (match?.[1]) prefixes.add(match[1]);
  };
  const watcher: FSWatcher = watch(dir, (_event, name) => note(name));
  const mountsBefore = new Set(tmpMountPoints());
  return {
    dir,
    leftovers() {
      for (const name of readdirSync(dir)) note(name);
      const ours = (name: string) => prefixes.has(name.slice(0, 8)) && name[8] === '-';
      return {
        namespaces: netnsList().filter(ours),
        netnsEtc: existsSync(NETNS_ETC) ? readdirSync(NETNS_ETC).filter(ours) : [],
        // Only under the run's own directory: a run beside it (the lease project) has its own.
        tmpMounts: tmpMountPoints().filter(
          (point) => !mountsBefore.has(point) && (point === dir || point.startsWith(`${dir}/`)),
        ),
        processes: processesNaming(dir),
        files: readdirSync(dir),
      };
    },
    close() {
      watcher.close();
      if (readdirSync(dir).length === 0) spawnSync('rmdir', [dir], { timeout: 5_000 });
    },
  };
}

export function isClean(left: Leftovers): boolean {
  return Object.values(left).every((items) => items.length === 0);
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
  return readFileSync('/proc/self/mountinfo', 'utf8')
    .split('\n')
    .map((line) => line.split(' ')[4] ?? '')
    .map((point) =>
      point.replace(/\\([0-7]{3})/g, (_all, code: string) => String.fromCharCode(Number.parseInt(code, 8))),
    )
    .filter((point) => point === '/tmp' || point.startsWith('/tmp/'));
}

function processesNaming(text: string): string[] {
  const found: string[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry) || Number(entry) === process.pid) continue;
    try {
      const cmdline = readFileSync(`/proc/${entry}/cmdline`, 'utf8').replaceAll('\0', ' ').trim();
      if (!cmdline.includes(text)) continue;
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const state = stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3);
      if (state !== 'Z') found.push(`${entry} ${cmdline}`);
    } catch {
      // The process ended while we looked.
    }
  }
  return found;
}
