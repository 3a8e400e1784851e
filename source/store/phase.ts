/**
 * The phases the interactive flow moves through (DESIGN.md, "Phases"). The persist phases join
 * the union later; every `switch (phase)` ends in `unreachable` so the compiler names each place a
 * new phase must be handled.
 */
export type Phase =
  /** A start found a migration left pending (TUI or guardian killed, a crash): confirm, roll back, show, quit. */
  | 'recovery'
  /** `bridge-migrate rollback` on a terminal: "roll back the pending change now? y/N". */
  | 'confirm-rollback'
  /** Probes running, a spinner each. */
  | 'probing'
  /** The plan preview: verdicts, steps, config diff. `--dry-run` ends here. */
  | 'planned'
  /** Enter was pressed on an acceptable plan: "apply? y/N". */
  | 'confirm-apply'
  /** The journal is written, the baseline checks run and the guardian starts; nothing changed yet. */
  | 'arming'
  /** The steps run one by one, each verified. */
  | 'applying'
  /** Every step ran: the checks that passed at baseline must pass again through the bridge. */
  | 'verifying'
  /** Applied and verified: the change is live and pending until confirmed or rolled back. */
  | 'awaiting-confirmation'
  /** `c` was pressed: the journal is being marked confirmed. */
  | 'confirming'
  /** Confirmed; the change is kept. */
  | 'done'
  /**
   * A failure, a failed check or the operator's `r`: the applied steps are being undone, by this
   * session or (state.remoteRevert) by the guardian or another session, seen in the journal.
   */
  | 'reverting'
  /** Undone, and the host matches its pre-state. */
  | 'reverted'
  /** Undone as far as possible; the host still differs and manual commands are shown. */
  | 'revert-incomplete'
  /** Probe, plan or apply failed outside the engine's own revert; the failure says what to do. */
  | 'failed';

/** Phases in which a change is in flight: quitting is refused, only `?` and the hints respond. */
export const BUSY_PHASES: readonly Phase[] = ['arming', 'applying', 'verifying', 'confirming', 'reverting'];

export function isBusy(phase: Phase): boolean {
  return BUSY_PHASES.includes(phase);
}

/** The preview's panes, in Tab order. */
export const PANES = ['verdicts', 'steps', 'config'] as const;
export type PaneId = (typeof PANES)[number];

export function unreachable(value: never): never {
  throw new Error(`unhandled case: ${JSON.stringify(value)}`);
}
