/**
 * The one keybinding table. The input hook matches keys against it and the key hints and the
 * help overlay are drawn from it, so what the screen says a key does is what the key does.
 * Defaults follow nmtui and less (DESIGN.md, "What the operator sees").
 */
import type { AppActions } from '../store/app-state.js';
import { EXTEND_STEP_SEC } from '../store/journal-actions.js';
import type { KeyCommand } from '../store/key-command.js';
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

/** How a named key is written on screen. */
export const NAMED_KEY_LABELS: Record<NamedKey, string> = {
  tab: 'Tab',
  return: 'Enter',
  escape: 'Esc',
  upArrow: 'Up',
  downArrow: 'Down',
  pageUp: 'PgUp',
  pageDown: 'PgDn',
  home: 'Home',
  end: 'End',
};

/** How text names the keys of a binding, by command id (keys.ts), for a text that names another key. */
export interface KeyWords {
  /** The key a sentence names: its letter if it has one ("r", "q"), else its first key ("Enter"). */
  one(command: KeyCommand): string;
  /** Every key it has, as the help overlay writes them ("n/Enter"). */
  all(command: KeyCommand): string;
  /** Its first key ("Esc"). */
  first(command: KeyCommand): string;
}

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
  /** An apply was refused because the host changed since the preview: `p` plans again. */
  planAgain: boolean;
}

