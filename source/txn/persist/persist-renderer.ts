/**
 * A renderer's part in the persist transaction (persist.ts): check the new files before anything
 * real is written, take the bridge over once they are written, and take the uplink back once they
 * are restored. The transaction does the rest (backups, atomic writes, verification, the revert),
 * the same for every renderer. Shared with the ifupdown renderer (ifupdown-renderer.ts): keep the
 * members below stable; optional ones may be added.
 */
import type { ConfigFile, Plan } from '../../plan/types.js';
import type { Runner } from '../../system/runner.js';

export interface PersistContext {
  runner: Runner;
  /** --root-dir: ConfigFile paths are host paths below it ("/" on a real host). */
  rootDir: string;
  /** The state directory (the journal's), for scratch copies and backups. */
  stateDir: string;
  /** One line for the debug log (what was run, what it said). */
  note(text: string): void;
  /** Waits between looks at the renderer; tests pass one that does not wait. Default: a real pause. */
  sleep?(ms: number): Promise<void>;
}

export interface PersistRenderer {
  readonly name: 'netplan' | 'ifupdown' | 'networkmanager';
  /** Check the new files before anything real is written; a problem sentence, or null. */
  validate(context: PersistContext, files: ConfigFile[]): Promise<string | null>;
  /** After the files are written: the renderer takes over the bridge (no systemd PID 1 needed). */
  handOver(context: PersistContext, plan: Plan): Promise<string | null>;
  /** After the files are restored: the renderer takes the uplink back (undo / failed persist). */
  handBack(context: PersistContext, plan: Plan): Promise<string | null>;
}
