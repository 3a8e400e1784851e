/**
 * The one keybinding table. The input hook matches keys against it and the key hints and the
 * help overlay are drawn from it, so what the screen says a key does is what the key does.
 * Defaults follow nmtui and less (DESIGN.md, "What the operator sees").
 */
import type { AppActions } from '../store/app-state.js';
import { EXTEND_STEP_SEC } from '../store/journal-actions.js';
import type { Phase } from '../store/phase.js';
import { plural } from '../store/plan-gate.js';
import { type JournalPhase, MAX_DEADLINE_AHEAD_SEC } from '../txn/journal/journal.js';

/**
 * Where the keys are pressed: the probe spinners, the preview, the apply question, a change in
 * flight (only help and the refused quit), the change pending confirmation (the countdown), a
 * pending migration found at start (recovery), the rollback question of `bridge-migrate rollback`,
 * an ended flow, help.
 */
export type KeyContext =
  | 'probing'
  | 'preview'
  | 'confirm'
  | 'busy'
  | 'pending'
  | 'recovery'
  | 'rollback-question'
  | 'result'
  | 'help';

type NamedKey =
  | 'tab'
  | 'return'
  | 'escape'
  | 'upArrow'
  | 'downArrow'
  | 'pageUp'
  | 'pageDown'
  | 'home'
  | 'end';

/** A key: a printable input, or a named key; `shift`/`ctrl` must match when given. */
export type KeySpec = { input: string; ctrl?: boolean } | { key: NamedKey; shift?: boolean };

/** Facts the hints depend on. */
export interface HintFacts {
  context: KeyContext;
  phase: Phase;
  warningsPending: number;
  blocked: boolean;
  dryRun: boolean;
  canApply: boolean;
  /** The journal's phase while it decides the screen (recovery: `c` only for an applied change). */
  journalPhase: JournalPhase | null;
  detailsOpen: boolean;
  /** The revert on screen is the guardian's: quitting is allowed. */
  remoteRevert: boolean;
}

export interface KeyBinding {
  keys: KeySpec[];
  /** How the key is written in the help overlay. */
  label: string;
  /** How it is written in the hint line when that differs (one hint for a pair of keys). */
  hintLabel?: string;
  /** Short hint; a function when it depends on the plan (null hides the hint). */
  hint: string | ((facts: HintFacts) => string | null);
  /** One line for the help overlay. */
  help: string;
  contexts: KeyContext[];
  run: (actions: AppActions) => void;
}

const everywhere: KeyContext[] = [
  'probing',
  'preview',
  'confirm',
  'busy',
  'pending',
  'recovery',
  'rollback-question',
  'result',
  'help',
];