export interface KeyBinding {
  /** What the keys do, by name: text asks for a key by this id, never writes the key itself. */
  id: KeyCommand;
  /** In the order the help overlay writes them ("j/Down"); an upper-case twin of a letter is not written. */
  keys: KeySpec[];
  /** How the hint line writes the keys when it differs (one hint for a pair of bindings: "j/k"). */
  hintLabel?: (keys: KeyWords) => string;
  /** Short hint; a function when it depends on the plan (null hides the hint). */
  hint: string | ((facts: HintFacts) => string | null);
  /** One line for the help overlay; a function when it names another binding's key. */
  help: string | ((keys: KeyWords) => string);
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
    id: 'next-pane',
    keys: [{ key: 'tab', shift: false }],
    hint: 'pane',
    help: 'move to the next pane: verdicts, steps, config diff',
    contexts: ['preview'],
    run: (actions) => actions.nextPane(),
  },
  {
    id: 'previous-pane',
    keys: [{ key: 'tab', shift: true }],
    hint: () => null,
    help: 'move to the previous pane',
    contexts: ['preview'],
    run: (actions) => actions.previousPane(),
  },
  {
    id: 'scroll-down',
    keys: [{ input: 'j' }, { key: 'downArrow' }],
    hintLabel: (keys) => `${keys.one('scroll-down')}/${keys.one('scroll-up')}`,
    hint: 'scroll',
    help: 'scroll the pane down one row',
    contexts: ['preview'],
    run: (actions) => actions.scroll(1),
  },
  {
    id: 'scroll-up',
    keys: [{ input: 'k' }, { key: 'upArrow' }],
    hint: () => null,
    help: 'scroll the pane up one row',
    contexts: ['preview'],
    run: (actions) => actions.scroll(-1),
  },
  {
    id: 'page-down',
    keys: [{ key: 'pageDown' }, { input: ' ' }],
    hintLabel: (keys) => `${keys.one('page-up')}/${keys.one('page-down')}`,
    hint: 'page',
    help: 'scroll the pane down one page',
    contexts: ['preview'],
    run: (actions) => actions.page(1),
  },
  {
    id: 'page-up',
    keys: [{ key: 'pageUp' }],
    hint: () => null,
    help: 'scroll the pane up one page',
    contexts: ['preview'],
    run: (actions) => actions.page(-1),
  },
  {
    id: 'top',
    keys: [{ input: 'g' }, { key: 'home' }],
    hint: () => null,
    help: 'jump to the top of the pane',
    contexts: ['preview'],
    run: (actions) => actions.scrollToEdge('top'),
  },
  {
    id: 'bottom',
    keys: [{ input: 'G' }, { key: 'end' }],
    hint: () => null,
    help: 'jump to the bottom of the pane',
    contexts: ['preview'],
    run: (actions) => actions.scrollToEdge('bottom'),
  },
  {
    id: 'acknowledge',
    keys: [{ input: 'a' }],
    hint: ({ warningsPending }) =>
      warningsPending > 0 ? `acknowledge ${plural(warningsPending, 'warning')}` : null,
    help: (keys) => `acknowledge the warnings (needed before ${keys.one('apply')})`,
    contexts: ['preview'],
    run: (actions) => actions.acknowledgeWarnings(),
  },
  {
    id: 'apply',
    keys: [{ key: 'return' }],
    hint: ({ blocked, warningsPending, dryRun }) =>
      blocked ? 'blocked' : warningsPending > 0 ? 'apply (ack first)' : dryRun ? 'apply (dry run)' : 'apply',
    help: 'ask to apply the plan (refused while blocked or unacknowledged)',
    contexts: ['preview'],
    run: (actions) => actions.requestApply(),
  },
  {
    id: 'apply-yes',
    keys: [{ input: 'y' }, { input: 'Y' }],
    hint: ({ canApply }) => (canApply ? 'yes, apply' : 'yes (apply unavailable)'),
    help: 'yes: apply the plan now',
    contexts: ['confirm'],
    run: (actions) => void actions.confirmApply(),
  },
  {
    id: 'apply-no',
    keys: [{ input: 'n' }, { input: 'N' }, { key: 'return' }],
    hintLabel: noOrBack('apply-no'),
    hint: 'no',
    help: 'no: back to the preview, nothing changes',
    contexts: ['confirm'],
    run: (actions) => actions.declineApply(),
  },
  {
    id: 'confirm',
    keys: [{ input: 'c' }, { key: 'return' }],
    hint: ({ context, journalPhase }) =>
      context === 'recovery' && journalPhase !== 'applied' ? null : 'confirm',
    help: 'confirm: keep the change (a new SSH session running `confirm` is the stronger proof)',
    contexts: ['pending', 'recovery'],
    run: (actions) => void actions.confirmChange(),
  },
  {
    id: 'extend',
    keys: [{ input: 'e' }],
    hint: `+${EXTEND_STEP_SEC} s`,
    help: `extend: +${EXTEND_STEP_SEC} s to the deadline per press (at most ${MAX_DEADLINE_AHEAD_SEC / 60} min ahead)`,
    contexts: ['pending'],
    run: (actions) => void actions.extendDeadline(),
  },
  {
    id: 'rollback',
    keys: [{ input: 'r' }],
    hint: 'roll back',
    help: 'roll back: undo the change now and compare the host with its pre-state',
    contexts: ['pending', 'recovery'],
    run: (actions) => void actions.rollbackNow(),
  },
  {
    id: 'rearm',
    keys: [{ input: 'g' }],
    // No room in the hint line at 80 columns; the alert row that makes `g` useful names it
    // itself ("g re-arms a guardian ..."), so it is on screen exactly when it applies.
    hint: () => null,
    help: 're-arm: start a new guardian for the same deadline when it is gone (past the deadline: revert now)',
    contexts: ['pending', 'recovery', 'rollback-question'],
    run: (actions) => void actions.rearmGuardian(),
  },
  {
    id: 'rollback-yes',
    keys: [{ input: 'y' }, { input: 'Y' }],
    hint: 'yes, roll back',
    help: 'yes: roll the pending change back now',
    contexts: ['rollback-question'],
    run: (actions) => void actions.answerRollback(true),
  },
  {
    id: 'rollback-no',
    keys: [{ input: 'n' }, { input: 'N' }, { key: 'return' }],
    hintLabel: noOrBack('rollback-no'),
    hint: 'no',
    help: 'no: leave it pending and quit; nothing changes',
    contexts: ['rollback-question'],
    run: (actions) => void actions.answerRollback(false),
  },
  {
    id: 'details',
    keys: [{ input: 's' }],
    hint: ({ detailsOpen }) => (detailsOpen ? 'summary' : 'details'),
    help: "details: the journal's events and each step's state, or back to the summary",
    contexts: ['recovery', 'rollback-question'],
    run: (actions) => actions.toggleDetails(),
  },
  {
    id: 'plan-again',
    keys: [{ input: 'p' }],
    hint: ({ planAgain }) => (planAgain ? 'plan again' : null),
    help: 'plan again: probe the host and show a new preview (after a refusal because the host changed)',
    contexts: ['result'],
    run: (actions) => void actions.planAgain(),
  },
  {
    id: 'help',
    keys: [{ input: '?' }],
    hint: ({ context }) => (context === 'help' ? null : 'help'),
    help: 'show or hide this help',
    contexts: ['probing', 'preview', 'busy', 'pending', 'recovery', 'rollback-question', 'result', 'help'],
    run: (actions) => actions.toggleHelp(),
  },
  {
    id: 'back',
    keys: [{ key: 'escape' }, { input: 'q' }],
    hint: ({ context, phase, remoteRevert }) => {
      switch (context) {
        case 'help':
          return 'close help';
        case 'confirm':
        case 'rollback-question':
          return null; // shown with the answer no
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
    id: 'quit',
    keys: [{ input: 'c', ctrl: true }],
    hint: () => null,
    help: 'quit (refused while a change is in flight)',
    contexts: everywhere,
    run: (actions) => actions.quit(),
  },
];

/** "n/Enter/Esc": the no answer's keys, then Esc, which answers no too (its own hint is hidden there). */
function noOrBack(no: KeyCommand): (keys: KeyWords) => string {
  return (keys) => `${keys.all(no)}/${keys.first('back')}`;
}

/** What a busy phase is busy with, for the refused quit's hint. */
function busyWord(phase: Phase): string {
  if (phase === 'reverting') return 'reverting';
  if (phase === 'confirming') return 'confirming';
  return 'applying';
}
