/**
 * One vanilla zustand store for the interactive flow: the phase machine (phase-flow.ts) and its
 * actions. Input handlers call `store.getState().actions.x()`; components read through selectors.
 * Everything the store does to the outside world goes through `deps`; every phase change goes
 * through `dispatch`, which asks the flow's `transition`.
 */
import { createStore, type StoreApi } from 'zustand/vanilla';
import { commandLine, DEFAULT_OPERATOR_COMMANDS } from '../plan/operator-commands.js';
import type { Plan } from '../plan/types.js';
import {
  type AppActions,
  type AppDeps,
  type AppExit,
  type AppFailure,
  type AppState,
  type Dispatch,
  type ExitCode,
  initialJournalFollow,
  type Notice,
  type PreviewDeps,
  type RollbackScreenDeps,
  type SetOther,
} from './app-state.js';
import { journalActions } from './journal-actions.js';
import { keyed, mentionKey } from './key-command.js';
import { messageOf, migrationActions } from './migration-actions.js';
import { isBusy, PANES, type PaneId, type Phase, unreachable } from './phase.js';
import { transition } from './phase-flow.js';
import { applyGate, isBlocked, plural, verdictsAt } from './plan-gate.js';
import { initialProbes, withProbeEvent } from './probe-progress.js';
import { rearmAction } from './rearm-action.js';
import { recoveryActions } from './recovery-actions.js';
import {
  clampAll,
  clampOffset,
  maxOffset,
  pageRows,
  sameLayout,
  topOffsets,
  unmeasuredLayout,
} from './scroll.js';

export type AppStore = StoreApi<AppState>;

export function createAppStore(deps: AppDeps | RollbackScreenDeps): AppStore {
  // The guided rollback screen has no preview: nothing is probed or planned there.
  const preview: PreviewDeps | null = 'probe' in deps ? deps : null;
  return createStore<AppState>()((setState, get) => {
    // Only dispatch writes the flow's fields; everything else gets the narrowed setter.
    const set: SetOther = setState;
    const notify = (tone: Notice['tone'], text: Notice['text']) => set({ notice: { tone, text } });

    const dispatch: Dispatch = (event, changes = {}) => {
      const flow = transition(get(), event);
      if (!flow) return false;
      const { phase, remoteRevert, resumePhase } = flow;
      setState({ ...changes, phase, remoteRevert, resumePhase });
      return true;
    };

    const fail = (failure: AppFailure) => void dispatch({ type: 'fail' }, { failure, notice: null });

    const scrollFocused = (next: (offset: number, pane: PaneId) => number) =>
      set((state) => ({
        scroll: {
          ...state.scroll,
          [state.focus]: clampOffset(next(state.scroll[state.focus], state.focus), state.layout, state.focus),
        },
      }));

    const moveFocus = (step: 1 | -1) =>
      set((state) => {
        const index = PANES.indexOf(state.focus);
        return { focus: PANES[(index + step + PANES.length) % PANES.length] as PaneId };
      });

    const showVerdicts = () =>
      set((state) => ({ focus: 'verdicts', scroll: { ...state.scroll, verdicts: 0 } }));

    const migration = migrationActions({ set, get, dispatch, migration: deps.migration, notify, fail });
    const actions: AppActions = {
      ...migration,
      ...journalActions({ set, get, dispatch, migration: deps.migration, clock: deps.clock, notify }),
      ...recoveryActions({
        set,
        get,
        dispatch,
        migration: deps.migration,
        probe: () => actions.startProbe(),
        rollbackNow: () => migration.rollbackNow(),
      }),
      ...rearmAction({
        get,
        migration: deps.migration,
        notify,
        rollbackNow: () => migration.rollbackNow(),
        tick: () => actions.tick(),
      }),

      async startProbe() {
        if (get().probeStartedAt !== null) return;
        if (!preview) {
          return fail({
            title: 'Nothing to probe here',
            message: 'this screen rolls back the pending migration; it does not plan a new one',
            fix: 'Run bridge-migrate without a subcommand to plan a new migration.',
            exitCode: 1,
          });
        }
        set({ probeStartedAt: deps.clock.now() });
        let plan: Plan;
        try {
          const snapshot = await preview.probe((event) => {
            if (get().phase !== 'probing') return;
            set((state) => ({ probes: withProbeEvent(state.probes, event, deps.clock.now()) }));
          });
          set({ snapshot });
          plan = preview.plan(snapshot, preview.request);
        } catch (error) {
          const during = get().snapshot === null ? 'probing this host' : 'planning the migration';
          fail({
            title: `Failed while ${during}`,
            message: messageOf(error),
            fix: 'Nothing was changed. Fix the cause above and run bridge-migrate again; the debug log has the full output.',
            exitCode: 1,
          });
          return;
        }
        dispatch(
          { type: 'planned' },
          { plan, probeFinishedAt: deps.clock.now(), focus: 'verdicts', scroll: topOffsets },
        );
      },

      async planAgain() {
        const { phase, failure } = get();
        if (phase !== 'failed' || !failure?.planAgain || !preview) return;
        const fresh = {
          probes: initialProbes(preview.probeNames),
          probeStartedAt: null,
          probeFinishedAt: null,
          snapshot: null,
          plan: null,
          acknowledged: false,
          failure: null,
          notice: null,
          migration: null,
        };
        if (dispatch({ type: 'plan-again' }, fresh)) await actions.startProbe();
      },

      nextPane: () => moveFocus(1),
      previousPane: () => moveFocus(-1),
      scroll: (delta) => scrollFocused((offset) => offset + delta),
      page: (direction) => scrollFocused((offset) => offset + direction * pageRows(get().layout)),
      scrollToEdge: (edge) =>
        scrollFocused((_, pane) => (edge === 'top' ? 0 : maxOffset(get().layout, pane))),

      setLayout(layout) {
        if (sameLayout(layout, get().layout)) return;
        set((state) => ({ layout, scroll: clampAll(state.scroll, layout) }));
      },

      acknowledgeWarnings() {
        const { plan, phase, acknowledged } = get();
        if (!plan || phase !== 'planned') return;
        const warnings = verdictsAt(plan, 'warning').length;
        if (warnings === 0) return notify('info', 'There are no warnings to acknowledge.');
        if (acknowledged) return;
        set({ acknowledged: true });
        notify('info', `Acknowledged ${plural(warnings, 'warning')}.`);
      },

      requestApply() {
        const { plan, phase, acknowledged } = get();
        if (!plan || phase !== 'planned') return;
        const gate = applyGate(plan, acknowledged, preview?.dryRun ?? false);
        switch (gate.kind) {
          case 'blocked':
            showVerdicts();
            return notify(
              'refusal',
              `Cannot apply, ${plural(gate.reasons.length, 'blocker')}: ${gate.reasons.join(' ')}`,
            );
          case 'needs-acknowledgement':
            showVerdicts();
            return notify(
              'refusal',
              keyed`Read the ${plural(gate.warnings, 'warning')} first, then press ${mentionKey('acknowledge')} to acknowledge.`,
            );
          case 'dry-run':
            return notify(
              'info',
              // A replayed recording is never applied, with or without --dry-run.
              plan.replay
                ? 'REPLAY of a recording: nothing is ever applied. Run the tool on that host itself to apply.'
                : 'Dry run: nothing will be applied. Run without --dry-run to apply this plan.',
            );
          case 'ask':
            return void dispatch({ type: 'ask-apply' }, { notice: null });
          default:
            return unreachable(gate);
        }
      },

      declineApply() {
        if (dispatch({ type: 'decline-apply' })) notify('info', 'Not applied; nothing was changed.');
      },

      toggleHelp: () => set((state) => ({ helpOpen: !state.helpOpen })),

      back() {
        const { helpOpen, phase, detailsOpen } = get();
        if (helpOpen) return set({ helpOpen: false });
        if (phase === 'confirm-apply') return actions.declineApply();
        if (phase === 'confirm-rollback') return void actions.answerRollback(false);
        if (phase === 'recovery' && detailsOpen) return set({ detailsOpen: false });
        actions.quit();
      },

      quit() {
        const exit = exitFor(get());
        if (exit) set({ exit });
        else
          notify(
            'refusal',
            'A change is in flight; quitting now could leave it half done. Wait for it to finish.',
          );
      },
    };

    return {
      phase: 'probing',
      dryRun: preview?.dryRun ?? false,
      request: preview?.request ?? null,
      probes: initialProbes(preview?.probeNames ?? []),
      probeStartedAt: null,
      probeFinishedAt: null,
      snapshot: null,
      plan: null,
      acknowledged: false,
      focus: 'verdicts',
      scroll: topOffsets,
      layout: unmeasuredLayout,
      helpOpen: false,
      notice: null,
      failure: null,
      exit: null,
      canApply: deps.migration !== undefined,
      migration: null,
      commands: deps.commands ?? deps.migration?.commands ?? DEFAULT_OPERATOR_COMMANDS,
      watched: null,
      remoteRevert: false,
      resumePhase: null,
      journalFollow: initialJournalFollow,
      detailsOpen: false,
      actions,
    };
  });
}

