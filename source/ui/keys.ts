/**
 * Looking keys up in the keybinding table (key-table.ts): which context the screen is in, which
 * binding a key press means there, and the hints and help drawn from the same table.
 */
import type { Key } from 'ink';
import type { AppState } from '../store/app-state.js';
import { type Phase, unreachable } from '../store/phase.js';
import { isBlocked, unacknowledgedWarnings } from '../store/plan-gate.js';
import { type HintFacts, KEY_BINDINGS, type KeyBinding, type KeyContext, type KeySpec } from './key-table.js';

export { type HintFacts, KEY_BINDINGS, type KeyBinding, type KeyContext, type KeySpec } from './key-table.js';

export function keyContext(state: Pick<AppState, 'phase' | 'helpOpen'>): KeyContext {
  if (state.helpOpen) return 'help';
  const phase: Phase = state.phase;
  switch (phase) {
    case 'recovery':
      return 'recovery';
    case 'confirm-rollback':
      return 'rollback-question';
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
  state: Pick<
    AppState,
    | 'phase'
    | 'helpOpen'
    | 'plan'
    | 'acknowledged'
    | 'dryRun'
    | 'canApply'
    | 'watched'
    | 'detailsOpen'
    | 'remoteRevert'
  >,
): HintFacts {
  return {
    journalPhase: state.watched?.reading.journal.phase ?? null,
    detailsOpen: state.detailsOpen,
    remoteRevert: state.remoteRevert,
    context: keyContext(state),
    phase: state.phase,
    warningsPending: state.plan ? unacknowledgedWarnings(state.plan, state.acknowledged) : 0,
    blocked: state.plan ? isBlocked(state.plan) : false,
    dryRun: state.dryRun,
    canApply: state.canApply,
  };
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
