/**
 * The probe screen (DESIGN.md flow step 1): one line per probe, in PROBE_NAMES order, with a
 * spinner while it runs and its result when done. Probes that do not fit one column flow into
 * more columns, so the list never grows past the terminal.
 */
import { Box, Text } from 'ink';
import { useShallow } from 'zustand/react/shallow';
import type { ProbeProgress } from '../../store/probe-progress.js';
import { HelpOverlay } from '../components/help-overlay.js';
import { KeyHints } from '../components/key-hints.js';
import { FixedRows } from '../components/row-text.js';
import { useAppState, useUi } from '../context.js';
import type { Glyphs } from '../glyphs.js';
import { toneStyle } from '../rows.js';
import { useSpinnerFrame } from '../spinner/use-spinner-frame.js';
import { clip } from '../text-fit.js';
import type { Viewport } from '../use-viewport.js';

const HEADER_ROWS = 2;
const HINT_ROWS = 1;

/** Splits the probes into columns of at most `height` rows. */
export function probeColumns<T>(probes: readonly T[], height: number): T[][] {
  const perColumn = Math.max(1, height);
  const columns: T[][] = [];
  for (let start = 0; start < probes.length; start += perColumn)
    columns.push(probes.slice(start, start + perColumn));
  return columns;
}

export function probeLabel(probe: ProbeProgress, glyphs: Glyphs): string {
  const parts = [probe.name];
  if (probe.note) parts.push(glyphs.text(probe.note));
  else if (probe.state === 'ok' && probe.startedAt !== null && probe.finishedAt !== null) {
    parts.push(`${Math.round(probe.finishedAt - probe.startedAt)} ms`);
  }
  return parts.join('  ');
}

function ProbeLine({ probe, frame, width }: { probe: ProbeProgress; frame: number; width: number }) {
  const { glyphs, color } = useUi();
  const symbol =
    probe.state === 'running' ? (
      // This frame of the screen's shared spinner clock (useSpinnerFrame).
      <Text {...toneStyle('accent', color)}>{glyphs.spinner[frame % glyphs.spinner.length]}</Text>
    ) : (
      <Text {...toneStyle(probe.state === 'ok' ? 'ok' : probe.state === 'failed' ? 'warning' : 'dim', color)}>
        {probe.state === 'ok' ? glyphs.ok : probe.state === 'failed' ? glyphs.failed : glyphs.pending}
      </Text>
    );
  return (
    <Box width={width}>
      {symbol}
      <Text wrap="truncate-end" {...toneStyle(probe.state === 'waiting' ? 'dim' : 'plain', color)}>
        {` ${clip(probeLabel(probe, glyphs), Math.max(1, width - 3), glyphs)}`}
      </Text>
    </Box>
  );
}

export function ProbeScreen({ viewport }: { viewport: Viewport }) {
  const { glyphs } = useUi();
  const { probes, request, helpOpen } = useAppState(
    useShallow(({ probes, request, helpOpen }) => ({ probes, request, helpOpen })),
  );
  const busy = probes.some((probe) => probe.state === 'running' || probe.state === 'waiting');
  const frame = useSpinnerFrame(busy && !helpOpen);
  const bodyHeight = viewport.rows - 1 - HEADER_ROWS - HINT_ROWS;
  const columns = probeColumns(probes, bodyHeight);
  const columnWidth = Math.floor(viewport.columns / Math.max(1, columns.length));
  const done = probes.filter((probe) => probe.state === 'ok' || probe.state === 'failed').length;
  // No request on the guided rollback screen, which never probes (RollbackScreenDeps).
  const target = request
    ? `${request.nic ?? 'the default-route interface'} ${glyphs.arrow} ${request.bridge}`
    : 'the pending migration';
  const header = [
    {
      text: clip(
        glyphs.text(
          request?.replay
            ? `bridge-migrate  REPLAY of recording "${request.replay.name}" for ${target}`
            : `bridge-migrate  probing this host for ${target}`,
        ),
        viewport.columns,
        glyphs,
      ),
      tone: 'title' as const,
    },
    { text: `${done}/${probes.length} probes done; nothing is changed while probing`, tone: 'dim' as const },
  ];
  return (
    <Box flexDirection="column" width={viewport.columns}>
      <FixedRows rows={header} height={HEADER_ROWS} />
      {helpOpen ? (
        <HelpOverlay width={viewport.columns} height={bodyHeight} />
      ) : (
        <Box height={bodyHeight} overflow="hidden">
          {columns.map((column) => (
            <Box key={column[0]?.name} flexDirection="column" width={columnWidth}>
              {column.map((probe) => (
                <ProbeLine key={probe.name} probe={probe} frame={frame} width={columnWidth} />
              ))}
            </Box>
          ))}
        </Box>
      )}
      <KeyHints width={viewport.columns} rows={HINT_ROWS} />
    </Box>
  );
}
