/**
 * Every plain-text report, every refusal and `--help` that names a command names it for THIS run:
 * with a non-default --state-dir and --root-dir, the exact command built once by
 * plan/operator-commands.ts, and never a bare `bridge-migrate confirm|rollback|status` (which would
 * act on another state directory: the MigrationPending fix once named the default one). One list;
 * a new report or error that names a command is added to it. The TUI's screens have their own list
 * (test/ui/commands-on-screen.test.tsx); the scan at the end keeps literals out of source/.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { execa } from 'execa';
import { afterAll, describe, expect, it } from 'vitest';
import { runConfirmCommand } from '../../../source/cli/confirm-command.js';
import { pendingReport } from '../../../source/cli/report-text.js';
import { runRollbackCommand } from '../../../source/cli/rollback-command.js';
import { runStatusCommand } from '../../../source/cli/status-command.js';
import { planRequest } from '../../../source/cli/target.js';
import type { Link } from '../../../source/host/snapshot.js';
import { buildPlan } from '../../../source/plan/build.js';
import { shellQuote } from '../../../source/plan/command-text.js';
import {
  buildOperatorCommands,
  commandLine,
  type OperatorCommands,
} from '../../../source/plan/operator-commands.js';
import { uplinkHasMaster } from '../../../source/plan/preflight/already-bridged.js';
import { guardianAlertLine } from '../../../source/txn/guardian/guardian-alert.js';
import { createJournalStore } from '../../../source/txn/journal/journal.js';
import { acquireLock } from '../../../source/txn/journal/lock.js';
import { asciiGlyphs } from '../../../source/ui/glyphs.js';
import { unfinishedRevertAdvice } from '../../../source/ui/outcome-text.js';
import { renderPlanText } from '../../../source/ui/plan-text.js';
import { makePlan, makePreState } from '../txn/journal-fixture.js';
import { fixture, probeReplay, run } from './command-fixture.js';

const ROOT_DIR = '/srv/bm-root';
const scratch = mkdtempSync(join(tmpdir(), 'bm-cmds-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

/** A fresh non-default state directory and the commands for it and ROOT_DIR. */
function place(): { stateDir: string; commands: OperatorCommands } {
  const stateDir = mkdtempSync(join(scratch, 'state '));
  return { stateDir, commands: buildOperatorCommands({ stateDir, rootDir: ROOT_DIR }) };
}

/** A journal store naming `commands`, with a migration in `stateDir` moved through `phases`. */
async function journalIn(
  stateDir: string,
  commands: OperatorCommands,
  phases: ReadonlyArray<'applying' | 'applied' | 'confirmed'>,
  options: { lockWaitMs?: number } = {},
) {
  const journal = createJournalStore({ commands, ...options });
  await journal.create(stateDir, { plan: makePlan(), preState: makePreState(), timeoutSec: 120 });
  for (const phase of phases) await journal.setPhase(stateDir, phase);
  return journal;
}

/** What a call threw, as the one line an operator reads. */
async function thrown(work: () => Promise<unknown>): Promise<string> {
  try {
    await work();
  } catch (error) {
    return (error as Error).message;
  }
  throw new Error('expected a refusal');
}

/** A CLI command run on the shared fixture (non-default state dir, ROOT_DIR): its stdout and stderr. */
async function cli(
  setup: (f: ReturnType<typeof fixture>) => Promise<unknown>,
  command: (f: ReturnType<typeof fixture>) => Promise<number>,
  options: Parameters<typeof fixture>[0] = {},
): Promise<{ text: string; commands: OperatorCommands }> {
  const f = fixture({ rootDir: ROOT_DIR, ...options });
  try {
    await setup(f);
    await run(f, () => command(f));
    return { text: `${f.stdout()}\n${f.stderr()}`, commands: f.deps.commands };
  } finally {
    f.remove();
  }
}

/** The plan's "another migration pending" fix for a journal in `phase`. */
async function pendingVerdictFix(phase: string): Promise<{ text: string; commands: OperatorCommands }> {
  const { stateDir, commands } = place();
  const common = { stateDir, rootDir: ROOT_DIR, persist: 'auto' as const, replay: null, log: null };
  const snapshot = { ...(await probeReplay(0)), pendingMigration: { phase, nic: 'ens18', bridge: 'fcbr0' } };
  const plan = buildPlan(snapshot, planRequest({ nic: null, bridge: 'fcbr0', timeoutSec: 120 }, common));
  const verdict = plan.verdicts.find((v) => v.id === 'migration-pending');
  return { text: verdict?.fix ?? '(no verdict)', commands };
}

