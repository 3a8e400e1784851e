/**
 * The guided rollback screen for a finished (persisted) migration: before the y/N question, what
 * the undo will do, in the order it does it (cli/undo-migration.ts): the files put back from their
 * backups, the renderer taking the uplink back, the runtime steps undone last first, the bridge
 * deleted only when bridge-migrate created it (its TAPs are detached and kept), all under a
 * guardian with its own deadline, then the comparison with the pre-state and the checks.
 */
import type { Watched } from '../store/app-state.js';
import { clockTime } from '../store/clock-time.js';
import { type Journal, UNDO_DEADLINE_SEC } from '../txn/journal/journal.js';
import type { Glyphs } from './glyphs.js';
import { type Row, wrapped } from './rows.js';
import { clip } from './text-fit.js';

/** Whether the migration created its bridge (then the undo deletes it), by the pre-state the plan was made from. */
export function bridgeCreatedByTool(journal: Pick<Journal, 'preState' | 'bridge'>): boolean {
  return !journal.preState.links.some((link) => link.name === journal.bridge);
}

export function undoSummaryRows(watched: Watched, glyphs: Glyphs, width: number): Row[] {
  const { journal } = watched.reading;
  const { nic, bridge, plan } = journal;
  const text = (line: string) => glyphs.text(line);
  const rows: Row[] = [
    { text: clip('bridge-migrate  undo a finished migration', width, glyphs), tone: 'title' },
    ...wrapped(
      text(
        `  ${nic} ${glyphs.arrow} ${bridge}, started ${clockTime(journal.createdAt)}, confirmed and persisted.`,
      ),
      'plain',
      width,
      '    ',
    ),
  ];
  if (journal.files.length > 0) {
    rows.push({ text: clip('  1. Files put back from their backups:', width, glyphs), tone: 'plain' });
    for (const file of journal.files) {
      const from = file.backup ? `from ${file.backup.backup}` : 'new: removed';
      rows.push(...wrapped(text(`     ${glyphs.bullet} ${file.path} (${from})`), 'plain', width, '       '));
    }
    rows.push(
      ...wrapped(text(`  2. ${plan.persistWith} takes ${nic} back from them.`), 'plain', width, '     '),
    );
  } else {
    rows.push(
      ...wrapped(
        '  1-2. No file was written (kept at runtime only): none to restore.',
        'plain',
        width,
        '     ',
      ),
    );
  }
  const steps = [...journal.applied].reverse().map((step) => {
    const title = plan.steps.find((planned) => planned.id === step.stepId)?.title ?? step.stepId;
    return `${glyphs.bullet} ${title}`;
  });
  rows.push(
    {
      text: clip('  3. Runtime steps undone, last first (addresses back on the uplink):', width, glyphs),
      tone: 'plain',
    },
    ...steps.flatMap((line) => wrapped(text(`     ${line}`), 'plain', width, '       ')),
  );
  const bridgeLine = bridgeCreatedByTool(journal)
    ? `  4. ${bridge} is deleted (bridge-migrate created it); TAPs on it are detached and kept.`
    : `  4. ${bridge} existed before: it is kept with its TAPs; only ${nic} leaves it.`;
  rows.push(...wrapped(text(bridgeLine), 'plain', width, '     '));
  rows.push(
    ...wrapped(
      `  A guardian watches the undo: if this session is lost it finishes the undo, at the latest ${UNDO_DEADLINE_SEC} s after it starts. Then the host is compared with its pre-migration state and the checks run again.`,
      'accent',
      width,
      '    ',
    ),
  );
  return rows;
}
