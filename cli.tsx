#!/usr/bin/env node
/**
 * bridge-migrate: parse the command line, build the dependencies, then render the TUI or run a
 * headless command. Every failure ends here as one line with the fix and a contract exit code.
 */
import { Command, CommanderError, Option } from 'commander';
import { runCaptureCommand } from './source/cli/capture-command.js';
import { describeError, EXIT } from './source/cli/errors.js';
import { openHostAccess } from './source/cli/host-access.js';
import { runInteractive } from './source/cli/interactive.js';
import { parseCommon, parseTarget } from './source/cli/options.js';
import { type Output, runPlanCommand } from './source/cli/plan-command.js';
import { chooseGlyphs } from './source/ui/glyphs.js';

const out: Output = {
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
};

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
      const common = parseCommon(raw);
      const target = parseTarget(raw);
      const access = await openHostAccess(common, process.env);
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
      const common = parseCommon(raw);
      const target = parseTarget(raw);
      const access = await openHostAccess(common, process.env);
      exitCode = await runPlanCommand(
        access,
        target,
        common,
        { json: Boolean(raw.json), ascii: chooseGlyphs(process.env).ascii },
        out,
      );
    });

  addCommon(
    program
      .command('capture')
      .description("record this host's probe outputs as one JSON document (for --replay)"),
  )
    .option('-o, --out <file>', 'write the document to FILE (default: stdout)')
    .option('--name <name>', 'short name for the recording', 'captured host')
    .option('--description <text>', 'what this host is', '')
    .action(async (raw) => {
      const common = parseCommon(raw);
      const access = await openHostAccess({ ...common, replay: null }, process.env);
      exitCode = await runCaptureCommand(
        access,
        { out: raw.out ?? null, name: raw.name, description: raw.description },
        out,
      );
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
