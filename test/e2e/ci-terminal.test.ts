/**
 * An operator whose shell exports CI (some provisioning shells do; a CI runner's debug session
 * does) still gets the interactive TUI on a terminal: Ink alone would print only the last frame,
 * at exit, leaving a blank screen (source/cli/terminal-env.ts). The TUI runs in a real 80x24 tmux
 * pane with CI=true and CONTINUOUS_INTEGRATION=true on a replayed host (nothing on this machine is
 * probed or changed); the preview must be on the screen while the program still runs. Needs tmux
 * and `npm run build`.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { expect, test } from 'vitest';
import { withTmux } from '../../source/lab/tmux-pane.js';
import { DIST_CLI, requireBuiltCli } from '../lab/helpers/guardian-cli.js';
import { SCREEN_MS } from './helpers/operator.js';

const recording = resolve(import.meta.dirname, '../../recordings/hosts/ubuntu-proxmox-netplan-dhcp.json');

test('with CI=true on a terminal the TUI draws its frames as it runs, and q quits; exit 0', async () => {
  requireBuiltCli();
  const scratch = mkdtempSync(join(tmpdir(), 'bm-ci-terminal-'));
  try {
    await withTmux(async (tmux) => {
      const argv = [process.execPath, DIST_CLI, '--dry-run', '--replay', recording];
      argv.push('--state-dir', join(scratch, 'state'), '--root-dir', scratch);
      const pane = await tmux.newSession(argv, {
        columns: 80,
        rows: 24,
        env: { CI: 'true', CONTINUOUS_INTEGRATION: 'true', LANG: 'C.UTF-8', LC_ALL: 'C.UTF-8' },
      });
      const screen = await pane.waitForText(/Verdicts/, SCREEN_MS);
      expect(screen).toMatch(/^bridge-migrate {2}/);
      // Still running: in Ink's CI mode nothing but <Static> output reaches the screen before exit.
      expect(await pane.format('#{pane_dead}')).toBe('0');
      await pane.sendKeys('q');
      expect(await pane.waitForExit(SCREEN_MS)).toEqual({ code: 0, signal: null });
    });
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
});
