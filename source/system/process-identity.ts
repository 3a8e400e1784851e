import { readFile } from 'node:fs/promises';

/**
 * Who a pid is, durably enough to tell a live holder from a recycled pid. A pid alone is not an
 * identity: after a crash the kernel may hand the same number to an unrelated process. Field 22 of
 * /proc/PID/stat (starttime, clock ticks since boot; proc(5)) differs between the two, so the pair
 * (pid, starttime) names one process for the life of the boot.
 */
export interface ProcessIdentity {
  pid: number;
  /** /proc/PID/stat field 22, kept as the kernel's decimal text (no float rounding). */
  startTime: string;
  /** Field 3; "Z" is a zombie: exited, only waiting to be reaped, holding nothing. */
  state: string;
}

/** Parses one /proc/PID/stat line. The comm field (2) may contain spaces and ")" itself, so the
 * fields are counted from the LAST ")". Returns null for text that is not a stat line. */
export function parseProcStat(pid: number, text: string): ProcessIdentity | null {
  const close = text.lastIndexOf(')');
  if (close < 0) return null;
  const rest = text
    .slice(close + 1)
    .trim()
    .split(/\s+/);
  // rest[0] is field 3 (state), so field 22 is rest[19].
  const state = rest[0];
  const startTime = rest[19];
  if (!state || !startTime || !/^\d+$/.test(startTime)) return null;
  return { pid, startTime, state };
}

/** The identity of a running process, or null when no such process exists (or /proc hides it). */
export async function readProcessIdentity(pid: number): Promise<ProcessIdentity | null> {
  if (!Number.isSafeInteger(pid) || pid <= 0) return null;
  try {
    return parseProcStat(pid, await readFile(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return null;
  }
}

/** True when the process that recorded (pid, startTime) is still running and not a zombie. */
export async function isProcessAlive(pid: number, startTime: string): Promise<boolean> {
  const now = await readProcessIdentity(pid);
  return now !== null && now.startTime === startTime && now.state !== 'Z';
}

export async function ownProcessIdentity(): Promise<ProcessIdentity> {
  const self = await readProcessIdentity(process.pid);
  if (!self) throw new Error(`cannot read /proc/${process.pid}/stat; bridge-migrate needs a mounted /proc`);
  return self;
}
