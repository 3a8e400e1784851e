import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { silentLog } from '../../../source/system/debug-log.js';
import type { DetachedChild, DetachOptions } from '../../../source/system/detach.js';
import type { FileReader } from '../../../source/system/files.js';
import type { Runner, RunResult } from '../../../source/system/runner.js';
import {
  chooseGuardianMode,
  createArmGuardian,
  GuardianNotArmed,
} from '../../../source/txn/guardian/guardian-launch.js';
import { readGuardianStatus } from '../../../source/txn/guardian/guardian-status.js';
import { createJournalStore, type JournalStore } from '../../../source/txn/journal/journal.js';
import { makePlan, makePreState, makeTempStateDir } from './journal-fixture.js';

const SELF = ['/usr/bin/node', '/opt/bridge-migrate/dist/cli.js'];

function files(
  links: Record<string, string>,
  dirs: string[] = [],
  contents: Record<string, string> = {},
): FileReader {
  return {
    readLink: async (path) => links[path] ?? null,
    listDir: async (path) => (dirs.includes(path) ? [] : null),
    readFile: async (path) => contents[path] ?? null,
  };
}

const SAME_NS = {
  '/proc/self/ns/net': 'net:[4026531833]',
  '/proc/1/ns/net': 'net:[4026531833]',
  '/proc/self/ns/mnt': 'mnt:[4026531841]',
  '/proc/1/ns/mnt': 'mnt:[4026531841]',
};
const SYSTEMD_HOST = files({ '/proc/1/exe': '/usr/lib/systemd/systemd', ...SAME_NS }, [
  '/run/systemd/system',
]);
const PLAIN_HOST = files({ '/proc/1/exe': '/usr/local/bin/process_api', ...SAME_NS });

describe('chooseGuardianMode', () => {
  it('uses systemd-run when PID 1 is systemd and this process shares its namespaces', async () => {
    expect((await chooseGuardianMode(SYSTEMD_HOST)).mode).toBe('systemd-run');
    // Without root /proc/1/exe is unreadable; /run/systemd/system still tells (sd_booted).
    const unprivileged = files({ ...SAME_NS }, ['/run/systemd/system']);
    expect((await chooseGuardianMode(unprivileged)).mode).toBe('systemd-run');
  });

  it('starts a detached child when PID 1 is something else', async () => {
    expect(await chooseGuardianMode(PLAIN_HOST)).toEqual({
      mode: 'detached',
      why: 'PID 1 is not systemd (/usr/local/bin/process_api)',
    });
    // In a container /proc/1/exe may be unreadable even to root; its comm still names it.
    const container = files({ ...SAME_NS }, [], { '/proc/1/comm': 'process_api\n' });
    expect(await chooseGuardianMode(container)).toEqual({
      mode: 'detached',
      why: 'PID 1 is not systemd (process_api)',
    });
  });

  it('never uses systemd-run from another network or mount namespace (the unit would guard the wrong host)', async () => {
    const inNetns = files(
      { '/proc/1/exe': '/lib/systemd/systemd', ...SAME_NS, '/proc/self/ns/net': 'net:[4026532999]' },
      ['/run/systemd/system'],
    );
    expect(await chooseGuardianMode(inNetns)).toMatchObject({
      mode: 'detached',
      why: expect.stringMatching(/net namespace/),
    });
    const privateMounts = files(
      { '/proc/1/exe': '/lib/systemd/systemd', ...SAME_NS, '/proc/self/ns/mnt': 'mnt:[4026532111]' },
      ['/run/systemd/system'],
    );
    expect((await chooseGuardianMode(privateMounts)).mode).toBe('detached');
  });
});

let temp: ReturnType<typeof makeTempStateDir>;
let store: JournalStore;
let launcher: ReturnType<typeof launcherJournal>;

beforeEach(async () => {
  temp = makeTempStateDir();
  store = createJournalStore({ purpose: 'test', newId: () => 'c0ffee00-1111-2222-3333-444455556666' });
  await store.create(temp.stateDir, { plan: makePlan(), preState: makePreState(), timeoutSec: 60 });
  launcher = launcherJournal();
});
afterEach(() => temp.cleanup());

/**
 * The journal as the launcher reads it. A fake guardian acts "a moment after it starts" by
 * `afterLooks(n, act)`: `act` runs just before the launcher's nth look from now, so the launcher
 * must have polled and found nothing first — counted in looks, not raced against its timeout.
 */