type Named = Array<keyof OperatorCommands>;
const CASES: Array<{
  what: string;
  names: Named;
  say: () => Promise<{ text: string; commands: OperatorCommands }>;
}> = [
  {
    what: 'plan text (deadline section)',
    names: ['confirm', 'rollback'],
    async say() {
      const { stateDir, commands } = place();
      const common = { stateDir, rootDir: ROOT_DIR, persist: 'auto' as const, replay: null, log: null };
      const plan = buildPlan(
        await probeReplay(0),
        planRequest({ nic: null, bridge: 'fcbr0', timeoutSec: 120 }, common),
      );
      return { text: renderPlanText(plan, { ascii: true }), commands };
    },
  },
  {
    what: 'plan verdict: another migration pending',
    names: ['confirm', 'rollback'],
    say: () => pendingVerdictFix('applied'),
  },
  {
    what: 'plan verdict: already a port of the bridge',
    names: ['status'],
    async say() {
      const { commands } = place();
      const uplink = { name: 'ens18', master: 'fcbr0', masterKind: 'bridge' } as Link;
      return { text: uplinkHasMaster(uplink, 'fcbr0', commands.status).fix, commands };
    },
  },
  {
    what: 'apply: the pending report',
    names: ['confirm', 'rollback'],
    async say() {
      const { commands } = place();
      const guardian = { pid: 4242, mode: 'detached' as const, startedAt: 0, heartbeatAt: 0 };
      const facts = { plan: makePlan(), deadline: 1_000_000, now: 0, guardian, commands };
      return { text: pendingReport(facts, asciiGlyphs).join('\n'), commands };
    },
  },
  {
    what: 'revert incomplete: what to do next (with and without commands to print)',
    names: ['status'],
    async say() {
      const { commands } = place();
      const some = { manualCommands: [{ kind: 'exec' as const, argv: ['ip', 'link', 'del', 'fcbr0'] }] };
      const text = [
        unfinishedRevertAdvice(some, commands.status),
        unfinishedRevertAdvice({ manualCommands: [] }, commands.status),
      ];
      return { text: text.join('\n'), commands };
    },
  },
  {
    what: 'guardian gone: re-arm or roll back',
    names: ['rearm', 'rollback'],
    async say() {
      const { commands } = place();
      const text = [
        guardianAlertLine({ problem: 'no guardian was recorded', overdue: false }, commands),
        guardianAlertLine({ problem: 'no guardian was recorded', overdue: true }, commands),
      ];
      return { text: text.join('\n'), commands };
    },
  },
  {
    what: 'status: keep it / undo it',
    names: ['confirm', 'rollback'],
    say: () =>
      cli(
        (f) => f.pendingJournal('applied'),
        (f) => runStatusCommand(f.deps, f.common, { json: false }),
      ),
  },
  {
    what: 'journal refusal: MigrationPending (create while one is pending)',
    names: ['confirm', 'rollback', 'status'],
    async say() {
      const { stateDir, commands } = place();
      const journal = await journalIn(stateDir, commands, []);
      const again = { plan: makePlan(), preState: makePreState(), timeoutSec: 120 };
      return { text: await thrown(() => journal.create(stateDir, again)), commands };
    },
  },
  {
    what: 'journal refusal: NoJournal',
    names: ['status'],
    async say() {
      const { stateDir, commands } = place();
      const journal = createJournalStore({ commands });
      return { text: await thrown(() => journal.setPhase(stateDir, 'applying')), commands };
    },
  },
  {
    what: 'journal refusal: no countdown to extend',
    names: ['status'],
    async say() {
      const { stateDir, commands } = place();
      const journal = await journalIn(stateDir, commands, ['applying', 'applied', 'confirmed']);
      return { text: await thrown(() => journal.extendDeadline(stateDir, 30)), commands };
    },
  },
  {
    what: 'journal refusal: undoing a confirmed change must be asked for',
    names: ['rollback'],
    async say() {
      const { stateDir, commands } = place();
      const journal = await journalIn(stateDir, commands, ['applying', 'applied', 'confirmed']);
      return { text: await thrown(() => journal.setPhase(stateDir, 'reverting')), commands };
    },
  },
  {
    what: 'journal refusal: the lock is held',
    names: ['status'],
    async say() {
      const { stateDir, commands } = place();
      const journal = await journalIn(stateDir, commands, [], { lockWaitMs: 0 });
      const release = await acquireLock(stateDir, 'guardian heartbeat');
      try {
        return { text: await thrown(() => journal.addEvent(stateDir, 'x')), commands };
      } finally {
        await release();
      }
    },
  },
  {
    what: 'journal refusal: a damaged journal',
    names: ['status'],
    async say() {
      const { stateDir, commands } = place();
      writeFileSync(join(stateDir, 'journal.json'), '{ not json', { mode: 0o600 });
      return { text: await thrown(() => createJournalStore({ commands }).load(stateDir)), commands };
    },
  },
  {
    what: 'rollback refusal: no journal',
    names: ['status'],
    say: () =>
      cli(
        async () => {},
        (f) => runRollbackCommand(f.deps, f.common, { yes: true }),
      ),
  },
  {
    what: 'rollback refusal: already reverted',
    names: ['status'],
    say: () =>
      cli(
        (f) => f.pendingJournal('reverted'),
        (f) => runRollbackCommand(f.deps, f.common, { yes: true }),
      ),
  },
  // The command they typed, with sudo: --yes kept when given, none added when not.
  ...[false, true].map((yes) => ({
    what: `rollback${yes ? ' --yes' : ''} refusal: not root`,
    names: [yes ? 'rollback' : 'guidedRollback'] as Named,
    say: () =>
      cli(
        async () => {},
        (f) => runRollbackCommand(f.deps, f.common, { yes }),
        { uid: 1000 },
      ),
  })),
  {
    what: 'plan verdict: another migration pending, its revert incomplete',
    names: ['status', 'rollback'],
    say: () => pendingVerdictFix('revert-incomplete'),
  },
  {
    what: 'confirm refusal: not root',
    names: ['confirm'],
    say: () =>
      cli(
        async () => {},
        (f) => runConfirmCommand(f.deps, f.common),
        { uid: 1000 },
      ),
  },
  {
    what: 'confirm refusal: nothing awaits confirmation',
    names: ['status'],
    say: () =>
      cli(
        (f) => f.pendingJournal('applying'),
        async (f) => {
          await f.journal.setPhase(f.stateDir, 'reverting');
          return runConfirmCommand(f.deps, f.common);
        },
      ),
  },
  {
    what: 'apply --help',
    names: ['confirm', 'rollback'],
    async say() {
      const { stateDir } = place();
      const cliPath = resolve(import.meta.dirname, '../../../dist/cli.js');
      const result = await execa(
        'node',
        [cliPath, 'apply', '--state-dir', stateDir, '--root-dir', ROOT_DIR, '--help'],
        { reject: false, stdin: 'ignore', timeout: 20_000 },
      );
      // The program as this test started it: `node /abs/dist/cli.js` (command-deps.ts selfCommand).
      const commands = buildOperatorCommands({ stateDir, rootDir: ROOT_DIR, program: ['node', cliPath] });
      return { text: String(result.stdout), commands };
    },
  },
];

