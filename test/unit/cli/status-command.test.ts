import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { operatorCommands } from '../../../source/cli/command-deps.js';
import { hostMode } from '../../../source/cli/host-mode.js';
import { runStatusCommand } from '../../../source/cli/status-command.js';
import type { StatusReport } from '../../../source/cli/status-report.js';
import { buildStatus, statusText } from '../../../source/cli/status-report.js';
import { probeHost } from '../../../source/host/probe.js';
import type { HostSnapshot } from '../../../source/host/snapshot.js';
import { DEFAULT_OPERATOR_COMMANDS } from '../../../source/plan/operator-commands.js';
import { createReplay, loadCaptureDocument } from '../../../source/system/capture.js';
import { acquireLock } from '../../../source/txn/journal/lock.js';
import { type Fixture, fixture, NOW, probeReplay, run } from './command-fixture.js';

const recordings = resolve(dirname(fileURLToPath(import.meta.url)), '../../../recordings/hosts');

async function recorded(name: string): Promise<HostSnapshot> {
  const file = join(recordings, `${name}.json`);
  const doc = await loadCaptureDocument(file);
  const { runner, files } = createReplay(doc, file);
  return probeHost({ runner, files, env: doc.env });
}

/** The replayed Proxmox host after the migration: ens18 a port of fcbr0, the default route on fcbr0. */
async function bridgedHost(portKind: 'uplink' | 'tap-only'): Promise<HostSnapshot> {
  const snapshot = await probeReplay(0);
  const uplink = snapshot.links.find((link) => link.name === 'ens18');
  if (!uplink) throw new Error('fixture has no ens18');
  const bridge = {
    ...uplink,
    ifindex: 9,
    name: 'fcbr0',
    kind: 'bridge',
    driver: null,
    master: null,
    masterKind: null,
  };
  const tap = {
    ...uplink,
    ifindex: 10,
    name: 'fc-tap0',
    kind: 'tun',
    tunType: 'tap' as const,
    master: 'fcbr0',
    masterKind: 'bridge',
  };
  const port = portKind === 'uplink' ? { ...uplink, master: 'fcbr0', masterKind: 'bridge' } : uplink;
  return {
    ...snapshot,
    links: [...snapshot.links.filter((link) => link.name !== 'ens18'), port, bridge, tap],
    defaultGateways: snapshot.defaultGateways.map((gateway) => ({ ...gateway, dev: 'fcbr0' })),
  };
}

describe('the host mode', () => {
  it('is bridged when the default route leaves through a bridge with a non-TAP port', async () => {
    expect(hostMode(await bridgedHost('uplink'))).toEqual({
      mode: 'bridged',
      bridge: 'fcbr0',
      detail: 'the default route leaves through bridge fcbr0, whose uplink port is ens18',
    });
  });

  it('is not bridged when the bridge has only TAP ports', async () => {
    expect(hostMode(await bridgedHost('tap-only')).mode).toBe('none');
  });

  it('is nat when a bridge is masqueraded (the original plan’s fcbr0 with TAPs)', async () => {
    const mode = hostMode(await recorded('nat-fcbr0-taps'));
    expect(mode.mode).toBe('nat');
    expect(mode.bridge).toBe('fcbr0');
    expect(mode.detail).toContain('-j MASQUERADE');
  });

  it('is none on a plain host', async () => {
    expect(hostMode(await recorded('lab-dhcp-host')).mode).toBe('none');
  });
});

let current: Fixture | null = null;
afterEach(() => current?.remove());

function setup(options: Parameters<typeof fixture>[0] = {}): Fixture {
  current = fixture(options);
  return current;
}

async function statusJson(f: Fixture): Promise<{ code: number; report: StatusReport }> {
  const code = await run(f, () => runStatusCommand(f.deps, f.common, { json: true }));
  return { code, report: JSON.parse(f.stdout()) as StatusReport };
}

