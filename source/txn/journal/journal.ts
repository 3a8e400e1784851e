/**
 * The journal on disk: one file, `journal.json`, in the state directory (0600 in a 0700
 * directory), replaced atomically on every change, and read-modify-written only under the lock,
 * so the TUI, the headless commands and the guardian never lose each other's writes. Finished
 * journals move to `history/`, where `rollback` of a confirmed change finds the original state.
 */
import { randomUUID } from 'node:crypto';
import { dirname, join } from 'node:path';
import type { HostSnapshot } from '../../host/snapshot.js';
import {
  commandLine,
  DEFAULT_OPERATOR_COMMANDS,
  type ExecCommand,
  type OperatorCommands,
  pendingMigrationFix,
} from '../../plan/operator-commands.js';
import type { Plan } from '../../plan/types.js';
import {
  FileTooLarge,
  listDirectory,
  moveFileDurable,
  UnsafePath,
  writeFileAtomic,
} from '../../system/atomic-file.js';
import {
  checkPrivateDir,
  ensurePrivateDir,
  readTrustedFile,
  UntrustedPath,
} from '../../system/trusted-path.js';
import {
  decideRevert,
  endStep,
  extendDeadlineBy,
  guardianBeat,
  type JournalEdit,
  JournalRefused,
  moveToPhase,
  noteEvent,
  recordGuardian,
  settleOutcome,
  startStep,
  touchFile,
} from './journal-edits.js';
import {
  appendEvent,
  assertTransition,
  type GuardianInfo,
  isPending,
  JOURNAL_FORMAT,
  type Journal,
  JournalError,
  type JournalPhase,
  type Outcome,
  type RevertTrigger,
  type TouchedFile,
  type TransitionOptions,
  UNDO_TRANSITIONS,
  type WatchRecord,
} from './journal-format.js';
import { JournalUnreadable, journalProblem, parseJournal, unreadableJournalFix } from './journal-parse.js';
import { withLock } from './lock.js';

export { JournalRefused, MAX_DEADLINE_AHEAD_SEC } from './journal-edits.js';
// One import point for the journal: its types, phase table and errors live in the files below.
export * from './journal-format.js';
export { JournalUnreadable, parseJournal } from './journal-parse.js';

export const JOURNAL_FILE = 'journal.json';
/**
 * The most a journal read takes. Measured (pretty-printed, 200 events): 60-78 KB on every recorded
 * host, and about 1.5 KB more per route through the uplink (snapshot, cutover line and its
 * inverse), so 1.6 MB with 1000 such routes. 8 MiB is 20 times a host with 250 routes and 100 times
 * the recorded ones; it keeps a planted 50 MB file from being read and parsed on every guardian tick.
 */
export const MAX_JOURNAL_BYTES = 8 * 1024 * 1024;
export const HISTORY_DIR = 'history';

/** `create` found a migration that still needs a decision. */
export class MigrationPending extends JournalError {
  constructor(
    readonly journal: Journal,
    commands: OperatorCommands,
  ) {
    super(
      `a migration of ${journal.nic} into ${journal.bridge} is already pending (phase ${journal.phase}, started ${new Date(journal.createdAt).toISOString()})`,
      pendingMigrationFix(journal.phase, commands),
    );
    this.name = 'MigrationPending';
  }
}

/** A journal that would be larger than any reader takes (a host with thousands of routes). */
export class JournalTooLarge extends JournalError {
  constructor(journal: Journal) {
    super(
      `the migration journal of ${journal.nic} into ${journal.bridge} would be larger than ${MAX_JOURNAL_BYTES / 1024 / 1024} MiB`,
      'this host has more network state than bridge-migrate can journal; move the uplink into a bridge by hand',
    );
    this.name = 'JournalTooLarge';
  }
}

export class NoJournal extends JournalError {
  constructor(stateDir: string, status: ExecCommand) {
    super(
      `there is no migration journal in ${stateDir}`,
      `nothing is pending; \`${commandLine(status)}\` shows the host`,
    );
    this.name = 'NoJournal';
  }
}