describe('with a non-default --state-dir and --root-dir, every text that names a command carries both', () => {
  it.each(CASES)('$what', async ({ names, say }) => {
    const { text, commands } = await say();
    for (const name of names) expect(text).toContain(commandLine(commands[name]));
    // Any other command it names carries them as well.
    const stateDir = commands.status.argv[commands.status.argv.indexOf('--state-dir') + 1] ?? '';
    for (const match of text.matchAll(/bridge-migrate (confirm|rollback|status|guard)\b[^`\n]*/g)) {
      expect(match[0]).toContain(`--state-dir ${shellQuote(stateDir)}`);
      expect(match[0]).toContain(`--root-dir ${ROOT_DIR}`);
    }
  });
});

describe('no text in source/ names an operator command as a literal', () => {
  it('every `bridge-migrate confirm|rollback|status|guard` outside comments comes from the builder', () => {
    expect(literalCommands(/bridge-migrate (confirm|rollback|status|guard)\b/)).toEqual([]);
  });

  it('nor `bridge-migrate plan|apply|lab` (built with the options given: cli/command-deps.ts, lab-command.ts)', () => {
    // "bridge-migrate plan: ens18 -> fcbr0" is the plan text's title, not a command; source/lab
    // writes config files whose comments say who wrote them, no commands either.
    expect(literalCommands(/bridge-migrate (plan|apply|lab)\b(?!:)/, '/source/lab/')).toEqual([]);
  });
});

/** The lines of cli.tsx and source/ (but `skip`) outside comments that match `literal`. */
function literalCommands(literal: RegExp, skip?: string): string[] {
  const root = resolve(import.meta.dirname, '../../..');
  const files = [join(root, 'cli.tsx'), ...sourceFiles(join(root, 'source'))].filter(
    (file) => skip === undefined || !file.includes(skip),
  );
  return files.flatMap((file) =>
    readFileSync(file, 'utf8')
      .split('\n')
      .map((line, index) => ({ line, where: `${file.slice(root.length + 1)}:${index + 1}` }))
      .filter(({ line }) => literal.test(line) && !/^\s*(\/\/|\/?\*)/.test(line))
      .map(({ where, line }) => `${where}: ${line.trim()}`),
  );
}

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return /\.tsx?$/.test(entry.name) ? [path] : [];
  });
}
