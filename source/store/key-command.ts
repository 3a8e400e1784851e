/**
 * The commands the operator gives with a key, by id. The ui's key table (ui/key-table.ts) binds
 * each id to its keys; a text names the command and the ui writes the bound key in when it draws
 * it (ui/keys.ts `keyLabel`), so no sentence can name a key the table does not bind. The ids live
 * here, below the ui, because the store's notices name keys too ("then press a to acknowledge").
 */
export type KeyCommand =
  | 'next-pane'
  | 'previous-pane'
  | 'scroll-down'
  | 'scroll-up'
  | 'page-down'
  | 'page-up'
  | 'top'
  | 'bottom'
  | 'acknowledge'
  | 'apply'
  | 'apply-yes'
  | 'apply-no'
  | 'confirm'
  | 'extend'
  | 'rollback'
  | 'rearm'
  | 'rollback-yes'
  | 'rollback-no'
  | 'details'
  | 'plan-again'
  | 'help'
  | 'back'
  | 'quit';

/** A key named inside a text: drawn as the key the table binds to the command. */
export interface KeyMention {
  key: KeyCommand;
}

/** A text that may name keys: its parts in order, or a plain string when it names none. */
export type KeyedText = string | ReadonlyArray<string | KeyMention>;

export function mentionKey(command: KeyCommand): KeyMention {
  return { key: command };
}

/** keyed`then press ${mentionKey('acknowledge')} to acknowledge.`: the parts, keys kept as mentions. */
export function keyed(
  strings: TemplateStringsArray,
  ...values: Array<string | number | KeyMention>
): KeyedText {
  const parts: Array<string | KeyMention> = [];
  strings.forEach((text, index) => {
    if (text !== '') parts.push(text);
    const value = values[index];
    if (value === undefined) return;
    parts.push(typeof value === 'object' ? value : String(value));
  });
  return parts;
}
