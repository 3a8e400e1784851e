import { describe, expect, it } from 'vitest';
import { interactiveOnTerminal } from '../../../source/cli/terminal-mode.js';

const TTY = { stdin: true, stdout: true };

describe('interactiveOnTerminal (Ink renders interactively for a person at a terminal)', () => {
  it('turns CI and CONTINUOUS_INTEGRATION off when stdin and stdout are terminals', () => {
    const env: NodeJS.ProcessEnv = { CI: 'true', CONTINUOUS_INTEGRATION: '1', HOME: '/root' };
    expect(interactiveOnTerminal(env, TTY)).toEqual(['CI', 'CONTINUOUS_INTEGRATION']);
    expect(env).toEqual({ CI: 'false', CONTINUOUS_INTEGRATION: 'false', HOME: '/root' });
  });

  it('adds nothing that was not set', () => {
    const env: NodeJS.ProcessEnv = { CI: 'true' };
    interactiveOnTerminal(env, TTY);
    expect(env).toEqual({ CI: 'false' });
  });

  it.each([
    ['stdout is piped', { stdin: true, stdout: false }],
    ['stdin is not a terminal', { stdin: false, stdout: true }],
  ])('leaves CI alone when %s (Ink keeps printing only the last frame)', (_what, terminal) => {
    const env: NodeJS.ProcessEnv = { CI: 'true', CONTINUOUS_INTEGRATION: 'true' };
    expect(interactiveOnTerminal(env, terminal)).toEqual([]);
    expect(env).toEqual({ CI: 'true', CONTINUOUS_INTEGRATION: 'true' });
  });
});
