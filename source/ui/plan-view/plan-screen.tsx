/**
 * The plan preview (DESIGN.md flow step 2): header with the change and its deadline, the
 * before/after picture, the focused pane (verdicts, steps, config diff) in a fixed-height
 * scrolling viewport, the notice/question lines and the key hints. The pane rows are computed
 * once per plan and width, and their counts are reported to the store so scrolling is exact.
 */
import { Box } from 'ink';
import { useEffect, useMemo } from 'react';
import { useShallow } from 'zustand/react/shallow';
import type { Plan } from '../../plan/types.js';
import { PANES, type PaneId } from '../../store/phase.js';
import { HelpOverlay } from '../components/help-overlay.js';
import { KeyHints } from '../components/key-hints.js';
import { NoticeLines } from '../components/notice-lines.js';
import { FixedRows } from '../components/row-text.js';
import { useAppState, useAppStore, useUi } from '../context.js';
import type { Row } from '../rows.js';
import type { Viewport } from '../use-viewport.js';
import {
  HINT_ROWS,
  headerRows,
  NOTICE_ROWS,
  paneHeight,
  TAB_ROWS,
  topologyCap,
  topologyRows,
} from './layout.js';
import { paneRows } from './pane-rows.js';
import { PaneTabs, scrollPosition } from './pane-tabs.js';

export function PlanScreen({ plan, viewport }: { plan: Plan; viewport: Viewport }) {
  const store = useAppStore();
  const { glyphs } = useUi();
  const { dryRun, acknowledged, focus, offset, helpOpen, commands } = useAppState(
    useShallow((state) => ({
      commands: state.commands,
      dryRun: state.dryRun,
      acknowledged: state.acknowledged,
      focus: state.focus,
      offset: state.scroll[state.focus],
      helpOpen: state.helpOpen,
    })),
  );
  const width = viewport.columns;
  const topology = useMemo(
    () => topologyRows(plan.topology, glyphs, width, topologyCap(viewport)),
    [plan, glyphs, width, viewport],
  );
  const height = paneHeight(viewport, topology.length);
  const panes = useMemo(
    () =>
      Object.fromEntries(
        PANES.map((pane) => [pane, paneRows(pane, plan, glyphs, width, commands)]),
      ) as Record<PaneId, Row[]>,
    [plan, glyphs, width, commands],
  );

  useEffect(() => {
    store.getState().actions.setLayout({
      height,
      rows: { verdicts: panes.verdicts.length, steps: panes.steps.length, config: panes.config.length },
    });
  }, [store, height, panes]);

  const rows = panes[focus];
  // Clamp here too: the store clamps once it knows this layout, which is after this first render.
  const top = Math.min(offset, Math.max(0, rows.length - height));
  const counts = { verdicts: plan.verdicts.length, steps: plan.steps.length, config: plan.config.length };
  return (
    <Box flexDirection="column" width={width}>
      <FixedRows rows={headerRows(plan, { dryRun, acknowledged, commands }, glyphs, width)} height={3} />
      {helpOpen ? (
        <HelpOverlay width={width} height={topology.length + TAB_ROWS + height} />
      ) : (
        <>
          <FixedRows rows={topology} height={topology.length} />
          <PaneTabs
            focus={focus}
            counts={counts}
            width={width}
            position={scrollPosition(top, height, rows.length, glyphs)}
          />
          <FixedRows rows={rows.slice(top, top + height)} height={height} />
        </>
      )}
      <NoticeLines width={width} rows={NOTICE_ROWS} />
      <KeyHints width={width} rows={HINT_ROWS} />
    </Box>
  );
}
