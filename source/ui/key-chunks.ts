/**
 * Splits a chunk of typed keys into single keys. Ink hands `useInput` whatever one read() of
 * stdin returned; keys typed quickly, pasted, or buffered while a slow SSH link stalled arrive
 * together ("a\t", "ay") and would match no binding, so they were silently dropped. Escape
 * sequences (arrows, PgUp) are left whole: Ink has already parsed those.
 */
import type { Key } from 'ink';

const NAMED: Record<string, Partial<Key>> = {
  '\t': { tab: true },
  '\r': { return: true },
  '\n': { return: true },
  '\x7f': { backspace: true },
  '\b': { backspace: true },
};

export function splitKeyChunk(input: string, key: Key): Array<[string, Key]> {
  const chars = [...input];
  if (chars.length <= 1 || input.includes('\x1b') || key.ctrl || key.meta) return [[input, key]];
  const plain: Key = { ...key, tab: false, return: false, backspace: false, shift: false };
  return chars.map((char) => {
    const named = NAMED[char];
    if (named) return ['', { ...plain, ...named }];
    return [char, { ...plain, shift: /[A-Z]/.test(char) }];
  });
}
