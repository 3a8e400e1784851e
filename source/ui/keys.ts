/**
 * The one keybinding table. The input hook matches keys against it and the key hints and the
 * help overlay are drawn from it, so what the screen says a key does is what the key does.
 * Defaults follow nmtui and less (DESIGN.md, "What the operator sees").
 */
import type { Key } from 'ink';
import type { AppActions, AppState } from '../store/app-state.js';
import { type Phase, unreachable } from '../store/phase.js';
import { isBlocked, plural, unacknowledgedWarnings } from '../store/plan-gate.js';

/**
 * Where the keys are pressed: the probe spinners, the preview, the apply question, a change in
 * flight (only help and the refused quit), the change pending confirmation, an ended flow, help.
 */
export type KeyContext = 'probing' | 'preview' | 'confirm' | 'busy' | 'pending' | 'result' | 'help';

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

const everywhere: KeyContext[] = ['probing', 'preview', 'confirm', 'busy', 'pending', 'result', 'help'];

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
    hint: 'confirm',
    help: 'confirm: keep the change (a new SSH session running `confirm` is the stronger proof)',
    contexts: ['pending'],
    run: (actions) => void actions.confirmChange(),
  },
  {
    keys: [{ input: 'r' }],
    label: 'r',
    hint: 'roll back now',
    help: 'roll back: undo the change now and compare the host with its pre-state',
    contexts: ['pending'],
    run: (actions) => void actions.rollbackNow(),
  },
  {
    keys: [{ input: '?' }],
    label: '?',
    hint: ({ context }) => (context === 'help' ? null : 'help'),
    help: 'show or hide this help',
    contexts: ['probing', 'preview', 'busy', 'pending', 'result', 'help'],
    run: (actions) => actions.toggleHelp(),
  },
  {
    keys: [{ key: 'escape' }, { input: 'q' }],
    label: 'Esc/q',
    hint: ({ context, phase }) =>
      context === 'help'
        ? 'close help'
        : context === 'confirm'
          ? null // shown with n/Enter
          : context === 'busy'
            ? `quit (refused while ${busyWord(phase)})`
            : context === 'pending'
              ? 'quit (stays pending)'
              : 'quit',
    help: 'go back, or quit (never while a change is in flight; quitting never confirms or reverts)',
    contexts: ['probing', 'preview', 'confirm', 'busy', 'pending', 'result', 'help'],
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

export function keyContext(state: Pick<AppState, 'phase' | 'helpOpen'>): KeyContext {
  if (state.helpOpen) return 'help';
  const phase: Phase = state.phase;
  switch (phase) {
    case 'probing':
      return 'probing';
    case 'planned':
      return 'preview';
    case 'confirm-apply':
      return 'confirm';
    case 'arming':
    case 'applying':
    case 'verifying':
    case 'confirming':
    case 'reverting':
      return 'busy';
    case 'awaiting-confirmation':
      return 'pending';
    case 'done':
    case 'reverted':
    case 'revert-incomplete':
    case 'failed':
      return 'result';
    default:
      return unreachable(phase);
  }
}

export function hintFacts(
  state: Pick<AppState, 'phase' | 'helpOpen' | 'plan' | 'acknowledged' | 'dryRun' | 'canApply'>,
): HintFacts {
  return {
    context: keyContext(state),
    phase: state.phase,
    warningsPending: state.plan ? unacknowledgedWarnings(state.plan, state.acknowledged) : 0,
    blocked: state.plan ? isBlocked(state.plan) : false,
    dryRun: state.dryRun,
    canApply: state.canApply,
  };
}

/** What a busy phase is busy with, for the refused quit's hint. */
function busyWord(phase: Phase): string {
  if (phase === 'reverting') return 'reverting';
  if (phase === 'confirming') return 'confirming';
  return 'applying';
}

function matches(spec: KeySpec, input: string, key: Key): boolean {
  if ('key' in spec) return key[spec.key] && (spec.shift === undefined || key.shift === spec.shift);
  if (Boolean(spec.ctrl) !== key.ctrl) return false;
  return input === spec.input && !(key.meta && !key.escape);
}

export function bindingFor(context: KeyContext, input: string, key: Key): KeyBinding | null {
  return (
    KEY_BINDINGS.find(
      (binding) =>
        binding.contexts.includes(context) && binding.keys.some((spec) => matches(spec, input, key)),
    ) ?? null
  );
}

export interface Hint {
  label: string;
  text: string;
}

export function hintsFor(facts: HintFacts): Hint[] {
  return KEY_BINDINGS.flatMap((binding) => {
    if (!binding.contexts.includes(facts.context)) return [];
    const text = typeof binding.hint === 'function' ? binding.hint(facts) : binding.hint;
    return text === null ? [] : [{ label: binding.hintLabel ?? binding.label, text }];
  });
}

/** Bindings for the help overlay: those of the screen underneath, each once. */
export function helpEntries(context: KeyContext): Array<{ label: string; help: string }> {
  return KEY_BINDINGS.filter((binding) => binding.contexts.includes(context)).map(({ label, help }) => ({
    label,
    help,
  }));
}
