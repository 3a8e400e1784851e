#!/usr/bin/env node
/**
 * bridge-migrate: parse the command line, build the dependencies, then render the TUI or run a
 * headless command. Every failure ends here as one line with the fix and a contract exit code.
 */
// First: decides Ink's CI mode before Ink is imported (see the module).
import './source/cli/terminal-env.js';
import { Command, CommanderError, Option } from 'commander';
import { runApplyCommand } from './source/cli/apply-command.js';
import { runCaptureCommand } from './source/cli/capture-command.js';
import {
  type CommandDeps,
  operatorCommands,
  realCommandDeps,
  selfCommand,
} from './source/cli/command-deps.js';
import { runConfirmCommand } from './source/cli/confirm-command.js';
import { describeError, EXIT } from './source/cli/errors.js';
import { runGuardCommand } from './source/cli/guard-command.js';
import { openHostAccess } from './source/cli/host-access.js';
import { runInteractive } from './source/cli/interactive.js';
import { runLabCommand } from './source/cli/lab-command.js';
import { type CommonOptions, parseCommon, parseTarget } from './source/cli/options.js';
import { runPlanCommand } from './source/cli/plan-command.js';
import { runRearmCommand } from './source/cli/rearm-command.js';
import { runRollbackCommand } from './source/cli/rollback-command.js';
import { runStatusCommand } from './source/cli/status-command.js';
import type { Output } from './source/cli/terminal-output.js';
import { terminalOutput } from './source/cli/terminal-output.js';
import { commandLine, type OperatorCommands } from './source/plan/operator-commands.js';
import { chooseGlyphs } from './source/ui/glyphs.js';

// Every headless line is made safe for the terminal on its way out (cli/terminal-output.ts).
const out: Output = terminalOutput({
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
});

const EXIT_CODES = `
Exit codes: 0 done, 1 refused before any change (nothing changed), 2 usage,
3 reverted (the host is back to its pre-state), 4 revert incomplete (manual commands printed).`;

/**
 * The commands `--help` names, for the --state-dir and --root-dir given before --help (commander
 * has parsed those by then). The lab's namespace is not looked up for a help text.
 */
function helpCommands(command: Command): OperatorCommands {
  let common: CommonOptions;
  try {
    common = parseCommon(command.opts());
  } catch {
    common = parseCommon({});
  }
  return operatorCommands({ ...common, program: selfCommand() });
}

/** The host access and the headless commands' dependencies for one invocation. */
async function headless(
  raw: Record<string, unknown>,
  purpose: string,
): Promise<{ common: CommonOptions; deps: CommandDeps }> {
  const parsed = parseCommon(raw);
  const access = await openHostAccess(parsed, process.env);
  // Suggested commands must act where this one did (the lab's namespace): see CommandPlace.
  const common = { ...parsed, netns: access.netns ?? null, program: selfCommand() };
  const glyphs = chooseGlyphs(process.env);
  return {
    common,
    deps: realCommandDeps(access, common, { purpose, glyphs, out }),
  };
}

function addCommon(command: Command): Command {
  return command
    .option('--state-dir <dir>', 'where the journal and logs live', '/var/lib/bridge-migrate')
    .option('--root-dir <dir>', 'where /etc/netplan etc. are read and written', '/')
    .addOption(
      new Option('--persist <renderer>', 'which renderer persists the change').choices([
        'auto',
        'netplan',
        'networkmanager',
        'ifupdown',
        'none',
      ]),
    )
    .option(
      '--replay <file>',
      'probe a recorded host (a `capture` document) instead of this one; implies no changes',
    )
    .option('--log <file>', 'debug log of every command run (default: STATE_DIR/debug.log when it exists)');
}

function addTarget(command: Command): Command {
  return command
    .option('--nic <if>', "uplink to move into the bridge (default: the default route's interface)")
    .option('--bridge <name>', 'bridge to create or reuse', 'fcbr0')
    .option('--timeout <s>', 'dead-man deadline in seconds', '120');
}

