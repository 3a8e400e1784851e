/**
 * The session measures (DESIGN.md "The guardian": it must outlive the SSH session), on the
 * operator's real path: sshd in the host namespace, `ssh -tt` from the peer inside a tmux pane
 * (80x24, private socket: source/lab/tmux-pane.ts), the TUI on the host, driven by keys through the
 * preview (a, Enter, y) to the pending screen.
 *
 * 1. Bytes the TUI writes to the terminal per second while it waits at the pending screen
 *    (counted from tmux's pipe of the pane: what reaches the operator's terminal over SSH).
 * 2. Then the ssh client is killed by its pid, the lost link: sshd hangs up, the TUI gets SIGHUP
 *    and exits without deciding anything, and only the guardian is left. The time from the kill
 *    to the host being back to its pre-state is therefore about the time left to the deadline
 *    (the guardian waits for it); what it proves is that the revert happens without the
 *    session. The deadline → restored part is reported beside it.
 */
import { readdirSync, readFileSync, readlinkSync, statSync } from 'node:fs';
import { type SshServer, shellLine, startSshd } from '../source/lab/ssh-lab.js';
import { createTmuxServer, type TmuxPane } from '../source/lab/tmux-pane.js';
import { sleep, waitFor } from '../source/lab/wait.js';
import type { Journal } from '../source/txn/journal/journal.js';
import {
  type BenchScene,
  BRIDGE,
  DIST_CLI,
  pendingStatus,
  recordedOutcome,
  restoredAt,
  waitForJournal,
  withBenchLab,
} from './lab-scene.js';

const TIMEOUT_SEC = 25;
const COUNT_WINDOW_MS = 10_000;
const POLL_MS = 20;

export interface LostSession {
  countdownBytesPerSec: number;
  countdownWindowMs: number;
  killToRestoredMs: number;
  restoredAfterDeadlineMs: number;
  /** How long after the kill no process of the TUI was left on the host. */
  tuiGoneAfterKillMs: number;
  outcome: string;
}

export async function measureLostSession(
  rounds: number,
  progress: (line: string) => void,
): Promise<LostSession[]> {
  return withBenchLab(async (scene) => {
    const ssh = await startSshd(scene.lab);
    const results: LostSession[] = [];
    for (let round = 1; round <= rounds; round++) {
      const measured = await oneRound(scene, ssh);
      progress(
        `  round ${round}/${rounds}: countdown ${measured.countdownBytesPerSec.toFixed(1)} B/s; ssh killed → ` +
          `restored ${Math.round(measured.killToRestoredMs)} ms (deadline + ${Math.round(measured.restoredAfterDeadlineMs)} ms), ` +
          `TUI gone after ${Math.round(measured.tuiGoneAfterKillMs)} ms`,
      );
      results.push(measured);
    }
    return results;
  });
}

