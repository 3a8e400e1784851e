import { afterAll, afterEach, beforeAll, describe, expect, test } from 'vitest';
import { within } from '../../source/lab/wait.js';
import { compileLabForChild, startLabChild } from './helpers/compiled-lab.js';
import { type LabFootprint, leftovers, removeFootprint } from './helpers/lab-state.js';

// A lab must not outlive the process that made it: Ctrl-C, a SIGTERM from CI, or an exit with
// the lab still up all remove its namespaces, processes and temp dir. Each case runs the lab in
// a child process, ends it that way, and looks for what is left.

let compiled: { dir: string; remove(): void };

beforeAll(() => {
  compiled = compileLabForChild();
});

afterAll(() => {
  compiled?.remove();
});

// A child that failed its own cleanup (or had to be SIGKILLed, which no handler sees) must not
// leave its lab on the machine: the test removes what it printed, after checking it.
const started: LabFootprint[] = [];
afterEach(() => {
  for (const print of started.splice(0)) removeFootprint(print);
});

describe('a lab that is never torn down by its owner', () => {
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    test(`is torn down on ${signal}, and the process still ends by that signal`, async () => {
      const { child, print, ended } = await startLabChild(compiled.dir, 'wait');
      started.push(print);
      expect(print.namespaces).toHaveLength(4);
      expect(print.pids).toHaveLength(4);
      expect(leftovers(print)).toEqual({
        namespaces: print.namespaces,
        pids: print.pids,
        dir: true,
        etc: print.namespaces,
      });

      child.kill(signal);
      const how = await within(ended, 15_000, null);
      if (how === null) child.kill('SIGKILL');
      expect(how).toEqual({ code: null, signal });
      expect(leftovers(print)).toEqual({ namespaces: [], pids: [], dir: false, etc: [] });
    });
  }

  test('is removed when the process exits with it still up', async () => {
    const { child, print, ended } = await startLabChild(compiled.dir, 'exit');
    started.push(print);
    const how = await within(ended, 15_000, null);
    if (how === null) child.kill('SIGKILL');
    expect(how).toEqual({ code: 0, signal: null });
    expect(leftovers(print)).toEqual({ namespaces: [], pids: [], dir: false, etc: [] });
  });
});
