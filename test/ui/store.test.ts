import { describe, expect, it, vi } from 'vitest';
import { keyedText } from '../../source/ui/keys.js';
import { fakeMigration } from './fake-migration.js';
import { blockedPlan, fakeSnapshot, proxmoxPlan, quietPlan } from './fixtures.js';
import { controlledProbe, PROBE_NAMES_FOR_TESTS, plannedStore, testStore } from './harness.js';

describe('probing', () => {
  it('tracks each probe in PROBE_NAMES order and appends probes it did not know', async () => {
    const probe = controlledProbe();
    const store = testStore({ probe: probe.probe });
    const done = store.getState().actions.startProbe();
    expect(store.getState().probes.map((p) => p.state)).toEqual(PROBE_NAMES_FOR_TESTS.map(() => 'waiting'));

    probe.emit({ name: 'routes', state: 'running' });
    probe.emit({ name: 'routes', state: 'ok' });
    probe.emit({ name: 'virt', state: 'running' });
    probe.emit({ name: 'virt', state: 'failed', note: 'systemd-detect-virt is not installed' });
    probe.emit({ name: 'surprise', state: 'running' });

    const probes = store.getState().probes;
    expect(probes.map((p) => p.name)).toEqual([...PROBE_NAMES_FOR_TESTS, 'surprise']);
    const routes = probes.find((p) => p.name === 'routes');
    expect(routes?.state).toBe('ok');
    expect((routes?.finishedAt ?? 0) - (routes?.startedAt ?? 0)).toBe(7);
    expect(probes.find((p) => p.name === 'virt')).toMatchObject({
      state: 'failed',
      note: 'systemd-detect-virt is not installed',
    });
    expect(probes.find((p) => p.name === 'links')?.state).toBe('waiting');

    probe.resolve();
    await done;
    expect(store.getState().phase).toBe('planned');
  });

  it('plans the snapshot the probe returned, with the request it was given', async () => {
    const snapshot = fakeSnapshot();
    const plan = vi.fn(() => proxmoxPlan());
    const store = testStore({ probe: async () => snapshot, plan });
    await store.getState().actions.startProbe();
    expect(plan).toHaveBeenCalledWith(snapshot, {
      nic: 'ens18',
      bridge: 'fcbr0',
      timeoutSec: 120,
      persist: 'auto',
    });
    expect(store.getState().plan?.nic).toBe('ens18');
    expect(store.getState().snapshot).toBe(snapshot);
  });

  it('runs the probe once even when started twice', async () => {
    const probe = vi.fn(async () => fakeSnapshot());
    const store = testStore({ probe });
    await Promise.all([store.getState().actions.startProbe(), store.getState().actions.startProbe()]);
    expect(probe).toHaveBeenCalledTimes(1);
  });

  it('turns a probe failure into a failed phase that quits with exit code 1', async () => {
    const store = testStore({
      probe: async () => {
        throw new Error('the command `ip -j -d link show` is not in the recording host.json');
      },
    });
    await store.getState().actions.startProbe();
    const { phase, failure } = store.getState();
    expect(phase).toBe('failed');
    expect(failure?.title).toBe('Failed while probing this host');
    expect(failure?.message).toContain('is not in the recording host.json');
    store.getState().actions.quit();
    expect(store.getState().exit?.code).toBe(1);
  });

  it('reports a planner exception as a planning failure', async () => {
    const store = testStore({
      plan: () => {
        throw new Error('no route table');
      },
    });
    await store.getState().actions.startProbe();
    expect(store.getState().failure?.title).toBe('Failed while planning the migration');
  });
});

describe('the apply gate', () => {
  it('refuses Enter on a blocked plan with the blockers, and focuses the verdicts', async () => {
    const store = await plannedStore({ planned: blockedPlan() });
    store.getState().actions.nextPane();
    store.getState().actions.requestApply();
    const { phase, notice, focus } = store.getState();
    expect(phase).toBe('planned');
    expect(focus).toBe('verdicts');
    expect(notice?.tone).toBe('refusal');
    expect(notice?.text).toContain('Cannot apply, 1 blocker: ens18 is a Wi-Fi interface');
  });

  it('refuses Enter until the warnings are acknowledged', async () => {
    const store = await plannedStore();
    store.getState().actions.requestApply();
    expect(store.getState().phase).toBe('planned');
    const notice = store.getState().notice;
    expect(notice?.tone).toBe('refusal');
    // The store names the key by command; the ui writes the key the table binds.
    expect(notice && keyedText(notice.text)).toBe('Read the 2 warnings first, then press a to acknowledge.');
    store.getState().actions.acknowledgeWarnings();
    expect(store.getState().acknowledged).toBe(true);
    store.getState().actions.requestApply();
    expect(store.getState().phase).toBe('confirm-apply');
  });

  it('on a dry run explains that nothing will be applied and never asks', async () => {
    const engine = fakeMigration();
    const store = await plannedStore({ dryRun: true, migration: engine.deps });
    store.getState().actions.acknowledgeWarnings();
    store.getState().actions.requestApply();
    expect(store.getState().phase).toBe('planned');
    expect(store.getState().notice?.text).toMatch(/^Dry run: nothing will be applied/);
    await store.getState().actions.confirmApply();
    expect(engine.deps.start).not.toHaveBeenCalled();
  });

  it('asks directly when there is nothing to acknowledge', async () => {
    const store = await plannedStore({ planned: quietPlan() });
    store.getState().actions.acknowledgeWarnings();
    expect(store.getState().notice?.text).toBe('There are no warnings to acknowledge.');
    store.getState().actions.requestApply();
    expect(store.getState().phase).toBe('confirm-apply');
  });
});

