/**
 * What stands between a plan and the apply question: blockers refuse outright, warnings need the
 * operator's acknowledgement, and a dry run never applies. Pure, so the key hints, the status
 * line and the store's Enter action all agree.
 */
import type { Plan, Verdict, VerdictLevel } from '../plan/types.js';

export function verdictsAt(plan: Plan, level: VerdictLevel): Verdict[] {
  return plan.verdicts.filter((verdict) => verdict.level === level);
}

export function isBlocked(plan: Plan): boolean {
  return plan.blocked || verdictsAt(plan, 'blocker').length > 0;
}

/** Warnings still waiting for `a`. */
export function unacknowledgedWarnings(plan: Plan, acknowledged: boolean): number {
  return acknowledged ? 0 : verdictsAt(plan, 'warning').length;
}

export type ApplyGate =
  | { kind: 'blocked'; reasons: string[] }
  | { kind: 'needs-acknowledgement'; warnings: number }
  | { kind: 'dry-run' }
  | { kind: 'ask' };

export function applyGate(plan: Plan, acknowledged: boolean, dryRun: boolean): ApplyGate {
  if (isBlocked(plan)) return { kind: 'blocked', reasons: verdictsAt(plan, 'blocker').map((v) => v.reason) };
  const warnings = unacknowledgedWarnings(plan, acknowledged);
  if (warnings > 0) return { kind: 'needs-acknowledgement', warnings };
  if (dryRun) return { kind: 'dry-run' };
  return { kind: 'ask' };
}

export function plural(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? '' : 's'}`;
}
