/**
 * Imported first by the tests that render through Ink itself onto a fake terminal
 * (terminal-harness.tsx): they play an operator at a terminal, so Ink must load the way cli.tsx
 * loads it on one — interactive even when CI is set, as it is when CI runs this suite. The same
 * function as cli.tsx's terminal-env.ts decides it; nothing here assumes CI is unset.
 */
import { interactiveOnTerminal } from '../../source/cli/terminal-mode.js';

interactiveOnTerminal(process.env, { stdin: true, stdout: true });