export const KEY_BINDINGS: readonly KeyBinding[] = [
  {
    keys: [{ key: 'tab', shift: false }],
    label: 'Tab',
    hint: 'pane',
    help: 'move to the next pane: verdicts, steps, config diff',
    contexts: ['preview'],
    run: (actions) => actions.nextPane(),
  },
  {
    keys: [{ key: 'tab', shift: true }],
    label: 'Shift-Tab',
    hint: () => null,
    help: 'move to the previous pane',
    contexts: ['preview'],
    run: (actions) => actions.previousPane(),
  },
  {
    keys: [{ input: 'j' }, { key: 'downArrow' }],
    label: 'j/Down',
    hintLabel: 'j/k',
    hint: 'scroll',
    help: 'scroll the pane down one row',
    contexts: ['preview'],
    run: (actions) => actions.scroll(1),
  },
  {
    keys: [{ input: 'k' }, { key: 'upArrow' }],
    label: 'k/Up',
    hint: () => null,
    help: 'scroll the pane up one row',
    contexts: ['preview'],
    run: (actions) => actions.scroll(-1),
  },
  {
    keys: [{ key: 'pageDown' }, { input: ' ' }],
    label: 'PgDn/Space',
    hintLabel: 'PgUp/PgDn',
    hint: 'page',
    help: 'scroll the pane down one page',
    contexts: ['preview'],
    run: (actions) => actions.page(1),
  },
  {
    keys: [{ key: 'pageUp' }],
    label: 'PgUp',
    hint: () => null,
    help: 'scroll the pane up one page',
    contexts: ['preview'],
    run: (actions) => actions.page(-1),
  },
  {
    keys: [{ key: 'home' }, { input: 'g' }],
    label: 'g/Home',
    hint: () => null,
    help: 'jump to the top of the pane',
    contexts: ['preview'],
    run: (actions) => actions.scrollToEdge('top'),
  },
  {
    keys: [{ key: 'end' }, { input: 'G' }],
    label: 'G/End',
    hint: () => null,
    help: 'jump to the bottom of the pane',
    contexts: ['preview'],
    run: (actions) => actions.scrollToEdge('bottom'),
  },
  {
    keys: [{ input: 'a' }],
    label: 'a',
    hint: ({ warningsPending }) =>
      warningsPending > 0 ? `acknowledge ${plural(warningsPending, 'warning')}` : null,
    help: 'acknowledge the warnings (needed before Enter)',
    contexts: ['preview'],
    run: (actions) => actions.acknowledgeWarnings(),
  },
  {
    keys: [{ key: 'return' }],
    label: 'Enter',
    hint: ({ blocked, warningsPending, dryRun }) =>
      blocked ? 'blocked' : warningsPending > 0 ? 'apply (ack first)' : dryRun ? 'apply (dry run)' : 'apply',
    help: 'ask to apply the plan (refused while blocked or unacknowledged)',
    contexts: ['preview'],
    run: (actions) => actions.requestApply(),
  },
  {
    keys: [{ input: 'y' }, { input: 'Y' }],
    label: 'y',
    hint: ({ canApply }) => (canApply ? 'yes, apply' : 'yes (apply unavailable)'),
    help: 'yes: apply the plan now',
    contexts: ['confirm'],
    run: (actions) => void actions.confirmApply(),
  },
  {
    keys: [{ input: 'n' }, { input: 'N' }, { key: 'return' }],
    label: 'n/Enter',
    hintLabel: 'n/Enter/Esc',
    hint: 'no',
    help: 'no: back to the preview, nothing changes',
    contexts: ['confirm'],
    run: (actions) => actions.declineApply(),
  },
  {
    keys: [{ input: 'c' }, { key: 'return' }],
    label: 'c/Enter',
    hint: ({ context, journalPhase }) =>
      context === 'recovery' && journalPhase !== 'applied' ? null : 'confirm',
    help: 'confirm: keep the change (a new SSH session running `confirm` is the stronger proof)',
    contexts: ['pending', 'recovery'],
    run: (actions) => void actions.confirmChange(),
  },
  {
    keys: [{ input: 'e' }],
    label: 'e',
    hint: `+${EXTEND_STEP_SEC} s`,
    help: `extend: +${EXTEND_STEP_SEC} s to the deadline per press (at most ${MAX_DEADLINE_AHEAD_SEC / 60} min ahead)`,
    contexts: ['pending'],
    run: (actions) => void actions.extendDeadline(),
  },
  {
    keys: [{ input: 'r' }],
    label: 'r',
    hint: 'roll back',
    help: 'roll back: undo the change now and compare the host with its pre-state',
    contexts: ['pending', 'recovery'],
    run: (actions) => void actions.rollbackNow(),
  },
  {
    keys: [{ input: 'g' }],
    label: 'g',
    // No room in the hint line at 80 columns; the alert row that makes `g` useful names it
    // itself ("g re-arms a guardian ..."), so it is on screen exactly when it applies.
    hint: () => null,
    help: 're-arm: start a new guardian for the same deadline when it is gone (past the deadline: revert now)',
    contexts: ['pending', 'recovery', 'rollback-question'],
    run: (actions) => void actions.rearmGuardian(),
  },
  {
    keys: [{ input: 'y' }, { input: 'Y' }],
    label: 'y',
    hint: 'yes, roll back',
    help: 'yes: roll the pending change back now',
    contexts: ['rollback-question'],
    run: (actions) => void actions.answerRollback(true),
  },
  {
    keys: [{ input: 'n' }, { input: 'N' }, { key: 'return' }],
    label: 'n/Enter',
    hintLabel: 'n/Enter/Esc',
    hint: 'no',
    help: 'no: leave it pending and quit; nothing changes',
    contexts: ['rollback-question'],
    run: (actions) => void actions.answerRollback(false),
  },
  {
    keys: [{ input: 's' }],
    label: 's',
    hint: ({ detailsOpen }) => (detailsOpen ? 'summary' : 'details'),
    help: "details: the journal's events and each step's state, or back to the summary",
    contexts: ['recovery', 'rollback-question'],
    run: (actions) => actions.toggleDetails(),
  },
  {
    keys: [{ input: '?' }],
    label: '?',
    hint: ({ context }) => (context === 'help' ? null : 'help'),
    help: 'show or hide this help',
    contexts: ['probing', 'preview', 'busy', 'pending', 'recovery', 'rollback-question', 'result', 'help'],
    run: (actions) => actions.toggleHelp(),
  },
  {
    keys: [{ key: 'escape' }, { input: 'q' }],
    label: 'Esc/q',
    hint: ({ context, phase, remoteRevert }) => {
      switch (context) {
        case 'help':
          return 'close help';
        case 'confirm':
        case 'rollback-question':
          return null; // shown with n/Enter
        case 'busy':
          return remoteRevert ? 'quit (the guardian finishes it)' : `quit (refused while ${busyWord(phase)})`;
        case 'pending':
        case 'recovery':
          return 'quit (stays pending)';
        default:
          return 'quit';
      }
    },
    help: 'go back, or quit (never while a change is in flight; quitting never confirms or reverts)',
    contexts: everywhere,
    run: (actions) => actions.back(),
  },
  {
    keys: [{ input: 'c', ctrl: true }],
    label: 'Ctrl-C',
    hint: () => null,
    help: 'quit (refused while a change is in flight)',
    contexts: everywhere,
    run: (actions) => actions.quit(),
  },
];

/** What a busy phase is busy with, for the refused quit's hint. */
function busyWord(phase: Phase): string {
  if (phase === 'reverting') return 'reverting';
  if (phase === 'confirming') return 'confirming';
  return 'applying';
}