describe('status', () => {
  it('--json with no journal: mode, no migration, lock free', async () => {
    const f = setup();
    const { code, report } = await statusJson(f);
    expect(code).toBe(0);
    expect(report).toEqual({
      alerts: [],
      mode: 'none',
      modeDetail: 'no bridge carries the default route and no bridge is masqueraded',
      stateDir: f.stateDir,
      migration: null,
      lock: null,
      problems: [],
    });
  });

  it('--json with a pending change: phase, deadline and seconds left, steps, guardian alive and its heartbeat', async () => {
    const f = setup({ alive: (pid) => pid === 4242 });
    await f.pendingJournal('applied');
    await f.journal.setGuardian(f.stateDir, { pid: 4242, mode: 'detached' });
    const { code, report } = await statusJson(f);
    expect(code).toBe(0);
    const journal = await f.journal.load(f.stateDir);
    expect(report.migration).toEqual({
      id: journal?.id,
      phase: 'applied',
      pending: true,
      nic: 'ens18',
      bridge: 'fcbr0',
      createdAt: new Date(NOW).toISOString(),
      deadline: new Date(NOW + 120_000).toISOString(),
      secondsLeft: 115,
      steps: [{ stepId: 'stage-bridge', state: 'ok' }],
      guardian: {
        pid: 4242,
        mode: 'detached',
        unit: null,
        alive: true,
        heartbeatAgeMs: 5_000,
        blocker: null,
      },
      // Not confirmed yet: nothing to say about persisted config or who renews the lease.
      kept: null,
      outcome: null,
    });
  });

  it('shows what blocks the guardian and a revert only /run knows of (a full state directory)', async () => {
    const f = setup();
    await f.pendingJournal('applied');
    await f.journal.setGuardian(f.stateDir, { pid: 4242, mode: 'detached' });
    const journal = await f.journal.load(f.stateDir);
    if (!journal) throw new Error('no journal');
    const report = buildStatus({
      commands: operatorCommands(f.stateDir),
      mode: { mode: 'bridged', bridge: 'fcbr0', detail: 'ens18 is a port of fcbr0' },
      stateDir: f.stateDir,
      journal,
      guardianAlive: true,
      runtime: {
        guardianBlocker: 'revert attempt 3 failed: ENOSPC: no space left on device; retrying in 4 s',
        revert: {
          journalId: journal.id,
          at: NOW + 1_000,
          outcome: {
            kind: 'reverted',
            reason: 'timeout',
            steps: [],
            differences: [],
            manualCommands: [],
            checks: [],
          },
        },
      },
      lock: null,
      problems: [],
      now: NOW + 5_000,
    });
    expect(report.migration?.guardian?.blocker).toBe(
      'revert attempt 3 failed: ENOSPC: no space left on device; retrying in 4 s',
    );
    expect(report.migration?.outcome).toEqual({
      kind: 'reverted',
      reason: 'timeout',
      at: new Date(NOW + 1_000).toISOString(),
      differences: [],
      notDone: [],
      manualCommands: [],
      onlyInRuntimeDir: true,
    });
    const text = statusText(report, DEFAULT_OPERATOR_COMMANDS);
    expect(text).toContain(
      '  guardian BLOCKED: revert attempt 3 failed: ENOSPC: no space left on device; retrying in 4 s',
    );
    expect(text).toContain(
      '    recorded only in /run/bridge-migrate: the state directory could not be written; free space or remount it, then `bridge-migrate rollback --yes` records it without undoing again',
    );
  });

  it("--replay: says first that the mode is the recording's, in the text and in --json", async () => {
    const f = setup();
    const replayed = { ...f.common, replay: '/tmp/proxmox-host.json' };
    const code = await run(f, () => runStatusCommand(f.deps, replayed, { json: false }));
    expect(code).toBe(0);
    expect(f.stdout().split('\n')[0]).toBe(
      "REPLAY: the mode below is the recording /tmp/proxmox-host.json's, not this host's",
    );
    const g = setup();
    await run(g, () =>
      runStatusCommand(g.deps, { ...g.common, replay: '/tmp/proxmox-host.json' }, { json: true }),
    );
    expect((JSON.parse(g.stdout()) as StatusReport).replay).toEqual({ file: '/tmp/proxmox-host.json' });
  });

  it('says when the guardian recorded in the journal is not running', async () => {
    const f = setup({ alive: () => false });
    await f.pendingJournal('applied');
    await f.journal.setGuardian(f.stateDir, { pid: 4242, mode: 'systemd-run', unit: 'bridge-migrate-guard' });
    const code = await run(f, () => runStatusCommand(f.deps, f.common, { json: false }));
    expect(code).toBe(0);
    expect(f.stdout()).toContain(
      '  guardian: pid 4242 (systemd-run, unit bridge-migrate-guard), NOT running, last heartbeat 5.0 s ago',
    );
    expect(f.stdout()).toContain('migration: ens18 -> fcbr0, phase applied (pending)');
    expect(f.stdout()).toContain("(115 s left by this host's clock)");
    expect(f.stdout()).toContain(`  keep it: bridge-migrate confirm --state-dir ${f.stateDir}`);
  });

  it('shows the last outcome of a finished migration, with no countdown', async () => {
    const f = setup();
    await f.pendingJournal('reverted');
    const { report } = await statusJson(f);
    expect(report.migration?.pending).toBe(false);
    expect(report.migration?.secondsLeft).toBeNull();
    expect(report.migration?.outcome).toEqual({
      kind: 'reverted',
      reason: 'operator',
      at: new Date(NOW).toISOString(),
      differences: [],
      notDone: [],
      manualCommands: [],
      onlyInRuntimeDir: false,
    });
  });

  it('names the lock holder and whether it is alive', async () => {
    const f = setup();
    const release = await acquireLock(f.stateDir, 'apply: test holder');
    try {
      const { report } = await statusJson(f);
      expect(report.lock).toEqual({ pid: process.pid, purpose: 'apply: test holder', alive: true });
    } finally {
      await release();
    }
  });

  it('a journal it cannot read is reported with how to run it; exit 1', async () => {
    const f = setup({ uid: 1000 });
    f.deps.journal.load = async () => {
      const { JournalUnreadable } = await import('../../../source/txn/journal/journal.js');
      throw new JournalUnreadable(
        `${f.stateDir}/journal.json`,
        'permission denied',
        'the state directory is root-only: run it as root (sudo)',
      );
    };
    const { code, report } = await statusJson(f);
    expect(code).toBe(1);
    expect(report.mode).toBe('none');
    expect(report.problems).toHaveLength(1);
    expect(report.problems[0]).toMatch(
      /^the journal could not be read: .*permission denied.*; run it as root: sudo bridge-migrate status --state-dir \S+$/,
    );
  });
});

describe('status with a --state-dir that is not there', () => {
  it('text and --json: one usage line saying the directory does not exist, exit 2, nothing on stdout', async () => {
    const f = setup();
    const missing = join(f.stateDir, 'typo');
    for (const json of [false, true]) {
      const code = await run(f, () => runStatusCommand(f.deps, { ...f.common, stateDir: missing }, { json }));
      expect(code).toBe(2);
    }
    expect(f.stdout()).toBe('');
    expect(f.stderr()).toBe(
      `bridge-migrate: the state directory ${missing} does not exist; pass the --state-dir that \`apply\` used (default /var/lib/bridge-migrate)\n`.repeat(
        2,
      ),
    );
  });
});