export interface JournalStoreOptions {
  /** Epoch milliseconds; every time in the journal comes from it. */
  clock?: () => number;
  newId?: () => string;
  /** Who writes, shown to a process that finds the lock held ("guardian", "tui", "apply"). */
  purpose?: string;
  /** How long to wait for another writer's lock; writes are short, so a few seconds is plenty. */
  lockWaitMs?: number;
  /**
   * The commands its refusals name (confirm, rollback, status), built by the CLI for where it runs
   * (--state-dir, --root-dir, the lab's namespace). Default: those of the host's default state
   * directory, for tests; every CLI path passes its own.
   */
  commands?: OperatorCommands;
}

export interface CreateRequest {
  plan: Plan;
  preState: HostSnapshot;
  timeoutSec: number;
}

export interface JournalStore {
  /** The commands this store's refusals name; the engine and the guardian name the same ones. */
  readonly commands: OperatorCommands;
  create(stateDir: string, request: CreateRequest): Promise<Journal>;
  load(stateDir: string): Promise<Journal | null>;
  /** Read-modify-write under the lock. `mutate` edits a copy and must not do I/O (the lock is held). */
  update(stateDir: string, mutate: (draft: Journal) => void, options?: TransitionOptions): Promise<Journal>;
  setPhase(
    stateDir: string,
    phase: JournalPhase,
    note?: string,
    options?: TransitionOptions,
  ): Promise<Journal>;
  recordStepStart(stateDir: string, stepId: string): Promise<Journal>;
  recordStepEnd(stateDir: string, stepId: string, result: { ok: boolean; error?: string }): Promise<Journal>;
  extendDeadline(stateDir: string, seconds: number): Promise<Journal>;
  setGuardian(stateDir: string, guardian: Pick<GuardianInfo, 'pid' | 'mode' | 'unit'>): Promise<Journal>;
  /** The guardian's beat; `watch` (its latest watch results) is recorded with it when given. */
  heartbeat(stateDir: string, pid: number, watch?: WatchRecord): Promise<Journal>;
  addEvent(stateDir: string, message: string): Promise<Journal>;
  /** Records who decided to revert and why (journal-edits.ts decideRevert), before the revert starts. */
  recordRevertTrigger(stateDir: string, trigger: Omit<RevertTrigger, 'at'>): Promise<Journal>;
  /** Sets the outcome and moves to the phase of the same name. */
  recordOutcome(
    stateDir: string,
    outcome: Omit<Outcome, 'at'>,
    options?: TransitionOptions,
  ): Promise<Journal>;
  /** Persist step: record a file (and its backup) BEFORE overwriting it. */
  recordFile(stateDir: string, file: TouchedFile): Promise<Journal>;
  isPending(journal: Journal): boolean;
  /** Moves a finished journal to history/; returns its new path. */
  archive(stateDir: string): Promise<string>;
  /** Archived journals, newest first. */
  listHistory(stateDir: string): Promise<string[]>;
  loadArchived(path: string): Promise<Journal>;
  /** Makes an archived confirmed/persisted journal current again, in phase reverting (undo). */
  reopenForUndo(stateDir: string, archivedPath: string, note: string): Promise<Journal>;
}

