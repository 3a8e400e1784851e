/**
 * A host made of answers: commands answered by exact argv (anything else is an error, as in a
 * replay), files, directories and links by exact path (anything else is absent). It records every
 * call so a test can assert what the probe ran and read.
 */
import type { FileReader } from '../../../source/system/files.js';
import { argvKey, type Runner, type RunResult } from '../../../source/system/runner.js';

export interface Answer {
  exitCode?: number;
  stdout?: string;
  stderr?: string;
  notFound?: boolean;
}

export interface HostSpec {
  commands: Record<string, Answer>;
  files?: Record<string, string>;
  dirs?: Record<string, string[]>;
  links?: Record<string, string>;
}

/** Builds the commands map key for an argv. */
export const cmd = (...argv: string[]) => argvKey(argv);

export const NOT_FOUND: Answer = { exitCode: 127, notFound: true };

export function fakeHost(spec: HostSpec) {
  const calls: string[][] = [];
  const reads: string[] = [];
  const runner: Runner = {
    async run(argv): Promise<RunResult> {
      calls.push([...argv]);
      const answer = spec.commands[argvKey(argv)];
      if (!answer) throw new Error(`fake host has no answer for ${argvKey(argv)}`);
      return {
        argv: [...argv],
        exitCode: answer.exitCode ?? 0,
        stdout: answer.stdout ?? '',
        stderr: answer.stderr ?? '',
        durationMs: 0,
        timedOut: false,
        notFound: answer.notFound ?? false,
      };
    },
  };
  const files: FileReader = {
    async readFile(path) {
      reads.push(`file ${path}`);
      return spec.files?.[path] ?? null;
    },
    async listDir(path) {
      reads.push(`dir ${path}`);
      return spec.dirs?.[path] ?? null;
    },
    async readLink(path) {
      reads.push(`link ${path}`);
      return spec.links?.[path] ?? null;
    },
  };
  return { runner, files, calls, reads };
}

/** Lets only one command run at a time: the probe must not depend on parallel execution. */
export function sequential(runner: Runner): Runner {
  let tail: Promise<unknown> = Promise.resolve();
  return {
    run(argv, options) {
      const result = tail.then(() => runner.run(argv, options));
      tail = result.catch(() => undefined);
      return result;
    },
  };
}

/** Answers the commands started together in the opposite order: completion order must not matter. */
export function reversed(runner: Runner): Runner {
  let batch: Array<() => void> = [];
  return {
    run(argv, options) {
      return new Promise((resolve, reject) => {
        if (batch.length === 0) {
          setTimeout(() => {
            const pending = batch;
            batch = [];
            for (const release of pending.reverse()) release();
          }, 0);
        }
        batch.push(() => runner.run(argv, options).then(resolve, reject));
      });
    },
  };
}
