/**
 * Imported first by cli.tsx, before Ink loads. Ink (through the is-in-ci package, read once at
 * import) turns into a print-the-last-frame-on-exit logger whenever CI or CONTINUOUS_INTEGRATION
 * is set, which leaves an operator staring at a blank terminal if their shell exports CI (some
 * provisioning shells and CI runners' debug sessions do). A run whose stdin and stdout are both
 * terminals has a person at the keyboard, so it gets the interactive renderer whatever CI says.
 */
import { interactiveOnTerminal } from './terminal-mode.js';

interactiveOnTerminal(process.env, {
  stdin: Boolean(process.stdin.isTTY),
  stdout: Boolean(process.stdout.isTTY),
});
