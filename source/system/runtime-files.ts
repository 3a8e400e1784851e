/**
 * Runtime-only files (the renderer hold): written and removed under ROOT/run, nowhere else. /run is
 * a tmpfs, so whatever is written here is gone at the next boot; that is what lets a pending
 * change write config without breaking the promise that a reboot brings the old network back.
 *
 * Paths come from the plan as host paths ("/run/systemd/network/..."), are joined under --root-dir
 * here, and are refused unless they stay under ROOT/run after symbolic links are resolved: the
 * journal that carries them is root-only, but a path that escapes /run would be a persistent
 * change made before confirmation.
 */
import { mkdir, realpath } from 'node:fs/promises';
import { dirname, join, sep } from 'node:path';
import { readFileNoFollow, removeFile, UnsafePath, writeFileAtomic } from './atomic-file.js';

/** Why `path` is not a file path under /run in normal form, or null when it is. Pure. */
export function runtimePathProblem(path: string): string | null {
  if (!path.startsWith('/')) return 'is not absolute';
  if (/[\x00-\x1f\x7f]/.test(path)) return 'contains a control character';
  const parts = path.split('/').slice(1);
  if (parts.some((part) => part === '' || part === '.' || part === '..'))
    return 'is not in normal form (".", ".." or "//")';
  if (parts[0] !== 'run' || parts.length < 2) return 'is not a file under /run';
  return null;
}

export interface RuntimeFiles {
  /** Replaces the file atomically; missing parent directories are created 0755. */
  write(rootDir: string, path: string, content: string, mode: number): Promise<void>;
  /** Removes the file; false when it was not there. */
  remove(rootDir: string, path: string): Promise<boolean>;
  /** The file's text, or null when it is not there. */
  read(rootDir: string, path: string): Promise<string | null>;
}

export const runtimeFiles: RuntimeFiles = {
  async write(rootDir, path, content, mode) {
    const target = checkedJoin(rootDir, path);
    await mkdir(dirname(target), { recursive: true, mode: 0o755 });
    await refuseEscape(rootDir, path, dirname(target));
    await writeFileAtomic(target, content, { mode });
  },
  async remove(rootDir, path) {
    const target = checkedJoin(rootDir, path);
    if (!(await refuseEscape(rootDir, path, dirname(target)))) return false;
    return removeFile(target);
  },
  async read(rootDir, path) {
    const target = checkedJoin(rootDir, path);
    if (!(await refuseEscape(rootDir, path, dirname(target)))) return null;
    return (await readFileNoFollow(target))?.toString('utf8') ?? null;
  },
};

function checkedJoin(rootDir: string, path: string): string {
  const problem = runtimePathProblem(path);
  if (problem) throw new UnsafePath(path, problem, 'only files under /run are written before confirmation');
  return join(rootDir, path);
}

/**
 * Throws when the directory resolves outside ROOT/run (a symbolic link on the way); false when it
 * does not exist (nothing to remove or read there).
 */
async function refuseEscape(rootDir: string, path: string, directory: string): Promise<boolean> {
  let resolved: string;
  let run: string;
  try {
    resolved = await realpath(directory);
    run = await realpath(join(rootDir, 'run'));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return false;
    throw error;
  }
  if (resolved !== run && !resolved.startsWith(run + sep)) {
    throw new UnsafePath(
      path,
      `resolves to ${resolved}, outside ${run}`,
      'remove the symbolic link that leads out of /run',
    );
  }
  return true;
}