function launcherJournal() {
  let looks = 0;
  const due: Array<{ at: number; act: () => unknown }> = [];
  const journal: JournalStore = {
    ...store,
    async load(stateDir) {
      looks += 1;
      for (const entry of due.filter((candidate) => candidate.at === looks)) await entry.act();
      return store.load(stateDir);
    },
  };
  return {
    journal,
    afterLooks(count: number, act: () => unknown) {
      due.push({ at: looks + count, act });
    },
  };
}

type Behaviour = 'records' | 'silent' | 'exits';

/** A child that, like the real guardian, records itself in the journal a moment after it starts. */
function fakeStart(behaviour: Behaviour) {
  const started: Array<{ argv: readonly string[]; options: DetachOptions; signals: string[] }> = [];
  const start = async (argv: readonly string[], options: DetachOptions): Promise<DetachedChild> => {
    const pid = 31_000 + started.length;
    const record = { argv, options, signals: [] as string[] };
    started.push(record);
    let ended = false;
    let end: (value: { code: number | null; signal: NodeJS.Signals | null }) => void = () => {};
    const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((done) => {
      end = (value) => {
        ended = true;
        done(value);
      };
    });
    if (behaviour === 'records')
      launcher.afterLooks(3, () => store.setGuardian(temp.stateDir, { pid, mode: 'detached' }));
    if (behaviour === 'exits') launcher.afterLooks(2, () => end({ code: 1, signal: null }));
    return {
      pid,
      exited,
      hasExited: () => ended,
      kill(signal) {
        record.signals.push(signal);
        end({ code: null, signal });
        return true;
      },
    };
  };
  return { start, started };
}

function fakeRunner(answer: (argv: readonly string[]) => Partial<RunResult>) {
  const calls: string[][] = [];
  const runner: Runner = {
    async run(argv) {
      calls.push([...argv]);
      return {
        argv,
        exitCode: 0,
        stdout: '',
        stderr: '',
        durationMs: 1,
        timedOut: false,
        notFound: false,
        ...answer(argv),
      };
    },
  };
  return { runner, calls };
}

const arm = (deps: { runner?: Runner; files?: FileReader; start: ReturnType<typeof fakeStart>['start'] }) =>
  createArmGuardian({
    runner: deps.runner ?? fakeRunner(() => ({})).runner,
    files: deps.files ?? PLAIN_HOST,
    journal: launcher.journal,
    log: silentLog,
    startDetached: deps.start,
    readyTimeoutMs: 1_000,
    pollMs: 20,
  });

describe('armGuardian, detached', () => {
  it('starts `guard` in its own session and returns once the journal records it', async () => {
    const child = fakeStart('records');
    const info = await arm({ start: child.start })({
      stateDir: temp.stateDir,
      selfArgv: SELF,
      logPath: '/tmp/x.log',
    });
    expect(info).toMatchObject({ pid: 31_000, mode: 'detached' });
    expect(child.started.map((entry) => entry.argv)).toEqual([
      [...SELF, 'guard', '--state-dir', temp.stateDir, '--log', '/tmp/x.log'],
    ]);
    expect(child.started[0]?.options.logPath).toBe('/tmp/x.log');
    expect(child.started[0]?.signals).toEqual([]);
  });

  it('kills a guardian that never records itself, and fails', async () => {
    const child = fakeStart('silent');
    const armed = arm({ start: child.start })({ stateDir: temp.stateDir, selfArgv: SELF, logPath: null });
    await expect(armed).rejects.toThrow(GuardianNotArmed);
    await expect(armed).rejects.toThrow(
      /did not record itself in the journal within 1 s \(its output is in .*debug\.log\)/,
    );
    expect(child.started[0]?.signals).toEqual(['SIGKILL']);
  });

  it('fails at once when the guardian exits before recording itself', async () => {
    const child = fakeStart('exits');
    await expect(
      arm({ start: child.start })({ stateDir: temp.stateDir, selfArgv: SELF, logPath: null }),
    ).rejects.toThrow(/exited before recording itself/);
  });
});

