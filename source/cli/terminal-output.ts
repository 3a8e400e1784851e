/**
 * Where the headless commands write: stdout and stderr of the operator's terminal. Their reports
 * quote host text (a DHCP client's argv, interface names, journal events and differences, a
 * command's stderr), so every line passes through displaySafe (plan/display-text.ts) on its way
 * out; the line breaks the tool wrote stay. JSON output keeps its meaning: JSON.stringify already
 * escapes C0 controls, and the \uHHHH that displaySafe writes for the rest is JSON's own escape.
 * The TUI does not write through here; it escapes its own rows.
 */
import { displaySafe } from '../plan/display-text.js';

/** Where a headless command writes its text. */
export interface Output {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
}

export function terminalOutput(write: Output): Output {
  return {
    stdout: (text) => write.stdout(displaySafe(text, { keepNewlines: true })),
    stderr: (text) => write.stderr(displaySafe(text, { keepNewlines: true })),
  };
}
