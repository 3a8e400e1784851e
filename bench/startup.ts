/**
 * Cold start to first frame: the CLI is started in a pseudo-terminal (util-linux `script`, so Ink
 * sees a TTY exactly as an operator's terminal) and timed until its first visible output. The
 * run is a dry run on this machine: the probe only reads.
 */
import { spawn } from 'node:child_process';
import { resolve } from 'node:path';
import { execa } from 'execa';

const CLI = resolve(import.meta.dirname, '..', 'cli.js');

export async function firstFrameMs(extraArgs: string[] = []): Promise<number> {
  const command = ['node', CLI, '--dry-run', ...extraArgs].map(quoteForScript).join(' ');
  const started = performance.now();
  return new Promise((resolvePromise, reject) => {
    // `script -c` takes one command string; it is built from fixed tokens above, never user input.
    const child = spawn('script', ['-qefc', command, '/dev/null'], {
      stdio: ['pipe', 'pipe', 'ignore'],
      detached: true,
    });
    const timer = setTimeout(() => finish(new Error('no frame within 10 s')), 10_000);
    let done = false;
    function finish(error: Error | null, value?: number) {
      if (done) return;
      done = true;
      clearTimeout(timer);
      try {
        process.kill(-child.pid!, 'SIGTERM');
      } catch {}
      if (error) reject(error);
      else resolvePromise(value!);
    }
    child.stdout.on('data', (chunk: Buffer) => {
      // Ink's first write may be only cursor control; a frame has printable text.
      if (/[A-Za-z]/.test(chunk.toString('utf8').replace(/\x1b\[[0-9;?]*[A-Za-z]/g, ''))) {
        finish(null, performance.now() - started);
      }
    });
    child.on('error', (error) => finish(error));
  });
}

function quoteForScript(token: string): string {
  return /^[\w@%+=:,./-]+$/.test(token) ? token : `'${token.replace(/'/g, `'\\''`)}'`;
}

/** Peak resident memory (kB → MB) of one `plan --json` run, from GNU time's %M. */
export async function peakRssMb(args: string[]): Promise<number> {
  const result = await execa('/usr/bin/time', ['-f', '%M', 'node', CLI, ...args], {
    reject: false,
    stdin: 'ignore',
  });
  const kb = Number(result.stderr.trim().split('\n').at(-1));
  if (!Number.isFinite(kb)) throw new Error(`could not read peak RSS: ${result.stderr}`);
  return kb / 1024;
}