describe('armGuardian, systemd', () => {
  it('starts a transient unit owned by PID 1 named after the journal, with KillMode=process, restarted on failure', async () => {
    const child = fakeStart('silent');
    const unit = 'bridge-migrate-guard-c0ffee00-1111-2222-3333-444455556666';
    const { runner, calls } = fakeRunner((argv) => {
      if (argv[0] === 'systemd-run')
        launcher.afterLooks(3, () =>
          store.setGuardian(temp.stateDir, { pid: 555, mode: 'systemd-run', unit }),
        );
      return {};
    });
    const info = await arm({ runner, files: SYSTEMD_HOST, start: child.start })({
      stateDir: temp.stateDir,
      selfArgv: SELF,
      logPath: '/tmp/x.log',
    });
    expect(info).toMatchObject({ pid: 555, mode: 'systemd-run', unit });
    expect(calls).toEqual([
      [
        'systemd-run',
        `--unit=${unit}`,
        '--collect',
        '--quiet',
        '--property=KillMode=process',
        // A crashed or SIGKILLed guardian comes back; one stopped by SIGTERM/SIGINT stays stopped.
        '--property=Restart=on-failure',
        '--property=RestartSec=1',
        '--property=SuccessExitStatus=130 143',
        '--description=bridge-migrate dead-man guardian',
        '--',
        ...SELF,
        'guard',
        '--state-dir',
        temp.stateDir,
        '--log',
        '/tmp/x.log',
        '--unit',
        unit,
      ],
    ]);
    expect(child.started).toEqual([]);
  });

  it('stops the unit when its guardian never records itself', async () => {
    const { runner, calls } = fakeRunner(() => ({}));
    const armed = arm({ runner, files: SYSTEMD_HOST, start: fakeStart('silent').start })({
      stateDir: temp.stateDir,
      selfArgv: SELF,
      logPath: null,
    });
    await expect(armed).rejects.toThrow(GuardianNotArmed);
    const unit = 'bridge-migrate-guard-c0ffee00-1111-2222-3333-444455556666';
    // Killed, then stopped: the stop cancels the restart that Restart=on-failure would schedule.
    expect(calls.slice(-2)).toEqual([
      ['systemctl', 'kill', '--signal=SIGKILL', unit],
      ['systemctl', 'stop', unit],
    ]);
  });

  it('falls back to a detached child when systemd-run fails', async () => {
    const { runner } = fakeRunner(() => ({
      exitCode: 1,
      stderr: 'Failed to connect to bus: No such file or directory\n',
    }));
    const child = fakeStart('records');
    const info = await arm({ runner, files: SYSTEMD_HOST, start: child.start })({
      stateDir: temp.stateDir,
      selfArgv: SELF,
      logPath: null,
    });
    expect(info.mode).toBe('detached');
    expect(child.started).toHaveLength(1);
  });
});

describe('readGuardianStatus', () => {
  const stat = (state: string) =>
    `31000 (node) ${state} 1 31000 31000 0 -1 4194560 ${'0 '.repeat(12)}12345 0 0`;
  const journalWithGuardian = async () => {
    await store.setGuardian(temp.stateDir, { pid: 31_000, mode: 'detached' });
    return store.load(temp.stateDir);
  };

  it('is alive while the recorded pid runs the guard subcommand', async () => {
    const journal = await journalWithGuardian();
    const proc = files({}, [], {
      '/proc/31000/stat': stat('S'),
      '/proc/31000/cmdline': `${SELF.join('\0')}\0guard\0--state-dir\0${temp.stateDir}\0`,
    });
    const status = await readGuardianStatus(journal, {
      files: proc,
      now: (journal?.guardian?.heartbeatAt ?? 0) + 1_500,
    });
    expect(status).toMatchObject({ alive: true, heartbeatAgeMs: 1_500, info: { pid: 31_000 } });
  });

  it('is dead as a zombie, as a reused pid, or when gone', async () => {
    const journal = await journalWithGuardian();
    const guardCmd = `${SELF.join('\0')}\0guard\0`;
    const zombie = files({}, [], { '/proc/31000/stat': stat('Z'), '/proc/31000/cmdline': '' });
    const reused = files({}, [], { '/proc/31000/stat': stat('S'), '/proc/31000/cmdline': 'sleep\x080\0' });
    const gone = files({}, [], {});
    for (const proc of [zombie, reused, gone]) {
      expect((await readGuardianStatus(journal, { files: proc, now: 0 })).alive).toBe(false);
    }
    const running = files({}, [], { '/proc/31000/stat': stat('R'), '/proc/31000/cmdline': guardCmd });
    expect((await readGuardianStatus(journal, { files: running, now: 0 })).alive).toBe(true);
  });

  it('reports no guardian for a journal without one', async () => {
    expect(await readGuardianStatus(await store.load(temp.stateDir), { files: files({}), now: 0 })).toEqual({
      info: null,
      alive: false,
      heartbeatAgeMs: null,
    });
  });
});
