import { spawn } from 'node:child_process';

/**
 * Runs a program attached to this terminal (stdin, stdout and stderr inherited) and resolves
 * with its exit code. Only `bridge-migrate lab` needs this: it hands the operator's terminal to
 * the TUI running inside the lab's host namespace. Everything else goes through the Runner.
 */
export function runAttached(argv: readonly string[], env: NodeJS.ProcessEnv): Promise<number> {
  const [file, ...args] = argv;
  if (!file) return Promise.reject(new Error('empty argv'));
  return new Promise((resolve, reject) => {
    const child = spawn(file, args, { stdio: 'inherit', env });
    child.on('error', reject);
    child.on('exit', (code, signal) => resolve(code ?? (signal ? 128 : 1)));
  });
}
