import type { RunResult } from '../system/runner.js';
import type { PingResult } from './types.js';

/** Reads iputils ping's summary line ("3 packets transmitted, 3 received, ..."). */
export function parsePing(result: RunResult): PingResult {
  const output = result.stdout + result.stderr;
  const match = /(\d+) packets transmitted, (\d+) (?:packets )?received/.exec(output);
  const transmitted = match ? Number(match[1]) : 0;
  const received = match ? Number(match[2]) : 0;
  return { transmitted, received, ok: received > 0, output };
}

/** `count` echo requests 0.2 s apart, each waiting at most `timeoutSec` for its reply. */
export function pingArgv(address: string, count: number, timeoutSec: number): string[] {
  return ['ping', '-n', '-q', '-c', String(count), '-i', '0.2', '-W', String(timeoutSec), address];
}

/** The Runner's bound for that ping: its own schedule plus a margin. */
export function pingTimeoutMs(count: number, timeoutSec: number): number {
  return count * 200 + timeoutSec * 1000 + 5_000;
}