async function main(argv: string[]): Promise<number> {
  let exitCode: number = EXIT.ok;
  const program = new Command('bridge-migrate')
    .description(
      'Move the uplink NIC into a bridge so VMs on TAP devices sit on the LAN, with a preview and a dead-man revert.',
    )
    .showHelpAfterError('(run with --help for usage)')
    .enablePositionalOptions()
    .exitOverride()
    .configureOutput({ writeOut: out.stdout, writeErr: out.stderr });

  addCommon(addTarget(program))
    .option('--dry-run', 'probe and preview the plan; change nothing')
    .action(async (raw) => {
      const parsed = parseCommon(raw);
      const target = parseTarget(raw);
      const access = await openHostAccess(parsed, process.env);
      const common = { ...parsed, netns: access.netns ?? null, program: selfCommand() };
      exitCode = await runInteractive(
        access,
        target,
        common,
        { dryRun: Boolean(raw.dryRun) || access.replay !== null },
        out,
      );
    });

  addCommon(addTarget(program.command('plan').description('print the plan and change nothing')))
    .option('--json', 'print the whole plan as JSON (verdicts, steps with argv and inverses, config diffs)')
    .action(async (raw) => {
      const parsed = parseCommon(raw);
      const target = parseTarget(raw);
      const access = await openHostAccess(parsed, process.env);
      const common = { ...parsed, netns: access.netns ?? null, program: selfCommand() };
      exitCode = await runPlanCommand(
        access,
        target,
        common,
        { json: Boolean(raw.json), ascii: chooseGlyphs(process.env).ascii },
        out,
      );
    });

  addCommon(
    addTarget(
      program
        .command('apply')
        .description(
          'apply the plan without prompts: arm the guardian, run and verify each step, leave the change pending until `confirm`',
        ),
    ),
  )
    .option('--yes', 'required: apply without asking (warnings are accepted; blockers still refuse)')
    .addHelpText(
      'after',
      ({ command }) => `
Progress goes to stderr. Once applied and verified, stdout shows the deadline and the exact
commands to confirm (\`${commandLine(helpCommands(command).confirm)}\`) or roll back (\`${commandLine(helpCommands(command).rollback)}\`).
Exit 0: applied and pending. 1: refused (not root, a blocker, another migration pending; each
printed with its fix), nothing changed. 2: usage (e.g. no --yes). 3: a step or check failed and the
change was reverted. 4: the revert is incomplete; the commands to finish by hand are printed.`,
    )
    .action(async (raw) => {
      const target = parseTarget(raw);
      const { common, deps } = await headless(raw, 'apply');
      exitCode = await runApplyCommand(deps, target, common, { yes: Boolean(raw.yes) });
    });

  addCommon(program.command('rollback').description('revert the pending change now, from the journal'))
    .option('--yes', 'do not ask (required when stdin is not a terminal)')
    .addHelpText(
      'after',
      `
Works from any session, also after the process that applied the change is gone. Root only.
Without --yes it asks y/N on the terminal. Prints what was reverted, the comparison with the
pre-state and, if anything is left, the commands to finish by hand.
Exit 3: reverted, the host matches its pre-state (the contract's code for every revert, the
operator's own included). 4: revert incomplete. 1: refused, nothing changed (not root, nothing
pending, answered no). 2: usage (no --yes and no terminal, or a --state-dir that does not exist).`,
    )
    .action(async (raw) => {
      const { common, deps } = await headless(raw, 'rollback');
      exitCode = await runRollbackCommand(deps, common, { yes: Boolean(raw.yes) });
    });

  addCommon(
    program.command('confirm').description('keep the pending change (best run from a new SSH session)'),
  )
    .addHelpText(
      'after',
      `
Root only. Marks the change confirmed, then writes the renderer's config (the parts are printed as
they run: check, back up, write, hand over, verify) under the guardian with a fresh deadline; any
failure there restores every file exactly and reverts the change. With nothing to write
(--persist none, or no renderer it can write for) the change is finished at runtime only, and a
reboot brings back the old network.
Exit 0: confirmed (and written when there was config to write). 1: refused, nothing changed (not
root, nothing awaiting confirmation, deadline passed). 3: writing the config failed, the files were
restored and the change reverted. 4: that revert is incomplete (status says what is left).
2: the --state-dir given does not exist.`,
    )
    .action(async (raw) => {
      const { common, deps } = await headless(raw, 'confirm');
      exitCode = await runConfirmCommand(deps, common);
    });

  addCommon(
    program
      .command('status')
      .description('mode (nat|bridged|none), the pending change, its deadline, the guardian, the lock'),
  )
    .option('--json', 'print the status as JSON')
    .addHelpText(
      'after',
      `
Changes nothing. Reads the journal without root when the state directory is readable.
Exit 0: reported. 1: part could not be read (the report says how to run it, e.g. with sudo), or the
state directory or journal is not root's alone (0700 / 0600, no symlinks; one line says the fix).
2: the --state-dir given does not exist (a typo, or another host's path).${EXIT_CODES}`,
    )
    .action(async (raw) => {
      const { common, deps } = await headless(raw, 'status');
      exitCode = await runStatusCommand(deps, common, { json: Boolean(raw.json) });
    });

  addCommon(
    program
      .command('capture')
      .description("record this host's probe outputs as one JSON document (for --replay)"),
  )
    .option('-o, --out <file>', 'write the document to FILE (default: stdout)')
    .option('--name <name>', 'short name for the recording', 'captured host')
    .option('--description <text>', 'what this host is', '')
    .addHelpText(
      'after',
      `
The document holds this host's config files, addresses and process lists with their command
lines: treat it as sensitive (-o writes it mode 0600). Exit 2: -o names a directory that does not exist.`,
    )
    .action(async (raw) => {
      const common = parseCommon(raw);
      const access = await openHostAccess({ ...common, replay: null }, process.env);
      exitCode = await runCaptureCommand(
        access,
        { out: raw.out ?? null, name: raw.name, description: raw.description },
        out,
      );
    });

  program
    .command('lab')
    .description(
      'rehearse the whole migration in network namespaces on this machine (root; changes nothing outside them)',
    )
    .option('--static', 'give the lab host a static address instead of DHCP')
    .option('--bridge <name>', 'bridge to create', 'fcbr0')
    .option('--timeout <s>', 'dead-man deadline in seconds', '120')
    .option('--dry-run', 'preview only')
    .action(async (raw) => {
      const target = parseTarget(raw);
      exitCode = await runLabCommand(
        {
          static: Boolean(raw.static),
          timeoutSec: target.timeoutSec,
          dryRun: Boolean(raw.dryRun),
          bridge: target.bridge,
          selfArgv: [process.execPath, process.argv[1] ?? 'dist/cli.js'],
          program: selfCommand(),
        },
        out,
      );
    });

  // The dead-man guardian that `apply` starts outside the operator's session; with --rearm, the
  // operator's way to start a new one when the pending change's guardian is gone.
  program
    .command('guard')
    .description(
      'the dead-man guardian (apply starts it); --rearm starts a new one for a pending change whose guardian is gone',
    )
    .option('--rearm', 'start a new guardian for the same journal and deadline (reverts now if it passed)')
    .option('--state-dir <dir>', 'state directory of the pending change', '/var/lib/bridge-migrate')
    .option('--root-dir <dir>', 'root of the configuration files', '/')
    .option('--log <file>', 'debug log')
    .option('--unit <name>', 'transient unit name, when started by systemd-run')
    .addHelpText(
      'after',
      `
Without --rearm this runs the guardian itself, in the foreground: apply does that, not an operator.
guard --rearm: root only. Exit 0: re-armed (the deadline is the journal's, unchanged). 3/4: the
deadline had passed, so the change was reverted now (4: incomplete, commands printed). 1: refused,
nothing changed (nothing pending, or its guardian is alive).`,
    )
    .action(async (raw) => {
      if (raw.rearm) {
        const { common, deps } = await headless(raw, 'guard --rearm');
        exitCode = await runRearmCommand(deps, common);
        return;
      }
      const { stateDir, rootDir, log } = parseCommon(raw);
      exitCode = await runGuardCommand({ stateDir, rootDir, log, unit: raw.unit ?? null }, process.env);
    });

  try {
    await program.parseAsync(argv, { from: 'user' });
  } catch (error) {
    if (error instanceof CommanderError) {
      // --help and --version are "errors" to commander; they exit 0.
      return error.exitCode === 0 ? EXIT.ok : EXIT.usage;
    }
    const { line, exitCode: code } = describeError(error);
    out.stderr(`bridge-migrate: ${line}\n`);
    return code;
  }
  return exitCode;
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error) => {
    process.stderr.write(`bridge-migrate: ${describeError(error).line}\n`);
    process.exitCode = EXIT.refused;
  },
);