describe('the apply question', () => {
  async function asked(overrides: Parameters<typeof plannedStore>[0] = {}) {
    const store = await plannedStore({ planned: quietPlan(), ...overrides });
    store.getState().actions.requestApply();
    expect(store.getState().phase).toBe('confirm-apply');
    return store;
  }

  it('says apply is not available when no apply was wired in, and changes nothing', async () => {
    const store = await asked();
    await store.getState().actions.confirmApply();
    expect(store.getState().phase).toBe('planned');
    expect(store.getState().notice).toEqual({
      tone: 'error',
      text: 'apply is not available in this build; nothing was changed.',
    });
  });

  it('hands the plan and the probed snapshot to the engine and ends pending confirmation', async () => {
    const engine = fakeMigration();
    const store = await asked({ migration: engine.deps });
    const applying = store.getState().actions.confirmApply();
    expect(store.getState().phase).toBe('arming');
    const { plan, snapshot } = store.getState();
    expect(engine.deps.start).toHaveBeenCalledWith(plan, snapshot, expect.any(Function));

    store.getState().actions.quit();
    expect(store.getState().exit).toBeNull();
    expect(store.getState().notice?.tone).toBe('refusal');

    engine.finishStart({ kind: 'pending', deadline: 1_000_000, checks: [] });
    await applying;
    expect(store.getState().phase).toBe('awaiting-confirmation');
    expect(store.getState().migration?.deadline).toBe(1_000_000);
    store.getState().actions.quit();
    expect(store.getState().exit?.code).toBe(0);
  });

  it('reports a refusal before any step with exit code 1: nothing was changed', async () => {
    const engine = fakeMigration();
    const store = await asked({ migration: engine.deps });
    const applying = store.getState().actions.confirmApply();
    engine.failStart(new Error('the guardian could not be armed (timeout); nothing was changed'));
    await applying;
    const { phase, failure } = store.getState();
    expect(phase).toBe('failed');
    expect(failure).toMatchObject({ title: 'Not applied', exitCode: 1 });
    expect(failure?.fix).toContain('Nothing was changed');
  });

  it('reports a break after a step started with the rollback command and exit code 4', async () => {
    const engine = fakeMigration();
    const store = await asked({ migration: engine.deps });
    const applying = store.getState().actions.confirmApply();
    engine.step('stage-bridge', 'running');
    engine.failStart(new Error('journal write failed: ENOSPC'));
    await applying;
    const { phase, failure } = store.getState();
    expect(phase).toBe('failed');
    expect(failure?.message).toContain('ENOSPC');
    expect(failure?.fix).toContain('bridge-migrate rollback --yes');
    expect(failure?.exitCode).toBe(4);
  });

  it('goes back to the preview on no', async () => {
    const store = await asked();
    store.getState().actions.back();
    expect(store.getState().phase).toBe('planned');
    expect(store.getState().notice?.text).toBe('Not applied; nothing was changed.');
    expect(store.getState().exit).toBeNull();
  });
});

describe('quitting', () => {
  it('closes help before anything else, then quits with 0 at an unblocked preview', async () => {
    const store = await plannedStore();
    store.getState().actions.toggleHelp();
    store.getState().actions.back();
    expect(store.getState().helpOpen).toBe(false);
    expect(store.getState().exit).toBeNull();
    store.getState().actions.back();
    expect(store.getState().exit).toEqual({ code: 0, reason: 'quit at the preview; nothing was changed' });
  });

  it('quits with 1 when the plan is blocked', async () => {
    const store = await plannedStore({ planned: blockedPlan() });
    store.getState().actions.quit();
    expect(store.getState().exit?.code).toBe(1);
  });
});

describe('panes and scrolling', () => {
  it('cycles focus through the panes in both directions', async () => {
    const store = await plannedStore();
    const { actions } = store.getState();
    const seen = [store.getState().focus];
    for (let i = 0; i < 3; i += 1) {
      actions.nextPane();
      seen.push(store.getState().focus);
    }
    expect(seen).toEqual(['verdicts', 'steps', 'config', 'verdicts']);
    actions.previousPane();
    expect(store.getState().focus).toBe('config');
  });

  it('keeps each pane offset within its measured content', async () => {
    const store = await plannedStore();
    const { actions } = store.getState();
    actions.setLayout({ height: 10, rows: { verdicts: 4, steps: 35, config: 12 } });
    actions.scroll(1);
    expect(store.getState().scroll.verdicts).toBe(0);
    actions.nextPane();
    actions.page(1);
    expect(store.getState().scroll.steps).toBe(9);
    actions.page(1);
    actions.page(1);
    actions.page(1);
    expect(store.getState().scroll.steps).toBe(25);
    actions.scroll(-3);
    expect(store.getState().scroll.steps).toBe(22);
    actions.scrollToEdge('top');
    expect(store.getState().scroll.steps).toBe(0);
    actions.scrollToEdge('bottom');
    // A taller viewport (terminal resized) pulls the offset back so no blank rows show.
    actions.setLayout({ height: 30, rows: { verdicts: 4, steps: 35, config: 12 } });
    expect(store.getState().scroll.steps).toBe(5);
  });
});