/** How quitting ends in each phase; null when quitting is not allowed (a change is in flight). */
function exitFor(state: AppState): AppExit | null {
  const phase: Phase = state.phase;
  const exit = (code: ExitCode, reason: string): AppExit => ({ code, reason });
  const status = commandLine(state.commands.status);
  // The revert on screen is the guardian's: this session is only watching, so it may leave.
  if (phase === 'reverting' && state.remoteRevert) {
    return exit(3, `the guardian is reverting the change; \`${status}\` shows its outcome`);
  }
  if (isBusy(phase)) return null;
  switch (phase) {
    case 'recovery':
      return exit(0, `left the pending migration as it was; \`${status}\` shows it`);
    case 'confirm-rollback':
      return exit(1, 'not rolled back; nothing was changed');
    case 'probing':
      return exit(1, 'quit before the plan was ready; nothing was changed');
    case 'planned':
    case 'confirm-apply':
      return state.plan && isBlocked(state.plan)
        ? exit(1, 'the plan is blocked; nothing was changed')
        : exit(0, 'quit at the preview; nothing was changed');
    case 'awaiting-confirmation':
      // Quitting neither confirms nor reverts: the guardian (or `confirm`/`rollback`) decides.
      return exit(0, 'applied; the change is pending confirmation');
    case 'done':
      return exit(0, 'confirmed; the change is kept');
    case 'reverted':
      return exit(3, 'reverted; the host is back to its pre-state');
    case 'revert-incomplete':
      return exit(4, 'the revert is incomplete; finish it with the commands shown');
    case 'failed':
      return exit(state.failure?.exitCode ?? 1, state.failure?.title ?? 'failed');
    case 'arming':
    case 'applying':
    case 'verifying':
    case 'confirming':
    case 'persisting':
    case 'reverting':
      return null;
    default:
      return unreachable(phase);
  }
}
