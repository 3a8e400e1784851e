/**
 * The signals the tool sends to a process, and how it sends them. Only the DHCP-client stop signals
 * anything (plan/steps/stop-dhcp.ts says why a client gets TERM or KILL), so the set is fixed: a
 * journal is hostile input, and a signal name read from it must be one of these.
 *
 * A signal goes out as a `kill -SIGNAL PID` argv through the Runner rather than process.kill: the
 * Runner is the one way the program acts on the host, so the lab's Runner sends it from inside the
 * namespace under test, the debug log and the recordings show the argv, and a test's fake host
 * answers it like any other command.
 */

export const PROCESS_SIGNALS = ['TERM', 'KILL'] as const;
export type ProcessSignal = (typeof PROCESS_SIGNALS)[number];

export function isProcessSignal(value: unknown): value is ProcessSignal {
  return PROCESS_SIGNALS.includes(value as ProcessSignal);
}

/** A pid a signal may go to: a positive integer within Linux's pid range (PID_MAX_LIMIT, 2^22). */
export function isSignallablePid(value: unknown): value is number {
  return Number.isSafeInteger(value) && (value as number) > 0 && (value as number) <= 4_194_304;
}

/** The argv that sends `signal` to `pid`; also what the plan shows for the command. */
export function killArgv(pid: number, signal: ProcessSignal): string[] {
  return ['kill', `-${signal}`, String(pid)];
}
