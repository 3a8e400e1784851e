import { constants } from 'node:fs';
import { open, readdir, readFile, readlink } from 'node:fs/promises';
import type { FileReader } from './files.js';

/** Reads the machine's real files. Paths are absolute; callers join --root-dir where it applies. */
export function createHostFiles(): FileReader {
  return {
    async readFile(path, options) {
      try {
        return options?.maxBytes === undefined
          ? await readFile(path, 'utf8')
          : await readHead(path, options.maxBytes + 1);
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

/**
 * The first `limit` bytes of a file as UTF-8. O_NONBLOCK: a FIFO planted where a file is expected
 * then reads as empty instead of blocking the probe until someone writes to it.
 */
async function readHead(path: string, limit: number): Promise<string> {
  const handle = await open(path, constants.O_RDONLY | constants.O_NONBLOCK);
  try {
    const buffer = Buffer.alloc(limit);
    let filled = 0;
    while (filled < limit) {
      const { bytesRead } = await handle.read(buffer, filled, limit - filled, null);
      if (bytesRead === 0) break;
      filled += bytesRead;
    }
    return buffer.subarray(0, filled).toString('utf8');
  } finally {
    await handle.close();
  }
}
