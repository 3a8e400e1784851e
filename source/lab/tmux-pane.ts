/**
 * A real terminal for tests and benchmarks (the one copy test/e2e and bench/ use): a tmux server
 * on a private socket (`tmux -S <own temp dir>/socket`, a unique path like `-L <unique>` but inside
 * a dir this helper removes, so no socket file is left in /tmp/tmux-UID), so nothing a test does
 * reaches anyone else's tmux, and `kill-server` ends exactly the panes this test made; a server
 * that lingers after it is ended by its pid.
 *
 * The server starts with its own config file (never the user's): no status line, so a pane made
 * at 80x24 is the whole 80x24 window; panes stay on screen after their program exits
 * (remain-on-exit), so a test can read the last frame and the exit status. Every wait is bounded.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { sleep, waitFor } from './wait.js';

const TMUX_CALL_MS = 10_000;
const POLL_MS = 100;

const CONFIG = `# bridge-migrate test tmux server
set -g status off
set -g remain-on-exit on
set -g history-limit 5000
set -g default-terminal screen
set -g escape-time 0
`;

export interface NewSessionOptions {
  columns?: number;
  rows?: number;
  /** Environment of the pane's program (tmux new-session -e), on top of this process's. */
  env?: Record<string, string>;
  /** Also keep every byte the program writes to its terminal, from its first one (pipe-pane). */
  recordOutput?: boolean;
}

export interface TmuxPane {
  readonly target: string;
  /** The pid of the program the pane runs (tmux execs an argv directly: no shell in between). */
  pid(): Promise<number>;
  /** Sends each key in its own `send-keys` call: tmux key names (Enter, Tab, Escape) or one character. */
  sendKeys(...keys: string[]): Promise<void>;
  /** The visible screen as text; `join` undoes tmux's wrapping of lines longer than the pane. */
  capture(options?: { join?: boolean }): Promise<string>;
  /** Polls the visible screen (joined lines) until it shows `pattern`; returns that screen. */
  waitForText(pattern: string | RegExp, timeoutMs: number): Promise<string>;
  /** Polls the visible screen (joined lines) until `accept` holds; returns that screen. */
  waitForScreen(what: string, accept: (screen: string) => boolean, timeoutMs: number): Promise<string>;
  /** A tmux format for this pane, e.g. `#{history_size}`. */
  format(format: string): Promise<string>;
  /** Waits, bounded, until the pane's program has exited; how it ended (signal by number). */
  waitForExit(timeoutMs: number): Promise<PaneExit>;
  /** Every byte the program wrote (only with recordOutput). */
  output(): Buffer;
}

export interface PaneExit {
  code: number | null;
  signal: number | null;
}

export interface TmuxServer {
  /** Path of the server's socket (`tmux -S`), to attach by hand while debugging. */
  readonly socket: string;
  newSession(argv: readonly string[], options?: NewSessionOptions): Promise<TmuxPane>;
  /** Ends the server and every pane in it, and removes the config and recordings. Idempotent. */
  killServer(): Promise<void>;
}

