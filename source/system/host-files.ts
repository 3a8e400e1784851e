import { readdir, readFile, readlink } from 'node:fs/promises';
import type { FileReader } from './files.js';

/** Reads the machine's real files. Paths are absolute; callers join --root-dir where it applies. */
export function createHostFiles(): FileReader {
  return {
    async readFile(path) {
      try {
        return await readFile(path, 'utf8');
      } catch {
        return null;
      }
    },
    async listDir(path) {
      try {
        return (await readdir(path)).sort();
      } catch {
        return null;
      }
    },
    async readLink(path) {
      try {
        return await readlink(path);
      } catch {
        return null;
      }
    },
  };
}
