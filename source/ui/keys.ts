/**
 * Looking keys up in the keybinding table (key-table.ts): which context the screen is in, which
 * binding a key press means there, and the hints and help drawn from the same table.
 */
import type { Key } from 'ink';
import type { AppState } from '../store/app-state.js';
import type { KeyCommand, KeyedText } from '../store/key-command.js';
import { type Phase, unreachable } from '../store/phase.js';
import { isBlocked, unacknowledgedWarnings } from '../store/plan-gate.js';
import {
  type HintFacts,
  KEY_BINDINGS,
  type KeyBinding,
  type KeyContext,
  type KeySpec,
  type KeyWords,
  NAMED_KEY_LABELS,
} from './key-table.js';

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
    case 'persisting':
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
    | 'failure'
  >,
): HintFacts {
  return {
    planAgain: state.phase === 'failed' && state.failure?.planAgain === true,
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

function specLabel(spec: KeySpec): string {
  if ('key' in spec) return `${spec.shift ? 'Shift-' : ''}${NAMED_KEY_LABELS[spec.key]}`;
  if (spec.ctrl) return `Ctrl-${spec.input.toUpperCase()}`;
  return spec.input === ' ' ? 'Space' : spec.input;
}

/** A plain printable key, the kind a sentence names ("r rolls back"); Space reads as a word. */
function isLetter(spec: KeySpec): spec is { input: string } {
  return 'input' in spec && !spec.ctrl && spec.input.trim() !== '';
}

/** The keys written on screen: an upper-case twin of a letter the binding has too (Y of y) is not. */
function shownKeys(binding: KeyBinding): KeySpec[] {
  const letters = new Set(binding.keys.filter(isLetter).map((spec) => spec.input));
  return binding.keys.filter(
    (spec) =>
      !(isLetter(spec) && spec.input !== spec.input.toLowerCase() && letters.has(spec.input.toLowerCase())),
  );
}

function bindingOf(command: KeyCommand): KeyBinding {
  const binding = KEY_BINDINGS.find((candidate) => candidate.id === command);
  // Unreachable with the table's types; a table edited without its command says so at once.
  if (!binding) throw new Error(`no key is bound to ${command}`);
  return binding;
}

/** Every key of a binding, as the help overlay writes them: "j/Down", "n/Enter", "Esc/q". */
export function keysLabel(command: KeyCommand): string {
  return shownKeys(bindingOf(command)).map(specLabel).join('/');
}

/** The key a sentence names for a command: its letter when it has one ("c", "q"), else its first ("Enter"). */
export function keyLabel(command: KeyCommand): string {
  const keys = shownKeys(bindingOf(command));
  const spec = keys.find(isLetter) ?? keys[0];
  return spec ? specLabel(spec) : command;
}

/** The first key of a binding ("Esc" of Esc/q). */
export function firstKeyLabel(command: KeyCommand): string {
  const spec = shownKeys(bindingOf(command))[0];
  return spec ? specLabel(spec) : command;
}

const KEY_WORDS: KeyWords = { one: keyLabel, all: keysLabel, first: firstKeyLabel };

/** "y/N" for a question: the yes key, then the no key, upper case because no is the default (Enter). */
export function yesNoLabel(yes: KeyCommand, no: KeyCommand): string {
  return `${keyLabel(yes)}/${keyLabel(no).toUpperCase()}`;
}

/** A text that names keys (a store notice), with each key written as the table binds it. */
export function keyedText(text: KeyedText): string {
  if (typeof text === 'string') return text;
  return text.map((part) => (typeof part === 'string' ? part : keyLabel(part.key))).join('');
}

export interface Hint {
  label: string;
  text: string;
}

export function hintsFor(facts: HintFacts): Hint[] {
  return KEY_BINDINGS.flatMap((binding) => {
    if (!binding.contexts.includes(facts.context)) return [];
    const text = typeof binding.hint === 'function' ? binding.hint(facts) : binding.hint;
    const label = binding.hintLabel ? binding.hintLabel(KEY_WORDS) : keysLabel(binding.id);
    return text === null ? [] : [{ label, text }];
  });
}

/** Bindings for the help overlay: those of the screen underneath, each once. */
export function helpEntries(context: KeyContext): Array<{ label: string; help: string }> {
  return KEY_BINDINGS.filter((binding) => binding.contexts.includes(context)).map((binding) => ({
    label: keysLabel(binding.id),
    help: typeof binding.help === 'function' ? binding.help(KEY_WORDS) : binding.help,
  }));
}
