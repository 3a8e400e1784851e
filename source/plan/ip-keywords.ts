/**
 * Words `ip` reads as something other than a name wherever they stand in a line: switching to
 * another network namespace or running a program (`netns`, `exec`, and the global options
 * `-batch`/`-b`, `-n`/`-netns`, `-force`). A revert refuses every line that holds one
 * (revert-allowlist.ts), so a bridge may not be named after one either (names.ts).
 */
export const IP_FORBIDDEN_TOKENS: ReadonlySet<string> = new Set([
  'netns',
  'exec',
  '-batch',
  '-b',
  '-n',
  '-netns',
  '-force',
]);
