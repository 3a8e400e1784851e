/**
 * A renderer's part of persisting (issue 9 design): check the new files, take over the bridge once
 * they are written, and take the uplink back once they are restored. The persist engine owns
 * backups, atomic writes, verification and the journal phases; a renderer only talks to its daemon.
 */
import type { ConfigFile, Plan } from '../../plan/types.js';
import type { Runner } from '../../system/runner.js';

export interface PersistContext {
  runner: Runner;
  /** Where the host's files are (--root-dir); "/" on a real host. */
  rootDir: string;
  stateDir: string;
  /** A line for the operator's progress and the journal's log. */
  note(text: string): void;
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
