/**
 * The interactive command: probe with spinners, then the plan preview (and, with the apply
 * engine, the rest of the flow). When stdin is not a terminal there is no one to press keys: print
 * the plan as text instead, and refuse an interactive apply with a pointer to `apply --yes`.
 */
import { PROBE_NAMES, probeHost } from '../host/probe.js';
import { buildPlan } from '../plan/build.js';
import { createAppStore } from '../store/app-store.js';
import { renderApp } from '../ui/app.js';
import { chooseGlyphs } from '../ui/glyphs.js';
import { renderPlanText } from '../ui/plan-text.js';
import { EXIT } from './errors.js';
import type { HostAccess } from './host-access.js';
import type { CommonOptions, TargetOptions } from './options.js';
import { type Output, probeAndPlan } from './plan-command.js';
import { planRequest } from './target.js';

export async function runInteractive(
  access: HostAccess,
  target: TargetOptions,
  common: CommonOptions,
  options: { dryRun: boolean },
  out: Output,
): Promise<number> {
  if (!process.stdin.isTTY) {
    const plan = await probeAndPlan(access, target, common);
    out.stdout(renderPlanText(plan, { ascii: chooseGlyphs(process.env).ascii }));
    if (options.dryRun) return EXIT.ok;
    out.stderr(
      'bridge-migrate: stdin is not a terminal, so the interactive apply is refused; run `bridge-migrate apply --yes` to apply without prompts\n',
    );
    return EXIT.refused;
  }
  const store = createAppStore({
    probe: (listener) => probeHost(access, listener),
    plan: buildPlan,
    request: planRequest(target, common),
    dryRun: options.dryRun,
    probeNames: PROBE_NAMES,
    clock: { now: () => Date.now() },
  });
  const app = renderApp(store);
  void store.getState().actions.startProbe();
  const exit = await app.waitUntilExit();
  return exit?.code ?? EXIT.ok;
}
