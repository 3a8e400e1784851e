/**
 * The interactive command: a pending migration found in the journal first (recovery), otherwise
 * probe with spinners, the plan preview, then apply, verify and the countdown through the engine.
 * When stdin is not a terminal there is no one to press keys: print the plan as text instead,
 * and refuse an interactive apply with a pointer to `apply --yes`.
 */
import { PROBE_NAMES, probeHost } from '../host/probe.js';
import { buildPlan } from '../plan/build.js';
import { commandLine } from '../plan/operator-commands.js';
import { createAppStore } from '../store/app-store.js';
import { UntrustedPath } from '../system/trusted-path.js';
import { renderApp } from '../ui/app.js';
import { chooseGlyphs } from '../ui/glyphs.js';
import { renderPlanText } from '../ui/plan-text.js';
import { applyCommand, realCommandDeps, withPendingMigration } from './command-deps.js';
import { EXIT } from './errors.js';
import { type HostAccess, replaySource } from './host-access.js';
import type { CommonOptions, TargetOptions } from './options.js';
import { probeAndPlan } from './plan-command.js';
import { installShutdown } from './shutdown.js';
import { planRequest } from './target.js';
import type { Output } from './terminal-output.js';
import { tuiMigration } from './tui-migration.js';

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
      `bridge-migrate: stdin is not a terminal, so the interactive apply is refused; run \`${commandLine(applyCommand(common, target))}\` to apply without prompts\n`,
    );
    return EXIT.refused;
  }
  const glyphs = chooseGlyphs(process.env);
  const deps = realCommandDeps(access, common, { purpose: 'tui', glyphs, out });
  if (!options.dryRun) {
    // A state directory or journal that is not root's alone is refused before the TUI starts, as
    // every headless command refuses it: one line with the fix, exit 1 (system/trusted-path.ts).
    await deps.journal.load(common.stateDir).catch((error: unknown) => {
      if (error instanceof UntrustedPath) throw error;
    });
  }
  const store = createAppStore({
    probe: async (listener) => withPendingMigration(await probeHost(access, listener), deps, common.stateDir),
    plan: buildPlan,
    request: planRequest(target, common, replaySource(access, common)),
    dryRun: options.dryRun,
    probeNames: PROBE_NAMES,
    clock: { now: () => Date.now() },
    commands: deps.commands,
    // A dry run (and a replay, which implies one) gets no engine at all: it cannot apply, and it
    // does not offer recovery (the preview's blocker still names a pending migration).
    ...(options.dryRun ? {} : { migration: tuiMigration(deps, common, target.timeoutSec, access.files) }),
  });
  const app = renderApp(store);
  const stop = installShutdown({
    signals: process,
    stdin: process.stdin,
    stdout: process.stdout,
    unmount: () => app.unmount(),
    exit: (code) => process.exit(code),
    note: (message) => access.log.note(message),
  });
  void store.getState().actions.open();
  try {
    const exit = await app.waitUntilExit();
    return exit?.code ?? EXIT.ok;
  } finally {
    stop.dispose();
  }
}
