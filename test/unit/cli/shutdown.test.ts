/**
 * The interactive process's one shutdown path (source/cli/shutdown.ts): SIGINT, SIGTERM, SIGHUP
 * and a lost terminal each unmount the UI, put the terminal back and exit, exactly once; nothing
 * here can confirm or revert (the guardian decides). Then the same through the built CLI on a
 * real pseudo-terminal (util-linux `script`), hung up with SIGHUP as sshd does when SSH drops.
 */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { EventEmitter } from 'node:events';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { installShutdown, SHUTDOWN_SIGNALS } from '../../../source/cli/shutdown.js';

class FakeStdin extends EventEmitter {
  readonly isTTY = true;
  rawMode: boolean[] = [];
  setRawMode(mode: boolean) {
    this.rawMode.push(mode);
  }
}

class FakeStdout extends EventEmitter {
  written = '';
  dead = false;
  write(text: string) {
    if (this.dead) throw Object.assign(new Error('write EIO'), { code: 'EIO' });
    this.written += text;
    return true;
  }
}

function installed(options: { unmountThrows?: boolean } = {}) {
  const signals = new EventEmitter();
  const stdin = new FakeStdin();
  const stdout = new FakeStdout();
  const unmount = vi.fn(() => {
    if (options.unmountThrows) throw new Error('write EIO');
  });
  const exit = vi.fn();
  const notes: string[] = [];
  const handle = installShutdown({
    signals,
    stdin,
    stdout,
    unmount,
    exit,
    note: (message) => notes.push(message),
  });
  return { signals, stdin, stdout, unmount, exit, notes, handle };
}

describe('installShutdown', () => {
  it.each(Object.entries(SHUTDOWN_SIGNALS))(
    '%s unmounts, turns raw mode off, shows the cursor and exits %i',
    (signal, code) => {
      const s = installed();
      s.signals.emit(signal);
      expect(s.unmount).toHaveBeenCalledTimes(1);
      expect(s.stdin.rawMode).toEqual([false]);
      expect(s.stdout.written).toBe('\u001B[?25h');
      expect(s.exit).toHaveBeenCalledWith(code);
      expect(s.notes[0]).toContain(`stopping (${signal}); the change, if any, is left to the guardian`);
    },
  );

  it('runs once when signals and a lost terminal arrive together', () => {
    const s = installed();
    s.signals.emit('SIGHUP');
    s.stdout.emit('error', Object.assign(new Error('write EIO'), { code: 'EIO' }));
    s.signals.emit('SIGTERM');
    s.stdin.emit('end');
    expect(s.unmount).toHaveBeenCalledTimes(1);
    expect(s.exit).toHaveBeenCalledTimes(1);
    expect(s.exit).toHaveBeenCalledWith(129);
  });

  it('a lost terminal takes the same path: stdout EIO/EPIPE, stdin EIO, stdin ended', () => {
    for (const lose of [
      (s: ReturnType<typeof installed>) =>
        s.stdout.emit('error', Object.assign(new Error('x'), { code: 'EPIPE' })),
      (s: ReturnType<typeof installed>) =>
        s.stdin.emit('error', Object.assign(new Error('x'), { code: 'EIO' })),
      (s: ReturnType<typeof installed>) => s.stdin.emit('end'),
    ]) {
      const s = installed();
      lose(s);
      expect(s.unmount).toHaveBeenCalledTimes(1);
      expect(s.exit).toHaveBeenCalledWith(129);
      expect(s.notes[0]).toContain('terminal lost');
    }
  });

  it('an unrelated stream error is not a lost terminal', () => {
    const s = installed();
    s.stdout.emit('error', Object.assign(new Error('x'), { code: 'EAGAIN' }));
    expect(s.exit).not.toHaveBeenCalled();
  });

  it('still exits when the terminal is already gone (unmount and writes throw)', () => {
    const s = installed({ unmountThrows: true });
    s.stdout.dead = true;
    s.signals.emit('SIGHUP');
    expect(s.exit).toHaveBeenCalledWith(129);
  });

  it('dispose removes every handler (the app ended normally)', () => {
    const s = installed();
    s.handle.dispose();
    s.signals.emit('SIGINT');
    expect(s.exit).not.toHaveBeenCalled();
    for (const emitter of [s.signals, s.stdin, s.stdout]) {
      expect(emitter.eventNames()).toEqual([]);
    }
  });
});

const CLI = join(process.cwd(), 'dist', 'cli.js');
const RECORDING = join(process.cwd(), 'recordings', 'hosts', 'lab-dhcp-host.json');
const hasScript = spawnSync('script', ['--version'], { encoding: 'utf8' }).status === 0;

/** The pids under `pid` (from /proc/PID/task/TID/children), depth first. */
function descendants(pid: number): number[] {
  let children: number[] = [];
  try {
    for (const task of readdirSync(`/proc/${pid}/task`)) {
      const text = readFileSync(`/proc/${pid}/task/${task}/children`, 'utf8').trim();
      if (text) children = children.concat(text.split(/\s+/).map(Number));
    }
  } catch {
    return [];
  }
  return children.flatMap((child) => [child, ...descendants(child)]);
}

function cmdline(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').replaceAll('\0', ' ');
  } catch {
    return '';
  }
}

describe.skipIf(!existsSync(CLI) || !hasScript)('the built CLI on a pseudo-terminal', () => {
  let child: ChildProcess | null = null;
  let stateDir: string | null = null;
  afterEach(() => {
    // Only what this test started, by pid.
    if (child?.pid && child.exitCode === null) {
      for (const pid of descendants(child.pid).reverse()) {
        try {
          process.kill(pid, 'SIGKILL');
        } catch {}
      }
      child.kill('SIGKILL');
    }
    child = null;
    if (stateDir) rmSync(stateDir, { recursive: true, force: true });
  });

  it('SIGHUP (the SSH session dropped) restores the terminal and exits 129 at once', async () => {
    stateDir = mkdtempSync(join(tmpdir(), 'bm-shutdown-'));
    const command = `exec node ${CLI} --replay ${RECORDING} --state-dir ${stateDir}`;
    child = spawn('script', ['-qfec', command, '/dev/null'], {
      env: {
        ...process.env,
        LANG: 'en_US.UTF-8',
        TERM: 'xterm-256color',
        SHELL: '/bin/sh',
        COLUMNS: '80',
        LINES: '24',
      },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout?.on('data', (chunk: Buffer) => {
      output += chunk.toString('utf8');
    });
    const exited = new Promise<number | null>((resolve) => child?.on('exit', (code) => resolve(code)));
    await vi.waitFor(
      () => {
        if (!output.includes('Verdicts')) throw new Error(`no preview yet:\n${output}`);
      },
      { timeout: 15_000, interval: 50 },
    );
    const tui = descendants(child.pid as number).find((pid) => cmdline(pid).includes('dist/cli.js'));
    expect(tui, 'the TUI process').toBeDefined();
    process.kill(tui as number, 'SIGHUP');
    const code = await Promise.race([
      exited,
      new Promise((resolve) => setTimeout(() => resolve('timeout'), 10_000)),
    ]);
    expect(code).toBe(129);
    // The last thing the terminal got: the cursor shown again.
    expect(output.trimEnd().endsWith('\u001B[?25h')).toBe(true);
    // And it was this shutdown path (not Ink's own exit hook re-raising the signal) that ran.
    expect(readFileSync(join(stateDir, 'debug.log'), 'utf8')).toContain(
      'interactive: stopping (SIGHUP); the change, if any, is left to the guardian',
    );
  }, 30_000);
});
