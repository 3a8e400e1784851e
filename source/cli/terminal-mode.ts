/** The variables is-in-ci reads (Ink's CI switch): set and not "0"/"false" means CI mode. */
export const CI_VARIABLES = ['CI', 'CONTINUOUS_INTEGRATION'] as const;

/**
 * With a terminal on both stdin and stdout, sets the CI variables that are present to "false", so
 * that Ink, imported afterwards, renders interactively (terminal-env.ts says why). Without one,
 * the environment is left alone: piped output keeps Ink's last-frame mode. Returns the names it
 * changed.
 */
export function interactiveOnTerminal(
  env: NodeJS.ProcessEnv,
  terminal: { stdin: boolean; stdout: boolean },
): string[] {
  if (!terminal.stdin || !terminal.stdout) return [];
  const changed: string[] = [];
  for (const name of CI_VARIABLES) {
    if (name in env && env[name] !== 'false') {
      env[name] = 'false';
      changed.push(name);
    }
  }
  return changed;
}
