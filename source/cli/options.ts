/**
 * Validation of the command-line values shared by every subcommand. Pure: each function takes the
 * raw string and returns the typed value or throws a UsageError that names the fix.
 */

import { resolve } from 'node:path';
import { bridgeNameProblem, interfaceNameProblem } from '../plan/names.js';
import { DEFAULT_STATE_DIR } from '../plan/operator-commands.js';
import type { PersistChoice } from '../plan/types.js';
import { UsageError } from './errors.js';

export const DEFAULT_BRIDGE = 'fcbr0';
export const DEFAULT_TIMEOUT_SEC = 120;
// Below the CLI, so the commands the plan and the journal name can leave a default one out.
export { DEFAULT_STATE_DIR } from '../plan/operator-commands.js';
export const MIN_TIMEOUT_SEC = 15;
export const MAX_TIMEOUT_SEC = 3600;
const PERSIST_CHOICES: readonly PersistChoice[] = ['auto', 'netplan', 'networkmanager', 'ifupdown', 'none'];

export interface CommonOptions {
  stateDir: string;
  rootDir: string;
  persist: PersistChoice;
  replay: string | null;
  log: string | null;
  /**
   * The named network namespace this process runs in (found at start, host-access.ts), so the
   * commands it suggests for later carry `ip netns exec NAME`. Absent or null: the host's own.
   */
  netns?: string | null;
  /** How an operator starts this tool again (command-deps.ts selfCommand), for the same reason. */
  program?: readonly string[];
}

export interface TargetOptions {
  nic: string | null;
  bridge: string;
  timeoutSec: number;
}

export function parseBridgeName(raw: string | undefined): string {
  const name = raw ?? DEFAULT_BRIDGE;
  const problem = bridgeNameProblem(name);
  if (problem) {
    throw new UsageError(
      `bridge name "${name}" ${problem}`,
      'pass --bridge with 1-15 bytes, no "/", ":" or spaces, not starting with "-" (e.g. --bridge fcbr0)',
    );
  }
  return name;
}

export function parseNicName(raw: string | undefined): string | null {
  if (raw === undefined) return null;
  const problem = interfaceNameProblem(raw);
  if (problem)
    throw new UsageError(`interface name "${raw}" ${problem}`, 'pass --nic with the name shown by `ip link`');
  return raw;
}

export function parseTimeout(raw: string | undefined): number {
  if (raw === undefined) return DEFAULT_TIMEOUT_SEC;
  const value = Number(raw);
  if (
    !/^\d+$/.test(raw.trim()) ||
    !Number.isSafeInteger(value) ||
    value < MIN_TIMEOUT_SEC ||
    value > MAX_TIMEOUT_SEC
  ) {
    throw new UsageError(
      `--timeout "${raw}" is not a whole number of seconds between ${MIN_TIMEOUT_SEC} and ${MAX_TIMEOUT_SEC}`,
      `pass e.g. --timeout ${DEFAULT_TIMEOUT_SEC}`,
    );
  }
  return value;
}

export function parsePersist(raw: string | undefined): PersistChoice {
  const value = (raw ?? 'auto') as PersistChoice;
  if (!PERSIST_CHOICES.includes(value)) {
    throw new UsageError(
      `--persist "${raw}" is not one of ${PERSIST_CHOICES.join(', ')}`,
      'pass --persist auto to follow the renderer that manages the uplink',
    );
  }
  return value;
}

export function parseCommon(raw: Record<string, unknown>, cwd: string = process.cwd()): CommonOptions {
  const str = (key: string) => (typeof raw[key] === 'string' ? (raw[key] as string) : undefined);
  const replay = str('replay');
  const log = str('log');
  return {
    stateDir: parseDirectory('--state-dir', str('stateDir') ?? DEFAULT_STATE_DIR, cwd),
    rootDir: parseDirectory('--root-dir', str('rootDir') ?? '/', cwd),
    persist: parsePersist(str('persist')),
    // An empty --replay must never fall through to probing (and then changing) the live host.
    replay: replay === undefined ? null : nonEmpty('--replay', replay, REPLAY_FIX),
    log: log === undefined ? null : resolve(cwd, nonEmpty('--log', log, LOG_FIX)),
  };
}

const REPLAY_FIX =
  'pass the path of a `bridge-migrate capture` document, or leave --replay out to probe this host';
const LOG_FIX = 'pass a file path, or leave --log out (default: STATE_DIR/debug.log)';

/**
 * A directory option made absolute against the working directory now: the guardian is started
 * with cwd / (systemd-run, or a detached child that chdirs there), so a relative --state-dir would
 * name another directory in the guardian than in the command that armed it.
 */
export function parseDirectory(flag: '--state-dir' | '--root-dir', raw: string, cwd: string): string {
  const fix =
    flag === '--state-dir'
      ? `pass a directory, or leave --state-dir out (default ${DEFAULT_STATE_DIR})`
      : 'pass a directory, or leave --root-dir out (default /)';
  return resolve(cwd, nonEmpty(flag, raw, fix));
}

function nonEmpty(flag: string, raw: string, fix: string): string {
  if (raw.trim() === '') throw new UsageError(`${flag} is empty`, fix);
  return raw;
}

export function parseTarget(raw: Record<string, unknown>): TargetOptions {
  const str = (key: string) => (typeof raw[key] === 'string' ? (raw[key] as string) : undefined);
  return {
    nic: parseNicName(str('nic')),
    bridge: parseBridgeName(str('bridge')),
    timeoutSec: parseTimeout(str('timeout')),
  };
}
