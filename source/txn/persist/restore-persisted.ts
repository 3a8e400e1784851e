/**
 * The file half of reverting a persisted (or half persisted) change, run by the engine's revert
 * before it undoes the runtime steps: every file the journal records is put back exactly (backup
 * restored, a new file removed), then the renderer takes the uplink back from the old files.
 * Returns what could not be done, as differences the revert reports (revert-incomplete).
 */
import type { EngineContext } from '../engine/engine-context.js';
import type { Journal } from '../journal/journal.js';
import { restoreTouchedFiles } from './config-files.js';
import { persistRendererFor } from './persist-renderers.js';

export async function restorePersistedFiles(context: EngineContext, journal: Journal): Promise<string[]> {
  if (journal.files.length === 0) return [];
  const problems = await restoreTouchedFiles(context.rootDir, journal.files);
  context.note(
    `restored ${journal.files.map((file) => file.path).join(', ')}${problems.length ? ` (${problems.join('; ')})` : ''}`,
  );
  const renderer = persistRendererFor(journal.plan.persistWith);
  if (renderer) {
    const problem = await renderer
      .handBack(
        {
          runner: context.deps.runner,
          rootDir: context.rootDir,
          stateDir: context.stateDir,
          note: (text) => context.note(text),
        },
        journal.plan,
      )
      .catch((error: Error) => error.message);
    // Not a difference from the pre-state by itself: when the hand-over never reached the renderer
    // (networkctl missing, reload refused) it still runs the old config. Said in the log and the journal.
    if (problem) {
      const text = `${journal.plan.persistWith} was not told to take ${journal.plan.nic} back: ${problem}`;
      context.note(text);
      await context.deps.journal.addEvent(context.stateDir, text).catch(() => undefined);
    }
  }
  return problems;
}
