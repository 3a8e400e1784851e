/**
 * DESIGN.md "The guardian": only root can confirm or roll back, and the state directory and journal are root-only.
 * A pending change is made with `apply --yes` in a DHCP lab's host namespace; then `nobody` tries
 * `confirm` and `rollback --yes` there (setpriv drops to nobody:nogroup with no supplementary
 * groups). The state dir sits in a world-traversable scratch dir, so its own 0700 is what keeps
 * nobody out. Needs root and `npm run build`.
 */
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test } from 'vitest';
import type { Lab } from '../../source/lab/index.js';
import type { RunResult } from '../../source/system/runner.js';
import { JOURNAL_FILE, type Journal } from '../../source/txn/journal/journal.js';
import { DIST_CLI, requireBuiltCli, runCliIn } from '../lab/helpers/guardian-cli.js';
import { withLab } from '../lab/helpers/lab-state.js';
import { masterOf, noGuardianLeft } from './helpers/operator.js';

const AS_NOBODY = ['setpriv', '--reuid=nobody', '--regid=nogroup', '--clear-groups'];

function asNobody(lab: Lab, argv: readonly string[]): Promise<RunResult> {
  return lab.exec(lab.ns.host, [...AS_NOBODY, ...argv], { check: false, timeoutMs: 30_000 });
}

/**
 * What a confirm or rollback would change in the journal. The rest moves by itself: the guardian
 * writes its heartbeat into the journal every few seconds.
 */
function decisive(text: string): Record<string, unknown> {
  const { id, phase, deadline, outcome, applied, guardian } = JSON.parse(text) as Journal;
  return { id, phase, deadline, outcome, applied, guardian: guardian?.pid ?? null };
}

test('nobody cannot confirm or roll back, nor read the journal; root can roll back', async () => {
  requireBuiltCli();
  const scratch = mkdtempSync(join(tmpdir(), 'bm-root-only-'));
  try {
    chmodSync(scratch, 0o755);
    const stateDir = join(scratch, 'state');
    const rootDir = join(scratch, 'root');
    mkdirSync(rootDir, { mode: 0o755 });
    const journalPath = join(stateDir, JOURNAL_FILE);
    await withLab({ host: { kind: 'dhcp' } }, async (lab) => {
      const dirs = ['--state-dir', stateDir, '--root-dir', rootDir];
      const env = { SSH_CONNECTION: `${lab.peerAddress} 40022 ${lab.hostAddress} 22` };
      const apply = await runCliIn(
        lab.ns.host,
        ['apply', '--yes', '--nic', lab.uplink, '--persist', 'none', '--timeout', '600', ...dirs],
        { env, timeoutMs: 90_000 },
      );
      expect(apply.code, apply.stderr).toBe(0);
      expect(masterOf((await lab.snapshot(lab.ns.host)).links, lab.uplink)).toBe('fcbr0');

      const state = statSync(stateDir);
      expect({ mode: state.mode & 0o777, uid: state.uid, dir: state.isDirectory() }).toEqual({
        mode: 0o700,
        uid: 0,
        dir: true,
      });
      const file = statSync(journalPath);
      expect({ mode: file.mode & 0o777, uid: file.uid }).toEqual({ mode: 0o600, uid: 0 });
      const journalBefore = decisive(readFileSync(journalPath, 'utf8'));
      expect(journalBefore.phase).toBe('applied');

      for (const command of [['confirm'], ['rollback', '--yes']]) {
        const run = await asNobody(lab, [process.execPath, DIST_CLI, ...command, ...dirs]);
        const what = `${command.join(' ')} as nobody: exit ${run.exitCode}\n${run.stdout}\n${run.stderr}`;
        expect(run.exitCode, what).not.toBe(0);
        const lines = run.stderr.trimEnd().split('\n');
        expect(lines, what).toHaveLength(1);
        expect(lines[0], what).toMatch(new RegExp(`${command[0]} needs root`));
        expect(run.stdout, what).toBe('');
      }
      // The files themselves are closed to nobody, not only the commands.
      const read = await asNobody(lab, ['cat', journalPath]);
      expect(read.exitCode).not.toBe(0);
      expect(read.stderr).toMatch(/Permission denied/);
      const list = await asNobody(lab, ['ls', stateDir]);
      expect(list.exitCode).not.toBe(0);
      expect(list.stderr).toMatch(/Permission denied/);

      // Nothing changed: the same decision state in the journal, and the host still bridged.
      expect(decisive(readFileSync(journalPath, 'utf8'))).toEqual(journalBefore);
      expect(masterOf((await lab.snapshot(lab.ns.host)).links, lab.uplink)).toBe('fcbr0');

      // Root can.
      const rollback = await runCliIn(lab.ns.host, ['rollback', '--yes', ...dirs], {
        env,
        timeoutMs: 90_000,
      });
      expect(rollback.code, `${rollback.stdout}\n${rollback.stderr}`).toBe(3);
      expect(masterOf((await lab.snapshot(lab.ns.host)).links, lab.uplink)).toBeNull();
      await noGuardianLeft(lab);
    });
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
});
