/**
 * Runs journal and lock code in separate node processes, as the TUI, `confirm` and the guardian
 * will. Node 20 cannot load TypeScript, so the modules the child needs are transpiled (imports
 * followed from source/txn/journal/journal.ts and lock.ts) into a temp directory next to a small script.
 */
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';

const repo = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
const ENTRIES = ['source/txn/journal/journal.ts', 'source/txn/journal/lock.ts'];

const SCRIPT = `
import { createJournalStore } from './source/txn/journal/journal.js';
import { acquireLock } from './source/txn/journal/lock.js';
const [action, stateDir, arg] = process.argv.slice(2);
const store = createJournalStore({ purpose: 'child ' + process.pid, lockWaitMs: 60000 });
if (action === 'increment') {
  for (let i = 0; i < Number(arg); i++) await store.update(stateDir, (draft) => { draft.deadline += 1; });
} else if (action === 'crash-mid-step') {
  await store.setPhase(stateDir, 'applying');
  await store.recordStepStart(stateDir, arg);
  process.kill(process.pid, 'SIGKILL');
} else if (action === 'crash-holding-lock') {
  await acquireLock(stateDir, 'apply');
  process.kill(process.pid, 'SIGKILL');
} else {
  throw new Error('unknown action ' + action);
}
`;

export interface ChildRunner {
  /** Runs the child script; resolves with how it ended (it does not throw on a non-zero exit). */
  run(
    action: string,
    stateDir: string,
    arg?: string,
  ): Promise<{ code: number | null; signal: string | null; stderr: string }>;
  cleanup(): void;
}

export function prepareChild(): ChildRunner {
  const out = mkdtempSync(join(tmpdir(), 'bm-journal-child-'));
  writeFileSync(join(out, 'package.json'), '{"type":"module"}\n');
  const queue = ENTRIES.map((entry) => join(repo, entry));
  const done = new Set<string>();
  // Bounded by the number of source files reachable from the entries.
  while (queue.length > 0) {
    const file = queue.pop()!;
    if (done.has(file)) continue;
    done.add(file);
    const { outputText } = ts.transpileModule(readFileSync(file, 'utf8'), {
      fileName: file,
      compilerOptions: { module: ts.ModuleKind.ES2022, target: ts.ScriptTarget.ES2022 },
    });
    const target = join(out, relative(repo, file).replace(/\.ts$/, '.js'));
    mkdirSync(dirname(target), { recursive: true });
    writeFileSync(target, outputText);
    for (const match of outputText.matchAll(/from '(\.{1,2}\/[^']+)\.js'/g)) {
      queue.push(resolve(dirname(file), `${match[1]}.ts`));
    }
  }
  const script = join(out, 'child.mjs');
  writeFileSync(script, SCRIPT);
  return {
    run(action, stateDir, arg = '') {
      return new Promise((done) => {
        const child = execFile(
          process.execPath,
          [script, action, stateDir, arg],
          { timeout: 60_000 },
          (error, _stdout, stderr) => {
            done({ code: child.exitCode, signal: child.signalCode, stderr: String(stderr) });
            void error;
          },
        );
      });
    },
    cleanup: () => rmSync(out, { recursive: true, force: true }),
  };
}