export function createJournalStore(options: JournalStoreOptions = {}): JournalStore {
  const clock = options.clock ?? Date.now;
  const newId = options.newId ?? randomUUID;
  const purpose = options.purpose ?? `pid ${process.pid}`;
  const commands = options.commands ?? DEFAULT_OPERATOR_COMMANDS;
  const lockOptions = { waitMs: options.lockWaitMs ?? 5_000, status: commands.status };
  const locked = <T>(stateDir: string, what: string, work: () => Promise<T>) =>
    withLock(stateDir, `${purpose}: ${what}`, work, lockOptions);

  async function write(
    stateDir: string,
    journal: Journal,
    previous: Journal | null,
    options: TransitionOptions,
  ) {
    if (previous) {
      if (
        journal.id !== previous.id ||
        journal.format !== previous.format ||
        journal.createdAt !== previous.createdAt
      ) {
        throw new Error('internal: a journal update changed its identity (id, format or createdAt)');
      }
      assertTransition(previous.phase, journal.phase, options, commands.rollback);
    }
    const problem = journalProblem(journal);
    if (problem) throw new Error(`internal: a journal update would write an invalid journal: ${problem}`);
    const text = `${JSON.stringify(journal, null, 2)}\n`;
    // Written only if it can be read back (MAX_JOURNAL_BYTES): refused here, before the change it
    // records, rather than found unreadable by the guardian that must revert it.
    if (Buffer.byteLength(text) > MAX_JOURNAL_BYTES) throw new JournalTooLarge(journal);
    await writeFileAtomic(journalPath(stateDir), text, { mode: 0o600 });
  }

  async function mutateJournal(
    stateDir: string,
    what: string,
    edit: JournalEdit,
    options: TransitionOptions & { note?: string } = {},
  ): Promise<Journal> {
    return locked(stateDir, what, async () => {
      const current = await readJournal(stateDir, commands.status);
      if (!current) throw new NoJournal(stateDir, commands.status);
      const now = clock();
      const draft = structuredClone(current);
      edit(draft, now);
      if (draft.phase !== current.phase) {
        const note = options.note ? `: ${options.note}` : '';
        appendEvent(draft, {
          at: now,
          phase: draft.phase,
          message: `${current.phase} → ${draft.phase}${note}`,
        });
      }
      await write(stateDir, draft, current, options);
      return draft;
    });
  }

  async function archiveUnlocked(stateDir: string, journal: Journal): Promise<string> {
    const historyDir = join(stateDir, HISTORY_DIR);
    await ensurePrivateDir(historyDir);
    const stamp = new Date(clock()).toISOString().replace(/[:.]/g, '-');
    const target = join(historyDir, `journal-${stamp}-${journal.id.slice(0, 8)}.json`);
    await moveFileDurable(journalPath(stateDir), target);
    return target;
  }

  /** Under the lock: refuse when something is pending, archive a finished leftover. */
  async function clearForNew(stateDir: string): Promise<void> {
    const current = await readJournal(stateDir, commands.status);
    if (current && isPending(current)) throw new MigrationPending(current, commands);
    if (current) await archiveUnlocked(stateDir, current);
  }

  return {
    commands,
    async create(stateDir, { plan, preState, timeoutSec }) {
      if (!Number.isSafeInteger(timeoutSec) || timeoutSec <= 0) {
        throw new RangeError(`timeoutSec must be a positive whole number, not ${timeoutSec}`);
      }
      await ensurePrivateDir(stateDir); // the lock would make it too; the journal must not rely on that
      return locked(stateDir, 'create migration', async () => {
        await clearForNew(stateDir);
        const now = clock();
        const journal: Journal = {
          format: JOURNAL_FORMAT,
          id: newId(),
          createdAt: now,
          phase: 'planned',
          // Wall-clock on purpose: status, confirm and the guardian are separate processes and
          // must agree on it. The guardian may add its own monotonic timer against clock steps.
          deadline: now + timeoutSec * 1000,
          timeoutSec,
          nic: plan.nic,
          bridge: plan.bridge,
          preState,
          plan,
          applied: [],
          guardian: null,
          events: [{ at: now, phase: 'planned', message: `planned: move ${plan.nic} into ${plan.bridge}` }],
          outcome: null,
          files: [],
        };
        await write(stateDir, journal, null, {});
        return journal;
      });
    },

    load: (stateDir) => readJournal(stateDir, commands.status),

    update(stateDir, mutate, options = {}) {
      return mutateJournal(stateDir, 'update journal', (draft) => mutate(draft), options);
    },

    setPhase(stateDir, phase, note, options = {}) {
      return mutateJournal(stateDir, `phase ${phase}`, moveToPhase(phase), { ...options, note });
    },

    recordStepStart(stateDir, stepId) {
      return mutateJournal(stateDir, `start step ${stepId}`, startStep(stepId));
    },

    recordStepEnd(stateDir, stepId, result) {
      return mutateJournal(stateDir, `end step ${stepId}`, endStep(stepId, result));
    },

    extendDeadline(stateDir, seconds) {
      return mutateJournal(stateDir, 'extend deadline', extendDeadlineBy(seconds, commands.status));
    },

    setGuardian(stateDir, guardian) {
      return mutateJournal(stateDir, 'record guardian', recordGuardian(guardian));
    },

    heartbeat(stateDir, pid, watch) {
      return mutateJournal(stateDir, 'guardian heartbeat', guardianBeat(pid, watch));
    },

    addEvent(stateDir, message) {
      return mutateJournal(stateDir, 'add event', noteEvent(message));
    },

    recordRevertTrigger(stateDir, trigger) {
      return mutateJournal(stateDir, `revert decided by ${trigger.by}`, decideRevert(trigger));
    },

    recordOutcome(stateDir, outcome, options = {}) {
      return mutateJournal(stateDir, `outcome ${outcome.kind}`, settleOutcome(outcome), {
        ...options,
        note: outcome.reason,
      });
    },

    recordFile(stateDir, file) {
      return mutateJournal(stateDir, `record ${file.path}`, touchFile(file));
    },

    isPending,

    archive(stateDir) {
      return locked(stateDir, 'archive journal', async () => {
        const current = await readJournal(stateDir, commands.status);
        if (!current) throw new NoJournal(stateDir, commands.status);
        if (isPending(current)) {
          throw new JournalRefused(
            `the migration is still ${current.phase}`,
            'confirm or roll it back before archiving',
          );
        }
        return archiveUnlocked(stateDir, current);
      });
    },

    async listHistory(stateDir) {
      const names = await listDirectory(join(stateDir, HISTORY_DIR));
      return names
        .filter((name) => /^journal-.*\.json$/.test(name))
        .reverse()
        .map((name) => join(stateDir, HISTORY_DIR, name));
    },

    loadArchived: (path) => loadArchived(path, commands.status),

    reopenForUndo(stateDir, archivedPath, note) {
      return locked(stateDir, 'reopen for undo', async () => {
        const archived = await loadArchived(archivedPath, commands.status);
        if (!UNDO_TRANSITIONS[archived.phase]?.includes('reverting')) {
          throw new JournalRefused(
            `the archived migration ended ${archived.phase}`,
            'only a confirmed change can be undone',
          );
        }
        await clearForNew(stateDir);
        const now = clock();
        const draft = structuredClone(archived);
        draft.phase = 'reverting';
        draft.outcome = null;
        appendEvent(draft, {
          at: now,
          phase: 'reverting',
          message: `${archived.phase} → reverting: undo (${note})`,
        });
        await write(stateDir, draft, archived, { undoConfirmed: true });
        return draft;
      });
    },
  };
}

