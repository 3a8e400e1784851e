/**
 * The countdown's live rows (DESIGN.md flow step 5), as pure functions of what the journal said:
 * a progress bar with the seconds left by the host clock, whether the guardian is alive, and the
 * latest watch checks. Everything that does not change each second (the commands for another
 * session, who enforces the deadline) was printed once above, so these few rows are all a slow
 * SSH link redraws, about once a second.
 */
import type { Watched } from '../store/app-state.js';
import { clockTime } from '../store/clock-time.js';
import type { CheckResult } from '../txn/engine/engine-api.js';
import { guardianAlert } from '../txn/guardian/guardian-alert.js';
import type { Glyphs } from './glyphs.js';
import { keyLabel } from './keys.js';
import { type Row, type Tone, wrapped } from './rows.js';
import { clip } from './text-fit.js';

export const BAR_CELLS = 20;
/** Below this many seconds the bar turns to a warning. */
const HURRY_SEC = 15;

export function secondsLeft(deadline: number, now: number): number {
  return Math.max(0, Math.ceil((deadline - now) / 1000));
}

/** `cells` cells, the full part standing for the time left out of `windowMs`. */
export function progressBar(leftMs: number, windowMs: number, glyphs: Glyphs, cells = BAR_CELLS): string {
  const fraction = windowMs > 0 ? Math.min(1, Math.max(0, leftMs / windowMs)) : 0;
  const full = Math.ceil(fraction * cells);
  return glyphs.barFull.repeat(full) + glyphs.barEmpty.repeat(cells - full);
}

const CHECK_NAMES: Record<string, string> = {
  'gateway-arp': 'gateway ARP',
  'gateway-icmp': 'gateway ping',
  'peer-icmp': 'peer',
  dns: 'DNS',
};

/**
 * Whole seconds since a beat, never "0": a beat written every second reads "1 s ago" steadily
 * instead of flickering between 0 and 1 (each flicker a redraw over SSH), and grows when stale.
 */
export function beatAge(ms: number): string {
  return `${Math.max(1, Math.ceil(ms / 1000))} s ago`;
}

export function guardianRow(watched: Watched, glyphs: Glyphs, width: number): Row {
  const { guardian } = watched.reading;
  const asRow = (text: string, tone: Tone): Row => ({ text: clip(text, width, glyphs), tone });
  if (!guardian.info)
    return asRow(`${glyphs.warning} No guardian recorded: nothing reverts by itself.`, 'warning');
  if (!guardian.alive) {
    return asRow(
      `${glyphs.failed} Guardian (pid ${guardian.info.pid}) is NOT running: nothing reverts by itself; ${keyLabel('rollback')} rolls back.`,
      'blocker',
    );
  }
  if (guardian.blocker)
    return asRow(
      `${glyphs.warning} Guardian (pid ${guardian.info.pid}) alive but blocked: ${guardian.blocker}`,
      'warning',
    );
  const beat = guardian.heartbeatAgeMs === null ? '' : `, heartbeat ${beatAge(guardian.heartbeatAgeMs)}`;
  return asRow(`${glyphs.ok} Guardian (pid ${guardian.info.pid}) alive${beat}`, 'plain');
}

/** The checks on screen: the guardian's latest watch, or this session's own while none watches. */
export function shownChecks(
  watched: Watched,
): { by: "Guardian's" | "This session's"; at: number; results: CheckResult[] } | null {
  const guardianWatch = watched.reading.journal.watch;
  if (watched.reading.guardian.alive) {
    return guardianWatch ? { by: "Guardian's", ...guardianWatch } : null;
  }
  return watched.localChecks ? { by: "This session's", ...watched.localChecks } : null;
}

export function checkRows(watched: Watched, glyphs: Glyphs, width: number): Row[] {
  const checks = shownChecks(watched);
  if (!checks) {
    const waiting = watched.reading.guardian.alive
      ? "Checks: waiting for the guardian's first watch."
      : 'Checks: running them from this session (no guardian watches)...';
    return [{ text: clip(glyphs.text(waiting), width, glyphs), tone: 'dim' }];
  }
  if (checks.results.length === 0) {
    return [
      {
        text: clip('Checks: none passed before the change, so none is watched.', width, glyphs),
        tone: 'dim',
      },
    ];
  }
  const marks = checks.results
    .map((result) => `${result.ok ? glyphs.ok : glyphs.failed} ${CHECK_NAMES[result.id] ?? result.title}`)
    .join('  ');
  const failing = checks.results.filter((result) => !result.ok);
  // The time of the watch, not its age: the row changes with each watch, not with each second.
  const rows: Row[] = [
    {
      text: clip(`${checks.by} checks at ${clockTime(checks.at)}: ${marks}`, width, glyphs),
      tone: failing.length > 0 ? 'warning' : 'plain',
    },
  ];
  for (const result of failing) {
    rows.push(
      ...wrapped(
        `  ${glyphs.failed} ${glyphs.text(`${result.title}: ${result.detail}`)}`,
        'warning',
        width,
        '    ',
      ),
    );
  }
  return rows;
}

/**
 * FIRST on the countdown and the recovery screen when the deadline runs unguarded: who is gone,
 * that nothing will revert the change, and the two ways out (the keys that re-arm and roll back).
 */
export function guardianAlertRows(watched: Watched, glyphs: Glyphs, width: number): Row[] {
  const { journal, guardian } = watched.reading;
  const alert = guardianAlert(journal, guardian.alive, watched.now);
  if (!alert) return [];
  const way = alert.overdue
    ? `the deadline has passed: ${keyLabel('rearm')} or ${keyLabel('rollback')} reverts now`
    : `${keyLabel('rearm')} re-arms a guardian for the same deadline, ${keyLabel('rollback')} rolls back now`;
  return [
    ...wrapped(`${glyphs.failed} ${capitalized(alert.problem)}.`, 'blocker', width, '  '),
    ...wrapped(`  ${way}.`, 'blocker', width, '  '),
  ];
}

function capitalized(text: string): string {
  return `${text.slice(0, 1).toUpperCase()}${text.slice(1)}`;
}

export function barRow(watched: Watched, glyphs: Glyphs, width: number): Row {
  const { deadline } = watched.reading.journal;
  const leftMs = deadline - watched.now;
  const seconds = secondsLeft(deadline, watched.now);
  const bar = progressBar(leftMs, watched.windowMs, glyphs);
  const text =
    seconds > 0
      ? `${bar} ${seconds} s left, until ${clockTime(deadline)}`
      : watched.reading.guardian.alive
        ? `${bar} deadline ${clockTime(deadline)} passed: the guardian reverts now`
        : `${bar} deadline ${clockTime(deadline)} passed: no guardian reverts it`;
  const tone: Tone = seconds === 0 ? 'blocker' : seconds <= HURRY_SEC ? 'warning' : 'accent';
  return { text: clip(text, width, glyphs), tone };
}

export function countdownRows(watched: Watched | null, options: { glyphs: Glyphs; width: number }): Row[] {
  const { glyphs, width } = options;
  if (!watched) return [{ text: `Reading the journal${glyphs.ellipsis}`, tone: 'dim' }];
  return [
    ...guardianAlertRows(watched, glyphs, width),
    barRow(watched, glyphs, width),
    guardianRow(watched, glyphs, width),
    ...checkRows(watched, glyphs, width),
  ];
}
