import { readFileSync } from 'node:fs';

/** A parser fixture's text (see fixtures/README.md for which were captured and which composed). */
export function fixture(name: string): string {
  return readFileSync(new URL(`./fixtures/${name}`, import.meta.url), 'utf8');
}
