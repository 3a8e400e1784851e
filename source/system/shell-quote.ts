/**
 * A word as a POSIX shell reads it back: every command the tool tells the operator to paste (a
 * step, an inverse, a fix naming a path) is quoted here, once. Below plan/ so that the system
 * layer's own fixes (trusted-path.ts) quote paths the same way.
 */
import { displaySafe, hasUnsafeText } from './display-text.js';

export function shellQuote(token: string): string {
  if (token !== '' && /^[A-Za-z0-9_@%+=:,./-]+$/.test(token)) return token;
  // A control character (from a process's argv) would act on the terminal that shows the line:
  // bash's $'...' spells it as an escape and reads it back as the same character.
  if (hasUnsafeText(token)) return `$'${displaySafe(token.replace(/\\/g, '\\\\').replace(/'/g, "\\'"))}'`;
  return `'${token.replace(/'/g, `'\\''`)}'`;
}
