/**
 * The phases the interactive flow moves through (DESIGN.md, "Phases"). Only the phases this build
 * implements are listed; the countdown, persist and rollback phases join the union later, and
 * every `switch (phase)` ends in `unreachable` so the compiler names each place a new phase must
 * be handled.
 */
export type Phase =
  /** Probes running, a spinner each. */
  | 'probing'
  /** The plan preview: verdicts, steps, config diff. `--dry-run` ends here. */
  | 'planned'
  /** Enter was pressed on an acceptable plan: "apply? y/N". */
  | 'confirm-apply'
  /** The injected apply is carrying the plan out; quitting is refused. */
  | 'applying'
  /** Apply resolved: the change is live and pending until confirmed or rolled back. */
  | 'awaiting-confirmation'
  /** Probe, plan or apply failed; the failure says what to do. */
  | 'failed';

/** The preview's panes, in Tab order. */
export const PANES = ['verdicts', 'steps', 'config'] as const;
export type PaneId = (typeof PANES)[number];

export function unreachable(value: never): never {
  throw new Error(`unhandled case: ${JSON.stringify(value)}`);
}
