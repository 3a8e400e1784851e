/**
 * What every part of the engine works with: the dependencies with their defaults filled in, and
 * one way to tell the listener what happens. Internal to txn/.
 */
import { type QueryDns, queryDns } from '../../system/dns-query.js';
import { type RuntimeFiles, runtimeFiles } from '../../system/runtime-files.js';
import { type SpawnDetached, spawnDetached } from '../../system/spawn-detached.js';
import type { EngineDeps, EngineEvent } from './engine-api.js';
import { RUNTIME_DIR } from './runtime-state.js';

export interface EngineContext {
  deps: EngineDeps;
  stateDir: string;
  spawnDetached: SpawnDetached;
  queryDns: QueryDns;
  runtimeFiles: RuntimeFiles;
  /** Where runtime files go: --root-dir ("/" on a real host). */
  rootDir: string;
  /** The revert lock and what must be kept when the state dir cannot be written (runtime-state.ts). */
  runtimeDir: string;
  emit(event: EngineEvent): void;
  note(message: string): void;
}

export function engineContext(deps: EngineDeps): EngineContext {
  return {
    deps,
    stateDir: deps.stateDir,
    spawnDetached: deps.spawnDetached ?? spawnDetached,
    queryDns: deps.queryDns ?? queryDns,
    runtimeFiles: deps.runtimeFiles ?? runtimeFiles,
    runtimeDir: deps.runtimeDir ?? RUNTIME_DIR,
    // Read when a file command runs, not here: callers that never run one may leave env out.
    get rootDir() {
      return deps.env.rootDir;
    },
    emit(event) {
      try {
        deps.listener?.(event);
      } catch (error) {
        // A broken screen must never stop a migration half way (or a revert).
        deps.log.note(`engine listener threw: ${(error as Error).message}`);
      }
    },
    note(message) {
      deps.log.note(`engine: ${message}`);
    },
  };
}
