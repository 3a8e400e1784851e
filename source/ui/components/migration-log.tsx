/**
 * The migration's log, printed through Ink's <Static>: each finished step, each check result and
 * the start of a revert is written once, above the live region, and never redrawn. Over a slow
 * SSH link only the few live rows below it are rewritten as the migration moves on.
 *
 * It stays mounted for the whole app (empty until the apply starts): <Static> remembers how many
 * items it has printed, so remounting it would print the whole log a second time.
 */
import { Box, Static } from 'ink';
import type { Plan } from '../../plan/types.js';
import type { LogEntry } from '../../store/migration-progress.js';
import { useAppState, useUi } from '../context.js';
import { logEntryRows } from '../log-entry-text.js';
import { RowText } from './row-text.js';

const NO_ENTRIES: LogEntry[] = [];

export function MigrationLog({ width }: { width: number }) {
  const log = useAppState((state) => state.migration?.log ?? NO_ENTRIES);
  const plan = useAppState((state) => state.plan);
  if (!plan) return null;
  return (
    <Static items={log.map((entry, index) => ({ entry, index }))}>
      {({ entry, index }) => <LogEntryView key={index} entry={entry} plan={plan} width={width} />}
    </Static>
  );
}

function LogEntryView({ entry, plan, width }: { entry: LogEntry; plan: Plan; width: number }) {
  const { glyphs } = useUi();
  return (
    <Box flexDirection="column" width={width}>
      {logEntryRows(entry, plan, glyphs, width).map((row, at) => (
        // biome-ignore lint/suspicious/noArrayIndexKey: an entry's rows are positional
        <RowText key={at} row={row} />
      ))}
    </Box>
  );
}