export interface TmuxResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** A server on a fresh private socket; nothing runs until the first newSession. */
export function createTmuxServer(): TmuxServer {
  const dir = mkdtempSync(join(tmpdir(), `bm-tmux-${randomBytes(2).toString('hex')}-`));
  const socket = join(dir, 'socket');
  const config = join(dir, 'tmux.conf');
  writeFileSync(config, CONFIG);
  let sessions = 0;
  let killed = false;

  const tmux = async (args: readonly string[]): Promise<TmuxResult> =>
    runTmux(['-u', '-S', socket, '-f', config, ...args]);
  const checked = async (args: readonly string[]): Promise<string> => {
    const result = await tmux(args);
    if (result.code !== 0)
      throw new Error(`tmux ${args.join(' ')} failed (${result.code}): ${result.stderr}`);
    return result.stdout;
  };

  async function newSession(argv: readonly string[], options: NewSessionOptions = {}): Promise<TmuxPane> {
    if (killed) throw new Error(`tmux server ${socket} was killed`);
    sessions += 1;
    const target = `s${sessions}`;
    const recording = join(dir, `${target}.out`);
    const env = Object.entries(options.env ?? {}).flatMap(([name, value]) => ['-e', `${name}=${value}`]);
    const create = ['new-session', '-d', '-s', target, '-x', String(options.columns ?? 80)];
    create.push('-y', String(options.rows ?? 24), ...env, '--', ...argv);
    // One tmux invocation: the server runs both commands before it reads the pane's first byte,
    // so the pipe sees the program's output from its start.
    const pipe = options.recordOutput
      ? [';', 'pipe-pane', '-o', '-t', target, `cat >> ${shellWord(recording)}`]
      : [];
    if (options.recordOutput) writeFileSync(recording, '');
    await checked([...create, ...pipe]);

    const format = async (text: string) =>
      (await checked(['display-message', '-p', '-t', target, text])).trimEnd();
    const capture = async (captureOptions: { join?: boolean } = {}) =>
      checked(['capture-pane', '-p', ...(captureOptions.join ? ['-J'] : []), '-t', target]);
    async function waitForScreen(what: string, accept: (screen: string) => boolean, timeoutMs: number) {
      let last = '';
      try {
        return await waitFor(
          what,
          { attempts: Math.ceil(timeoutMs / POLL_MS) + 1, intervalMs: POLL_MS, timeoutMs },
          async (problem) => {
            last = await capture({ join: true });
            return accept(last) ? last : problem('not there yet');
          },
        );
      } catch (error) {
        throw new Error(`${(error as Error).message}; the screen was:\n${last}`);
      }
    }
    return {
      target,
      format,
      capture,
      pid: async () => {
        const pid = Number(await format('#{pane_pid}'));
        if (!Number.isInteger(pid) || pid <= 1) throw new Error(`tmux gave no pane pid for ${target}`);
        return pid;
      },
      async sendKeys(...keys) {
        for (const key of keys) await checked(['send-keys', '-t', target, key]);
      },
      waitForText: (pattern, timeoutMs) =>
        waitForScreen(
          `"${String(pattern)}" on the screen`,
          (screen) => (typeof pattern === 'string' ? screen.includes(pattern) : pattern.test(screen)),
          timeoutMs,
        ),
      waitForScreen,
      waitForExit: (timeoutMs) =>
        waitFor(
          `the program in ${target} to exit`,
          { attempts: Math.ceil(timeoutMs / POLL_MS) + 1, intervalMs: POLL_MS, timeoutMs },
          async (problem) => {
            const [dead, code, signal, pid] = (
              await format('#{pane_dead}:#{pane_dead_status}:#{pane_dead_signal}:#{pane_pid}')
            ).split(':');
            if (dead !== '1') return problem('still running');
            // tmux marks the pane dead when its terminal closes, which can come before it has
            // reaped the program; the status (or signal) shows up a moment later. Unless the
            // SIGCHLD was lost: tmux built with libutempter (Debian's) swaps in utempter's own
            // SIGCHLD handler while it removes the pane's utmp record — right when the program
            // exits — and then never reaps it (tmux/tmux#311). Another SIGCHLD to this private
            // server, by its pid, makes it reap.
            if (!code && !signal) {
              await nudgeServer();
              return problem(`terminal closed, pid ${pid} ${processState(Number(pid))}`);
            }
            const number = (text: string | undefined) => (text ? Number(text) : null);
            return { code: number(code), signal: number(signal) };
          },
        ),
      output: () => {
        if (!options.recordOutput) throw new Error(`session ${target} was made without recordOutput`);
        return readFileSync(recording);
      },
    };
  }

  /** This server's pid (never any other tmux's: it answers on our socket), or null when none runs. */
  async function serverPid(): Promise<number | null> {
    const pid = Number((await tmux(['display-message', '-p', '#{pid}'])).stdout.trim());
    return Number.isInteger(pid) && pid > 1 ? pid : null;
  }

  /** SIGCHLD to this server (never any other tmux): a no-op except that it reaps exited panes. */
  async function nudgeServer(): Promise<void> {
    const pid = await serverPid();
    if (pid !== null) process.kill(pid, 'SIGCHLD');
  }

  async function killServer(): Promise<void> {
    if (killed) return;
    killed = true;
    try {
      if (sessions === 0) return;
      const pid = await serverPid();
      // "no server running" is fine: every session may have ended already.
      await tmux(['kill-server']);
      if (pid !== null) await endLingering(pid, socket);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }

  return { socket, newSession, killServer };
}

/** Runs `body` with a fresh private tmux server that is always killed afterwards. */
export async function withTmux<T>(body: (server: TmuxServer) => Promise<T>): Promise<T> {
  const server = createTmuxServer();
  try {
    return await body(server);
  } finally {
    await server.killServer();
  }
}

async function runTmux(args: readonly string[]): Promise<TmuxResult> {
  const result = await execa('tmux', args, {
    stdin: 'ignore',
    reject: false,
    timeout: TMUX_CALL_MS,
    killSignal: 'SIGKILL',
    stripFinalNewline: false,
  });
  // No exit code: tmux did not start, or was killed at the timeout; say which.
  const stderr = result.exitCode === undefined ? result.stderr || (result.shortMessage ?? '') : result.stderr;
  return { code: result.exitCode ?? null, stdout: result.stdout, stderr };
}

/**
 * kill-server normally ends the server at once; one still running after a second is ended by its
 * pid — only while that pid is still this server's (its command line names our socket).
 */
async function endLingering(pid: number, socket: string): Promise<void> {
  const ours = () => {
    try {
      return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').includes(socket);
    } catch {
      return false;
    }
  };
  for (let attempt = 0; attempt < 20 && ours(); attempt++) await sleep(50);
  if (ours()) process.kill(pid, 'SIGKILL');
}

/** What /proc says of a pid, for a failure message. */
function processState(pid: number): string {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8').replaceAll('\0', ' ').trim();
    const [state, ppid] = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const parent = ppid ? readFileSync(`/proc/${ppid}/cmdline`, 'utf8').replaceAll('\0', ' ').trim() : '';
    return `state ${state}: ${cmdline} (parent ${ppid}: ${parent})`;
  } catch {
    return 'gone from /proc';
  }
}

/** Quotes one word for the shell tmux runs pipe-pane's command with. */
export function shellWord(word: string): string {
  return `'${word.replaceAll("'", `'\\''`)}'`;
}
