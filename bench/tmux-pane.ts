/**
 * A program in a real terminal of a fixed size: one tmux pane on a private socket (its own server,
 * never the user's), everything the program writes also piped to a file so the bytes sent to the
 * terminal can be counted. The server is ended with `kill-server` on that socket and, should it
 * linger, by its pid.
 */
import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { execa } from 'execa';
import { sleep, waitFor } from '../source/lab/wait.js';

export interface TmuxPane {
  /** The pid of the program tmux started in the pane. */
  readonly panePid: number;
  /** The visible screen as text. */
  screen(): Promise<string>;
  /** `tmux send-keys`: key names (Enter, Escape) or literal text. */
  sendKeys(...keys: string[]): Promise<void>;
  /** Bytes the program has written to the terminal since the pipe was opened. */
  bytesWritten(): number;
  /** Polls the screen (bounded) until `accept` holds; returns that screen. */
  waitForScreen(what: string, accept: (screen: string) => boolean, timeoutMs: number): Promise<string>;
  close(): Promise<void>;
}

const SESSION = 'bench';

export async function openPane(
  dir: string,
  argv: readonly string[],
  size: { columns: number; rows: number } = { columns: 80, rows: 24 },
): Promise<TmuxPane> {
  const socket = join(dir, 'tmux.sock');
  const output = join(dir, 'pane.out');
  const tmux = (...args: string[]) =>
    execa('tmux', ['-S', socket, '-f', '/dev/null', ...args], { stdin: 'ignore', timeout: 5_000 });
  // Several arguments after the options: tmux runs the program directly, without a shell.
  await tmux(
    'new-session',
    '-d',
    '-s',
    SESSION,
    '-x',
    String(size.columns),
    '-y',
    String(size.rows),
    ...argv,
  );
  let serverPid: number | null = null;
  const close = async () => {
    await tmux('kill-server').catch(() => undefined);
    if (serverPid !== null) {
      for (let attempt = 0; attempt < 20 && alive(serverPid); attempt++) await sleep(50);
      if (alive(serverPid)) process.kill(serverPid, 'SIGKILL');
    }
  };
  try {
    const info = await tmux('display-message', '-p', '-t', SESSION, '#{pid} #{pane_pid}');
    const [server, pane] = info.stdout.trim().split(' ').map(Number);
    serverPid = server ?? null;
    // pipe-pane's argument is a shell command; the only variable part is our own file path.
    await tmux('pipe-pane', '-t', SESSION, `cat >> '${output.replace(/'/g, `'\\''`)}'`);
    const screen = async () => (await tmux('capture-pane', '-p', '-t', SESSION)).stdout;
    return {
      panePid: pane ?? -1,
      screen,
      sendKeys: async (...keys) => {
        await tmux('send-keys', '-t', SESSION, ...keys);
      },
      bytesWritten: () => (existsSync(output) ? statSync(output).size : 0),
      waitForScreen: (what, accept, timeoutMs) =>
        waitFor(
          what,
          { attempts: Math.ceil(timeoutMs / 100) + 1, intervalMs: 100, timeoutMs },
          async (problem) => {
            const text = await screen().catch(() => '');
            return accept(text) ? text : problem(`screen:\n${text}`);
          },
        ),
      close,
    };
  } catch (error) {
    await close();
    throw error;
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
