/**
 * The interactive process's one way out when it is told to stop (SIGINT, SIGTERM, SIGHUP) or loses
 * its terminal (stdout EIO/EPIPE, stdin ended): unmount Ink, put the terminal back (raw mode off,
 * cursor shown) and exit, exactly once however many of these arrive together.
 *
 * It never reverts or confirms. A dropped SSH session is the case the dead-man guardian exists
 * for: the guardian, outside this session, reverts at the deadline unless `bridge-migrate confirm`
 * reaches it first, and the journal stays as it was for the next start to show (recovery). A
 * decision taken here, while the operator cannot see it, would be a guess.
 *
 * After gemini-cli's packages/cli/src/utils/cleanup.ts: one guarded shutdown for every signal,
 * because they arrive together when a terminal closes (SIGHUP from the kernel, then a write failing
 * with EIO) and a second run would unmount a torn-down tree (google-gemini/gemini-cli#15874); and
 * a TTY-loss check, because a process whose terminal vanished may never get a signal at all (it
 * was not in the foreground process group) and would otherwise spin on a dead terminal.
 */

/** The signals that end the interactive process, and their conventional exit codes (128 + n). */
export const SHUTDOWN_SIGNALS = { SIGHUP: 129, SIGINT: 130, SIGTERM: 143 } as const;
export type ShutdownSignal = keyof typeof SHUTDOWN_SIGNALS;

/** Errors that mean the terminal is gone, not that one write failed for a passing reason. */
const TTY_GONE = new Set(['EIO', 'EPIPE', 'ENXIO', 'EBADF']);

const SHOW_CURSOR = '\u001B[?25h';

type Emitter = Pick<NodeJS.EventEmitter, 'on' | 'off'>;
type Listener = Parameters<Emitter['on']>[1];

export interface ShutdownStreams {
  stdin: Emitter & { isTTY?: boolean; setRawMode?: (mode: boolean) => unknown };
  stdout: Emitter & { write(text: string): unknown };
}

export interface ShutdownOptions extends ShutdownStreams {
  /** Where the signals come from: `process` in the CLI, an EventEmitter in tests. */
  signals: Emitter;
  /** Unmounts the Ink app; may throw when the terminal is already gone. */
  unmount(): void;
  /** Ends the process; called once, last. */
  exit(code: number): void;
  /** A line for the debug log: why the process is stopping. */
  note?(message: string): void;
}

export interface ShutdownHandle {
  /** Runs the shutdown (once); the reason goes to the debug log. */
  shutdown(reason: string, code: number): void;
  /** Removes every handler: the app ended normally and the CLI returns its own exit code. */
  dispose(): void;
  /** Whether shutdown ran. */
  readonly done: boolean;
}

export function installShutdown(options: ShutdownOptions): ShutdownHandle {
  const { signals, stdin, stdout } = options;
  let done = false;
  const listeners: Array<[Emitter, string, Listener]> = [];
  const listen = (emitter: Emitter, event: string, listener: Listener) => {
    emitter.on(event, listener);
    listeners.push([emitter, event, listener]);
  };
  const dispose = () => {
    for (const [emitter, event, listener] of listeners.splice(0)) emitter.off(event, listener);
  };

  const shutdown = (reason: string, code: number) => {
    if (done) return;
    done = true;
    options.note?.(`interactive: stopping (${reason}); the change, if any, is left to the guardian`);
    // The handlers stay until the exit: a late EIO must still find its listener, and `done` makes
    // every later call a no-op. Each step on its own: the terminal may be gone, and restoring it
    // must not stop the exit.
    attempt(() => options.unmount());
    if (stdin.isTTY) attempt(() => stdin.setRawMode?.(false));
    attempt(() => stdout.write(SHOW_CURSOR));
    options.exit(code);
  };

  for (const [signal, code] of Object.entries(SHUTDOWN_SIGNALS)) {
    listen(signals, signal, () => shutdown(signal, code));
  }
  // A write to a closed terminal fails asynchronously on the stream; without a listener that
  // error would crash the process with a stack trace nobody can read.
  const onStreamError = (stream: string) => (error: NodeJS.ErrnoException) => {
    if (TTY_GONE.has(error.code ?? ''))
      shutdown(`terminal lost: ${stream} ${error.code}`, SHUTDOWN_SIGNALS.SIGHUP);
  };
  listen(stdout, 'error', onStreamError('stdout'));
  listen(stdin, 'error', onStreamError('stdin'));
  if (stdin.isTTY) {
    // A terminal never ends on its own: its end is a hangup (the pty's other side closed).
    listen(stdin, 'end', () => shutdown('terminal lost: stdin ended', SHUTDOWN_SIGNALS.SIGHUP));
  }

  return {
    shutdown,
    dispose,
    get done() {
      return done;
    },
  };
}

function attempt(action: () => unknown): void {
  try {
    action();
  } catch {
    // The terminal is gone or the tree was already unmounted; the exit goes ahead.
  }
}
