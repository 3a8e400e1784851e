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
  /**
   * Confirmed, and the renderer's config is being written under the guardian (validate, back up,
   * write, hand over, verify); a failure restores the files and reverts.
   */
  | 'persisting'
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

// The sets of phases the actions and the flow (phase-flow.ts) ask about, each defined once here.

/** Phases in which a change is in flight: quitting is refused, only `?` and the hints respond. */
export const BUSY_PHASES: readonly Phase[] = [
  'arming',
  'applying',
  'verifying',
  'confirming',
  'persisting',
  'reverting',
];

/**
 * A change is live and waits for the operator's decision, and the journal decides the screen:
 * the countdown, and a migration found pending at start (recovery, the rollback question). `r`
 * rolls back, `g` re-arms a missing guardian.
 */
export const DECIDING_PHASES: readonly Phase[] = ['awaiting-confirmation', 'recovery', 'confirm-rollback'];

/** A migration found pending at start: the journal's own phase is what is on screen, `s` shows its log. */
export const RECOVERY_PHASES: readonly Phase[] = ['recovery', 'confirm-rollback'];

/** This session's engine is at work (apply, or its own revert): its events move the flow. */
export const ENGINE_PHASES: readonly Phase[] = ['arming', 'applying', 'verifying', 'persisting', 'reverting'];

export function isBusy(phase: Phase): boolean {
  return BUSY_PHASES.includes(phase);
}

/** Phases whose screen the journal decides: re-read about once a second (journal-actions.ts tick). */
export function followsJournal(state: { phase: Phase; remoteRevert: boolean }): boolean {
  return DECIDING_PHASES.includes(state.phase) || (state.phase === 'reverting' && state.remoteRevert);
}

/** The preview's panes, in Tab order. */
export const PANES = ['verdicts', 'steps', 'config'] as const;
export type PaneId = (typeof PANES)[number];

export function unreachable(value: never): never {
  throw new Error(`unhandled case: ${JSON.stringify(value)}`);
}
