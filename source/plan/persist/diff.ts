/** A ConfigFile shows the change as a unified diff labelled with the file's path (a/ and b/). */
import { createTwoFilesPatch } from 'diff';
import type { ConfigFile } from '../types.js';

export function configFile(
  path: string,
  renderer: ConfigFile['renderer'],
  before: string | null,
  after: string | null,
  note: string,
): ConfigFile {
  const relative = path.replace(/^\/+/, '');
  const diff = createTwoFilesPatch(
    before === null ? '/dev/null' : `a/${relative}`,
    after === null ? '/dev/null' : `b/${relative}`,
    before ?? '',
    after ?? '',
    undefined,
    undefined,
    { context: 3 },
  );
  return { path, renderer, before, after, diff, note };
}
