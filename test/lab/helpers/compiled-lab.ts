import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { LabFootprint } from './lab-state.js';

/**
 * Exit and signal handling can only be seen from outside the process, so these tests run the lab
 * in a child Node process. The child needs plain JavaScript: source/lab (and what it imports) is
 * compiled with tsc into a scratch dir that borrows the repo's node_modules through a symlink.
 */
const repo = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');

const CHILD = `import { createLab } from './lab/lab.js';
const lab = await createLab({ host: { kind: 'dhcp', keepClient: true } });
await lab.addVm();
await lab.openTcpSession();
console.log(JSON.stringify({ namespaces: lab.namespaces(), pids: lab.processes().map((p) => p.pid), dir: lab.dir }));
if (process.argv[2] === 'exit') process.exit(0);
// Otherwise wait, bounded, for the signal the test sends.
setTimeout(() => process.exit(7), 60_000);
`;

export function compileLabForChild(): { dir: string; remove(): void } {
  const dir = mkdtempSync(join(tmpdir(), 'bm-lab-child-'));
  const tsc = join(repo, 'node_modules', 'typescript', 'bin', 'tsc');
  const args = [tsc, '--outDir', dir, '--module', 'nodenext', '--moduleResolution', 'nodenext'];
  args.push(
    '--target',
    'es2022',
    '--strict',
    '--skipLibCheck',
    '--types',
    'node',
    join(repo, 'source/lab/lab.ts'),
  );
  const compiled = spawnSync(process.execPath, args, { cwd: repo, encoding: 'utf8', timeout: 60_000 });
  if (compiled.status !== 0) {
    rmSync(dir, { recursive: true, force: true });
    throw new Error(`tsc failed: ${compiled.stdout}${compiled.stderr}`);
  }
  writeFileSync(join(dir, 'package.json'), '{"type":"module"}\n');
  writeFileSync(join(dir, 'child.mjs'), CHILD);
  symlinkSync(join(repo, 'node_modules'), join(dir, 'node_modules'));
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

export interface LabChild {
  child: ChildProcess;
  print: LabFootprint;
  /** Resolves with how the child ended; bounded. */
  ended: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/** Starts the child; resolves once its lab is up and it has printed its footprint (bounded). */
export function startLabChild(dir: string, mode: 'wait' | 'exit', timeoutMs = 30_000): Promise<LabChild> {
  const child = spawn(process.execPath, [join(dir, 'child.mjs'), mode], {
    cwd: dir,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const ended = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((done) => {
    child.on('exit', (code, signal) => done({ code, signal }));
  });
  return new Promise((resolvePrint, reject) => {
    let out = '';
    let err = '';
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`lab child printed nothing in ${timeoutMs} ms: ${err}`));
    }, timeoutMs);
    child.stderr?.on('data', (chunk) => {
      err += chunk;
    });
    child.stdout?.on('data', (chunk) => {
      out += chunk;
      const line = out.split('\n')[0];
      if (out.includes('\n') && line) {
        clearTimeout(timer);
        resolvePrint({ child, print: JSON.parse(line) as LabFootprint, ended });
      }
    });
    void ended.then(({ code, signal }) => {
      clearTimeout(timer);
      if (!out.includes('\n'))
        reject(new Error(`lab child ended (${code ?? signal}) before its lab was up: ${err}`));
    });
  });
}
