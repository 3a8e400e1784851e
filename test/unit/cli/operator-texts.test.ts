/**
 * What a new operator was told, from a trial run: each refusal names the command they ran (with
 * the options they gave, in the same place), says one thing once, and names a command that works.
 */
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { runConfirmCommand } from '../../../source/cli/confirm-command.js';
import { openHostAccess } from '../../../source/cli/host-access.js';
import { labCommand, runLabCommand } from '../../../source/cli/lab-command.js';
import { runPlanCommand } from '../../../source/cli/plan-command.js';
import { runRollbackCommand } from '../../../source/cli/rollback-command.js';
import { runStatusCommand } from '../../../source/cli/status-command.js';
import { commandLine } from '../../../source/plan/operator-commands.js';
import { JournalUnreadable } from '../../../source/txn/journal/journal.js';
import { type Fixture, fixture, run } from './command-fixture.js';

/** A lock read that fails the way it does for a non-root user on a root-only state directory. */
const lockFailure = vi.hoisted(() => ({ error: null as Error | null }));
vi.mock('../../../source/txn/journal/lock.js', async (importOriginal) => {
  const real = await importOriginal<typeof import('../../../source/txn/journal/lock.js')>();
  return {
    ...real,
    readLockHolder: async (stateDir: string) => {
      if (lockFailure.error) throw lockFailure.error;
      return real.readLockHolder(stateDir);
    },
  };
});

let current: Fixture | null = null;
afterEach(() => {
  current?.remove();
  current = null;
  lockFailure.error = null;
});

function setup(options: Parameters<typeof fixture>[0] = {}): Fixture {
  current = fixture(options);
  return current;
}

function eacces(path: string): Error {
  return Object.assign(new Error(`EACCES: permission denied, open '${path}'`), { code: 'EACCES' });
}

describe('the sudo suggestion repeats the command the operator ran', () => {
  it('rollback --yes as non-root keeps --yes', async () => {
    const f = setup({ uid: 1000 });
    expect(await run(f, () => runRollbackCommand(f.deps, f.common, { yes: true }))).toBe(1);
    expect(f.stderr()).toContain(
      `run it as root: sudo bridge-migrate rollback --yes --state-dir ${f.stateDir}\n`,
    );
  });

  it('lab --timeout 20 as non-root names this program and --timeout 20', async () => {
    const options = {
      static: false,
      timeoutSec: 20,
      dryRun: false,
      bridge: 'fcbr0',
      selfArgv: [process.execPath, '/opt/bm/dist/cli.js'],
      program: ['node', '/opt/bm/dist/cli.js'],
      uid: 1000,
    };
    const out = { stdout: () => undefined, stderr: () => undefined };
    await expect(runLabCommand(options, out)).rejects.toMatchObject({
      fix: 'run it as root: sudo node /opt/bm/dist/cli.js lab --timeout 20',
    });
    // The same command the no-terminal note names.
    expect(commandLine(labCommand({ ...options, static: true, bridge: 'br7', dryRun: true }))).toBe(
      'node /opt/bm/dist/cli.js lab --static --bridge br7 --timeout 20 --dry-run',
    );
  });
});

describe('confirm and rollback with a --state-dir that does not exist say what status says', () => {
  it.each([
    ['confirm', (f: Fixture, stateDir: string) => runConfirmCommand(f.deps, { ...f.common, stateDir })],
    [
      'rollback --yes',
      (f: Fixture, stateDir: string) => runRollbackCommand(f.deps, { ...f.common, stateDir }, { yes: true }),
    ],
  ])('%s: one usage line, exit 2, like status', async (_name, command) => {
    const f = setup();
    const missing = join(f.stateDir, 'typo');
    expect(
      await run(f, () => runStatusCommand(f.deps, { ...f.common, stateDir: missing }, { json: false })),
    ).toBe(2);
    const status = f.stderr();
    expect(await run(f, () => command(f, missing))).toBe(2);
    expect(f.stderr()).toBe(status.repeat(2));
    expect(status).toBe(
      `bridge-migrate: the state directory ${missing} does not exist; pass the --state-dir that \`apply\` used (default /var/lib/bridge-migrate)\n`,
    );
  });
});

