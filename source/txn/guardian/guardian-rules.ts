/**
 * The guardian's two judgements, as small state machines fed with times and results, so they are
 * tested without processes or clocks:
 * - has the deadline passed? The journal's deadline is wall-clock (every process must agree on
 *   it), but the wall clock can be stepped (NTP, an operator's `date -s`). A step backwards would
 *   postpone the revert by as much as it stepped, so the guardian also keeps a monotonic deadline,
 *   re-anchored whenever the journal's deadline changes (an extension), and acts on whichever
 *   passes first. A step forwards reverts early, which is the safe side: past the wall deadline
 *   nobody can confirm any more (journal-edits refuses it), so waiting would only leave the host
 *   in limbo.
 * - has a check that passed at baseline kept failing? One lost ping is noise; a check counts as
 *   broken only after at least two watches in a row failed it AND it has been failing for
 *   `failForMs`, measured from the start of the first failing watch.
 */
import type { CheckResult } from '../engine/engine-api.js';

export interface DeadlineClock {
  /** The journal's deadline, epoch ms. */
  deadline: number;
  /** Wall clock now, epoch ms. */
  now: number;
  /** Monotonic now, ms. */
  monotonic: number;
}

export interface DeadlineTracker {
  /** Feeds the journal's current deadline; returns milliseconds left (<= 0: passed). */
  remainingMs(seen: DeadlineClock): number;
}

export function trackDeadline(): DeadlineTracker {
  let anchored: { deadline: number; monotonicDeadline: number } | null = null;
  return {
    remainingMs({ deadline, now, monotonic }) {
      if (anchored === null || anchored.deadline !== deadline) {
        anchored = { deadline, monotonicDeadline: monotonic + (deadline - now) };
      }
      return Math.min(deadline - now, anchored.monotonicDeadline - monotonic);
    },
  };
}

export interface BrokenCheck {
  id: string;
  title: string;
  target: string;
  detail: string;
  /** How many watches in a row failed it. */
  failures: number;
  /** How long it has been failing, ms. */
  failingForMs: number;
}

export interface WatchVerdictTracker {
  /** Feeds one watch's results, with the monotonic times it started and ended. */
  record(results: readonly CheckResult[], startedAt: number, endedAt: number): void;
  /** The checks that have failed long enough to revert for; empty while none has. */
  broken(): BrokenCheck[];
}

export function trackWatchFailures(options: {
  failForMs: number;
  minFailures?: number;
}): WatchVerdictTracker {
  const minFailures = Math.max(2, options.minFailures ?? 2);
  const failing = new Map<
    string,
    { since: number; lastEnd: number; failures: number; result: CheckResult }
  >();
  return {
    record(results, startedAt, endedAt) {
      const seen = new Set<string>();
      for (const result of results) {
        const key = `${result.id}|${result.target}`;
        seen.add(key);
        if (result.ok) {
          failing.delete(key);
          continue;
        }
        const before = failing.get(key);
        failing.set(key, {
          since: before?.since ?? startedAt,
          lastEnd: endedAt,
          failures: (before?.failures ?? 0) + 1,
          result,
        });
      }
      // A check no longer watched (the baseline changed) is no longer failing.
      for (const key of failing.keys()) if (!seen.has(key)) failing.delete(key);
    },
    broken() {
      return [...failing.values()]
        .filter((entry) => entry.failures >= minFailures && entry.lastEnd - entry.since >= options.failForMs)
        .map((entry) => ({
          id: entry.result.id,
          title: entry.result.title,
          target: entry.result.target,
          detail: entry.result.detail,
          failures: entry.failures,
          failingForMs: entry.lastEnd - entry.since,
        }));
    },
  };
}
