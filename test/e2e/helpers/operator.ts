/**
 * The operator, for real: a DHCP lab whose host runs sshd, and a private tmux server on this
 * machine whose panes run `ssh -tt` from the peer namespace into the host — the operator's laptop
 * logging in over the very LAN link the migration moves. The TUI runs on the host inside that ssh
 * session, driven with send-keys and read with capture-pane.
 *
 * Teardown, always and in this order: the tmux server (its panes' ssh clients die with it), then
 * the lab, which ends sshd and every process living in the host namespace by pid — the sessions
 * sshd forked, the TUI, the guardian — and removes the lab dir holding the state dir, the keys and
 * the logs.
 */
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'vitest';
import type { Lab, LabOptions } from '../../../source/lab/index.js';
import { type SshServer, shellLine, startSshd } from '../../../source/lab/ssh-lab.js';
import { type TmuxPane, type TmuxServer, withTmux } from '../../../source/lab/tmux-pane.js';
import { waitFor } from '../../../source/lab/wait.js';
import type { RunResult } from '../../../source/system/runner.js';
import { createJournalStore, type Journal } from '../../../source/txn/journal/journal.js';
import { DIST_CLI, logTail, requireBuiltCli } from '../../lab/helpers/guardian-cli.js';
import { withLab } from '../../lab/helpers/lab-state.js';

/** Bounds of the waits on the TUI: generous, since a probe or a verify can take seconds. */
export const SCREEN_MS = 30_000;

export interface OperatorScene {
  lab: Lab;
  ssh: SshServer;
  tmux: TmuxServer;
  stateDir: string;
  rootDir: string;
  /** A remote shell line running the built tool on the host with this scene's state and root dirs. */
  cliLine(args: readonly string[]): string;
  /** Runs the tool over a NEW, non-interactive ssh session (a second login of the operator). */
  cliOverSsh(args: readonly string[]): Promise<RunResult>;
  /** A tmux pane (80x24) whose program is `ssh -tt` into the host running the TUI. */
  openTui(timeoutSec: number): Promise<TmuxPane>;
  journal(): Promise<Journal>;
  /** The guardian's debug log, for failure messages. */
  guardianLog(): string;
}

export async function withOperator(
  body: (scene: OperatorScene) => Promise<void>,
  options: LabOptions = { host: { kind: 'dhcp' } },
): Promise<void> {
  requireBuiltCli();
  await withLab(options, async (lab) => {
    const ssh = await startSshd(lab);
    const stateDir = join(lab.dir, 'state');
    const rootDir = join(lab.dir, 'root');
    mkdirSync(rootDir);
    const store = createJournalStore({ purpose: 'e2e test' });
    const cliLine = (args: readonly string[]) =>
      shellLine([
        'exec',
        'env',
        'LANG=C.UTF-8',
        process.execPath,
        DIST_CLI,
        ...args,
        '--state-dir',
        stateDir,
        '--root-dir',
        rootDir,
      ]);
    await withTmux(async (tmux) =>
      body({
        lab,
        ssh,
        tmux,
        stateDir,
        rootDir,
        cliLine,
        cliOverSsh: (args) => ssh.run(cliLine(args), { timeoutMs: 60_000 }),
        openTui: (timeoutSec) =>
          tmux.newSession(
            ssh.clientArgv(cliLine(['--nic', lab.uplink, '--timeout', String(timeoutSec)]), { tty: true }),
          ),
        journal: async () => {
          const journal = await store.load(stateDir);
          if (!journal) throw new Error(`no journal in ${stateDir}`);
          return journal;
        },
        guardianLog: () => logTail(join(stateDir, 'debug.log')),
      }),
    );
  });
}

/**
 * Drives the TUI from the plan preview to the change pending confirmation: acknowledge the
 * warnings (a), ask to apply (Enter), answer yes (y). Each key waits for the screen to show its
 * effect first: keys sent together reach Ink as one chunk, which it reads as one input.
 */