async function oneRound(scene: BenchScene, ssh: SshServer): Promise<LostSession> {
  const { lab } = scene;
  const before = await lab.snapshot(lab.ns.host);
  const dirs = scene.freshDirs();
  const tui = [
    // An operator's client sends its UTF-8 locale (Debian: SendEnv LANG LC_*); the lab's has none.
    'env',
    'LANG=C.UTF-8',
    process.execPath,
    DIST_CLI,
    '--nic',
    lab.uplink,
    '--bridge',
    BRIDGE,
    '--timeout',
    String(TIMEOUT_SEC),
    '--persist',
    'none',
    '--state-dir',
    dirs.stateDir,
    '--root-dir',
    dirs.rootDir,
  ];
  const tmux = createTmuxServer();
  try {
    // Every byte the TUI writes is kept (recordOutput), to count what reaches the terminal.
    const pane = await tmux.newSession(ssh.clientArgv(shellLine(tui), { tty: true }), { recordOutput: true });
    const panePid = await pane.pid();
    const comm = readFileSync(`/proc/${panePid}/comm`, 'utf8').trim();
    if (comm !== 'ssh') throw new Error(`the pane runs "${comm}", not the ssh client`);
    // The keys the screen hints at (source/ui/keys.ts): a acknowledges, Enter asks, y answers.
    await pane.waitForScreen('the plan preview', (text) => /\ba acknowledge/.test(text), 30_000);
    // A key that arrives while the preview is still being set up can be missed; `a` is safe to
    // repeat (Enter is not: a second one answers "no"), so it is sent until it shows.
    await pressUntil(
      pane,
      'a',
      'the acknowledgement',
      (text) => !/\ba acknowledge|not acknowledged/.test(text),
    );
    await pane.sendKeys('Enter');
    await pane.waitForScreen('the apply question', (text) => /\by\b.*\bapply/i.test(text), 5_000);
    await pane.sendKeys('y');
    // Pending: the journal says applied and the screen offers to confirm.
    await waitForPhase(dirs.stateDir, 'applied', 30_000);
    await pane.waitForScreen('the pending screen', (text) => /confirm/i.test(text), 5_000);
    const { deadline } = await pendingStatus(scene, dirs);

    // Bytes per second at the pending screen (after its first frames), in a window that ends
    // well before the deadline.
    await sleep(1_000);
    const windowMs = Math.min(COUNT_WINDOW_MS, deadline - Date.now() - 2_000);
    if (windowMs < 2_000)
      throw new Error(`only ${deadline - Date.now()} ms left to the deadline to count output`);
    const bytesBefore = pane.output().length;
    const countStarted = performance.now();
    await sleep(windowMs);
    const bytes = pane.output().length - bytesBefore;
    const countedMs = performance.now() - countStarted;

    const tuiPids = processesMentioning(dirs.stateDir, lab.ns.host).filter(
      (pid) => !scene.guardians.has(pid),
    );
    if (tuiPids.length === 0) throw new Error('no process of the TUI found on the host');
    process.kill(panePid, 'SIGKILL'); // the lost link
    const killedAt = Date.now();
    const tuiGoneAt = await waitFor(
      'the TUI to exit after the hang-up',
      { attempts: 300, intervalMs: 10, timeoutMs: 5_000 },
      () => (tuiPids.some(isRunning) ? undefined : Date.now()),
    );
    const restored = await restoredAt(scene, before, {
      intervalMs: POLL_MS,
      untilMs: deadline + 20_000,
      fineFromMs: deadline - 300,
    });
    const outcome = await recordedOutcome(dirs.stateDir);
    return {
      countdownBytesPerSec: (bytes * 1000) / countedMs,
      countdownWindowMs: countedMs,
      killToRestoredMs: restored - killedAt,
      restoredAfterDeadlineMs: restored - deadline,
      tuiGoneAfterKillMs: tuiGoneAt - killedAt,
      outcome: outcome.label,
    };
  } finally {
    await tmux.killServer();
  }
}

async function pressUntil(
  pane: TmuxPane,
  key: string,
  what: string,
  accept: (screen: string) => boolean,
): Promise<void> {
  for (let attempt = 1; attempt <= 4; attempt++) {
    await pane.sendKeys(key);
    try {
      await pane.waitForScreen(what, accept, 1_500);
      return;
    } catch (error) {
      if (attempt === 4) throw error;
    }
  }
}

function waitForPhase(stateDir: string, phase: string, timeoutMs: number): Promise<Journal> {
  return waitForJournal(
    stateDir,
    `the journal to reach "${phase}"`,
    timeoutMs,
    (journal) => journal.phase === phase,
  );
}

/**
 * Pids in namespace `ns` whose command line mentions `text`: on the host, the TUI (and the shell
 * sshd ran it with) and the guardian name their state dir. The ssh client and tmux name it too,
 * but they live outside the host namespace.
 */
function processesMentioning(text: string, ns: string): number[] {
  const identity = `net:[${statSync(`/run/netns/${ns}`).ino}]`;
  const pids: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      if (
        readFileSync(`/proc/${entry}/cmdline`, 'utf8').includes(text) &&
        readlinkSync(`/proc/${entry}/ns/net`) === identity
      )
        pids.push(Number(entry));
    } catch {
      // ended while we looked
    }
  }
  return pids;
}

/** Alive and not a zombie. */
function isRunning(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const state = stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3);
    return state !== 'Z' && state !== 'X';
  } catch {
    return false;
  }
}
