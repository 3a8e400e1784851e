/**
 * The benchmarks that need the namespace lab (root): each section builds its own lab and always
 * tears it down; a failing section is reported and the others still run.
 */
import { measureCutoverLoss } from './cutover-loss.js';
import { measureDeadlineRevert } from './deadline-revert.js';
import { measureLostSession } from './lost-session.js';
import { type BenchRow, ratio, row } from './stats.js';

export interface LabSection {
  title: string;
  rows: BenchRow[];
  /** Every round's figures, for the JSON file. */
  rounds: unknown[];
  error: string | null;
}

export async function labSections(
  rounds: { cutover: number; deadline: number },
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
