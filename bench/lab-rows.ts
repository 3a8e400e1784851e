/**
 * The benchmarks that need the namespace lab (root): each section builds its own lab and always
 * tears it down; a failing section is reported and the others still run.
 */
import { measureCutoverLoss } from './cutover-loss.js';
import { measureDeadlineRevert } from './deadline-revert.js';
import { measureLostSession } from './lost-session.js';
import { measurePersistTakeover, type TakeoverRound } from './persist-takeover.js';
import { type BenchRow, ratio, row } from './stats.js';

export interface LabSection {
  title: string;
  rows: BenchRow[];
  /** Every round's figures, for the JSON file. */
  rounds: unknown[];
  error: string | null;
}

export async function labSections(
  rounds: { cutover: number; deadline: number; persist: number },
  progress: (line: string) => void,
): Promise<LabSection[]> {
  return [
    await section('lost replies during apply and revert', progress, async () => {
      const measured = await measureCutoverLoss(rounds.cutover, progress);
      const lost = (pick: (round: (typeof measured)[number]) => number) => measured.map(pick);
      return {
        rounds: measured,
        rows: [
          row(
            'lost replies (5 ms ping), apply: tool',
            'replies',
            lost((r) => r.toolApply.lost),
            '0',
          ),
          row(
            'lost replies (5 ms ping), revert: tool',
            'replies',
            lost((r) => r.toolRevert.lost),
            '0',
          ),
          row(
            'lost replies (5 ms ping), apply: naive',
            'replies',
            lost((r) => r.naiveApply.lost),
            'baseline',
          ),
          row(
            'lost replies (5 ms ping), revert: naive',
            'replies',
            lost((r) => r.naiveRevert.lost),
            'baseline',
          ),
          row(
            'lost replies naive ÷ tool (apply+revert)',
            '×',
            lost((r) => ratio(r.naiveApply.lost + r.naiveRevert.lost, r.toolApply.lost + r.toolRevert.lost)),
            '> 1 (∞: tool lost none)',
          ),
        ],
      };
    }),
    await section('revert at the deadline', progress, async () => {
      const measured = await measureDeadlineRevert(rounds.deadline, progress);
      return {
        rounds: measured,
        rows: [
          row(
            'deadline → pre-state back (apply --yes)',
            'ms',
            measured.map((r) => r.restoredAfterDeadlineMs),
            '< 1000 ms',
          ),
          row(
            'deadline → revert recorded (journal)',
            'ms',
            measured.map((r) => r.recordedAfterDeadlineMs),
            'informational',
          ),
        ],
      };
    }),
    await section('lost SSH session and countdown output', progress, async () => {
      const measured = await measureLostSession(rounds.deadline, progress);
      return {
        rounds: measured,
        rows: [
          row(
            'countdown output over SSH',
            'B/s',
            measured.map((r) => r.countdownBytesPerSec),
            '< 300 B/s',
          ),
          row(
            'ssh client killed → pre-state back',
            'ms',
            measured.map((r) => r.killToRestoredMs),
            '≈ time left to the deadline',
          ),
          row(
            'lost SSH: deadline → pre-state back',
            'ms',
            measured.map((r) => r.restoredAfterDeadlineMs),
            '< 1000 ms',
          ),
        ],
      };
    }),
    await section('persist: the renderer takes over (networkd, no DHCP reservation)', progress, async () => {
      const measured = await measurePersistTakeover(rounds.persist, progress);
      const of = (who: TakeoverRound['who'], pick: (round: TakeoverRound) => number) =>
        measured.filter((round) => round.who === who).map(pick);
      // "Never" within the bound counts as the bound, so the median cannot hide it.
      const owned = (round: TakeoverRound) => round.ownedAfterMs ?? Number.POSITIVE_INFINITY;
      return {
        rounds: measured,
        rows: [
          row(
            'lost replies (5 ms ping), takeover: tool',
            'replies',
            of('tool', (r) => r.takeover.lost),
            '0',
          ),
          row(
            'lost replies (5 ms ping), takeover: original plan',
            'replies',
            of('original plan', (r) => r.takeover.lost),
            'baseline',
          ),
          row('confirm → renderer owns the bridge: tool', 'ms', of('tool', owned), '< 5000 ms'),
          row(
            'netplan apply → renderer owns the bridge: original plan',
            'ms',
            of('original plan', owned),
            'baseline',
          ),
          row(
            'address changes, before → apply → takeover → reboot: tool',
            'changes',
            of('tool', (r) => r.addressChanges),
            '0',
          ),
          row(
            'address changes, before → apply → takeover → reboot: original plan',
            'changes',
            of('original plan', (r) => r.addressChanges),
            'baseline',
          ),
        ],
      };
    }),
  ];
}

async function section(
  title: string,
  progress: (line: string) => void,
  measure: () => Promise<{ rows: BenchRow[]; rounds: unknown[] }>,
): Promise<LabSection> {
  progress(`${title}…`);
  try {
    return { title, ...(await measure()), error: null };
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    progress(`  FAILED: ${message}`);
    return { title, rows: [], rounds: [], error: message };
  }
}