export function journalPath(stateDir: string): string {
  return join(stateDir, JOURNAL_FILE);
}

/** The current journal, or null when there is none. Needs no lock: every write is a rename. */
function readJournal(stateDir: string, status: ExecCommand): Promise<Journal | null> {
  return readJournalFile(journalPath(stateDir), status);
}

async function loadArchived(path: string, status: ExecCommand): Promise<Journal> {
  const journal = await readJournalFile(path, status);
  if (!journal)
    throw new JournalUnreadable(path, 'it does not exist', 'pick one listed in the history directory');
  return journal;
}

/**
 * Every read of a journal — for apply, confirm, rollback, status, and each tick of the guardian —
 * comes through here, so none acts on a journal that is not root's alone in a directory that is
 * root's alone (system/trusted-path.ts). Such a refusal is an UntrustedPath, passed on as is: its
 * one line names the path, what is wrong and the command that fixes it.
 */
async function readJournalFile(file: string, status: ExecCommand): Promise<Journal | null> {
  let bytes: Buffer | null;
  try {
    if (!(await checkPrivateDir(dirname(file)))) return null;
    bytes = await readTrustedFile(file, { maxBytes: MAX_JOURNAL_BYTES });
  } catch (error) {
    if (error instanceof UntrustedPath) throw error;
    if (error instanceof FileTooLarge) {
      throw new JournalUnreadable(
        file,
        `it is larger than ${MAX_JOURNAL_BYTES / 1024 / 1024} MiB, far more than any journal bridge-migrate writes`,
        unreadableJournalFix(file, status),
      );
    }
    if (error instanceof UnsafePath) throw new JournalUnreadable(file, error.pathProblem, error.fix);
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EACCES' || code === 'EPERM') {
      throw new JournalUnreadable(
        file,
        'permission denied',
        'the state directory is root-only: run it as root (sudo)',
      );
    }
    throw error;
  }
  return bytes === null ? null : parseJournal(bytes.toString('utf8'), file, status);
}
