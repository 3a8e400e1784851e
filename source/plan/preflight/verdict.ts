/** Verdict constructors: every verdict is one sentence of reason and one sentence of fix. */
import type { Verdict } from '../types.js';

export function blocker(id: string, reason: string, fix: string): Verdict {
  return { id, level: 'blocker', reason, fix };
}

export function warning(id: string, reason: string, fix: string): Verdict {
  return { id, level: 'warning', reason, fix };
}

export function info(id: string, reason: string, fix: string): Verdict {
  return { id, level: 'info', reason, fix };
}