describe('confirm after a revert', () => {
  it('says it once and names the apply that makes the change again', async () => {
    const f = setup();
    await f.pendingJournal('reverted');
    expect(await run(f, () => runConfirmCommand(f.deps, f.common))).toBe(1);
    expect(f.stderr()).toBe(
      `bridge-migrate: nothing to confirm: the migration of ens18 into fcbr0 is reverted; the host is back as it was; to make the change, run \`bridge-migrate apply --yes --nic ens18 --state-dir ${f.stateDir}\`\n`,
    );
  });
});

describe('status when the journal cannot be read', () => {
  it('as non-root on a root-only state directory: never "none recorded", why once, the fix once, no raw errno', async () => {
    const f = setup({ uid: 1000 });
    f.deps.journal.load = async () => {
      throw new JournalUnreadable(
        `${f.stateDir}/journal.json`,
        'permission denied',
        'the state directory is root-only: run it as root (sudo)',
      );
    };
    lockFailure.error = eacces(f.stateDir);
    expect(await run(f, () => runStatusCommand(f.deps, f.common, { json: false }))).toBe(1);
    const text = f.stdout();
    expect(text).not.toContain('none recorded');
    expect(text).not.toContain('EACCES');
    expect(text).toContain(`migration: cannot tell, the journal in ${f.stateDir} could not be read`);
    expect(text).toContain('lock: cannot tell\n');
    expect(text).not.toContain('lock: free');
    expect(text.match(/run it as root/g)).toHaveLength(1);
    expect(text).toContain(
      `cannot tell: the journal could not be read: permission denied; run it as root: sudo bridge-migrate status --state-dir ${f.stateDir}\n`,
    );
  });

  it('a journal that exists but cannot be used (an older format): not "none recorded"', async () => {
    const f = setup();
    f.deps.journal.load = async () => {
      throw new JournalUnreadable(`${f.stateDir}/journal.json`, 'it has format 1; this version reads 2');
    };
    expect(await run(f, () => runStatusCommand(f.deps, f.common, { json: false }))).toBe(1);
    expect(f.stdout()).not.toContain('none recorded');
    expect(f.stdout()).toContain('migration: cannot tell');
    expect(f.stdout()).toContain(
      'cannot tell: the journal could not be read: it has format 1; this version reads 2;',
    );
  });
});

describe('plan reads the pending migration from the journal, as the TUI does', () => {
  it('a revert-incomplete journal blocks `plan` too, with how to finish the revert', async () => {
    const f = setup();
    await f.pendingJournal('applying');
    await f.journal.setPhase(f.stateDir, 'reverting');
    await f.journal.recordOutcome(f.stateDir, {
      kind: 'revert-incomplete',
      reason: 'operator',
      differences: ['fcbr0 still exists'],
      manualCommands: [],
    });
    const recording = new URL('../../../recordings/hosts/ubuntu-proxmox-netplan-dhcp.json', import.meta.url)
      .pathname;
    // The recording's probes, read as this host (replay null), so the journal is read as for a live run.
    const access = { ...(await openHostAccess({ ...f.common, replay: recording }, {})), replay: null };
    let stdout = '';
    const out = { stdout: (text: string) => (stdout += text), stderr: () => undefined };
    const target = { nic: null, bridge: 'fcbr0', timeoutSec: 120 };
    expect(await runPlanCommand(access, target, f.common, { json: false, ascii: true }, out)).toBe(0);
    expect(stdout).toContain(
      'Another migration (ens18 into fcbr0) is not finished: its journal says revert-incomplete.',
    );
    expect(stdout).toContain(
      `Finish its revert with the commands \`bridge-migrate status --state-dir ${f.stateDir}\` shows, then retry`,
    );
    expect(stdout).not.toContain('Confirm it with');
  });
});