export async function driveToPending(pane: TmuxPane): Promise<string> {
  await pane.waitForText(/Enter apply/, SCREEN_MS);
  await pane.sendKeys('a');
  await pane.waitForText(/warnings?, acknowledged/, SCREEN_MS);
  await pane.sendKeys('Enter');
  await pane.waitForText(/y\/N/, SCREEN_MS);
  await pane.sendKeys('y');
  return pane.waitForText(/pending confirmation/, SCREEN_MS);
}

/** The countdown under the pending change: seconds left by the host clock, and the guardian alive. */
export async function seeCountdown(pane: TmuxPane, guardianPid: number): Promise<string> {
  await pane.waitForText(new RegExp(`Guardian \\(pid ${guardianPid}\\) alive`), SCREEN_MS);
  return pane.waitForText(/\b\d+ s left, until \d\d:\d\d:\d\d/, SCREEN_MS);
}

/** Every live process in `ns`, with its argv. */
export async function namespaceProcesses(
  lab: Lab,
  ns: string,
): Promise<Array<{ pid: number; argv: string[] }>> {
  const listed = await lab.exec(ns, ['ip', 'netns', 'pids', ns], { check: false });
  const found: Array<{ pid: number; argv: string[] }> = [];
  for (const token of listed.stdout.split(/\s+/)) {
    const pid = Number(token);
    if (!Number.isInteger(pid) || pid <= 1) continue;
    try {
      const argv = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').filter(Boolean);
      if (argv.length > 0) found.push({ pid, argv });
    } catch {
      // ended while we looked
    }
  }
  return found;
}

/** Pids of the tool's guardians (`dist/cli.js guard`) living in the lab host's namespace. */
export async function guardiansInHost(lab: Lab): Promise<number[]> {
  return (await namespaceProcesses(lab, lab.ns.host))
    .filter(({ argv }) => argv[1] === DIST_CLI && argv[2] === 'guard')
    .map(({ pid }) => pid);
}

/** Pids of the interactive tool (not the guardian, not a headless command) in the host namespace. */
export async function tuisInHost(lab: Lab): Promise<number[]> {
  return (await namespaceProcesses(lab, lab.ns.host))
    .filter(({ argv }) => argv[1] === DIST_CLI && argv[2]?.startsWith('--'))
    .map(({ pid }) => pid);
}

/** Waits, bounded, until no guardian is left in the host namespace. */
export function noGuardianLeft(lab: Lab, timeoutMs = 15_000): Promise<true> {
  return waitFor(
    'no guardian in the host namespace',
    { attempts: Math.ceil(timeoutMs / 100) + 1, intervalMs: 100, timeoutMs },
    async (problem) => {
      const left = await guardiansInHost(lab);
      return left.length === 0 ? true : problem(`guardian pids ${left.join(', ')}`);
    },
  );
}

/** The bridge (master) `uplink` is a port of, from a snapshot's `ip -j link`; null when none. */
export function masterOf(linksJson: string, uplink: string): string | null {
  const links = JSON.parse(linksJson) as Array<{ ifname: string; master?: string }>;
  return links.find((link) => link.ifname === uplink)?.master ?? null;
}

/**
 * Waits until the host clock is past `deadline` (plus a margin for the guardian's tick), checking
 * on every poll that the change is still in place: a confirmed change must outlive its deadline.
 */
export async function changeOutlives(
  scene: OperatorScene,
  deadline: number,
  marginMs = 3_000,
): Promise<void> {
  const { lab } = scene;
  const timeoutMs = Math.max(0, deadline + marginMs - Date.now()) + 5_000;
  await waitFor(
    'the deadline to pass with the change kept',
    { attempts: Math.ceil(timeoutMs / 250) + 1, intervalMs: 250, timeoutMs },
    async (problem) => {
      const master = masterOf((await lab.snapshot(lab.ns.host)).links, lab.uplink);
      expect(master, 'the change was undone after it was confirmed').toBe('fcbr0');
      return Date.now() > deadline + marginMs ? true : problem('deadline not passed yet');
    },
  );
}
