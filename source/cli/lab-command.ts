/**
 * `bridge-migrate lab`: rehearse the whole migration on this machine without touching it. Builds
 * the namespace lab (a router with dnsmasq, a host whose ens18 gets its address by DHCP, a peer
 * playing the operator's laptop), runs this same program's TUI inside the host namespace with the
 * operator's terminal, and tears the lab down when the TUI exits (or on Ctrl-C / SIGTERM).
 */
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { createLab, type Lab } from '../lab/index.js';
import { commandLine, DEFAULT_STATE_DIR, type ExecCommand, toolCommand } from '../plan/operator-commands.js';
import { runAttached } from '../system/attached-child.js';
import { Refused } from './errors.js';
import { DEFAULT_BRIDGE, DEFAULT_TIMEOUT_SEC } from './options.js';
import type { Output } from './terminal-output.js';

export interface LabCommandOptions {
  static: boolean;
  timeoutSec: number;
  dryRun: boolean;
  bridge: string;
  /** [process.execPath, path of this cli.js]: how to run the TUI inside the namespace. */
  selfArgv: string[];
  /** How the operator starts this tool (command-deps.ts selfCommand), for the commands it is told. */
  program: readonly string[];
  /** Effective uid; default this process's. */
  uid?: number;
}

/** `lab` again with the options the operator gave: what a refusal tells them to run. */
export function labCommand(options: LabCommandOptions): ExecCommand {
  return toolCommand({ stateDir: DEFAULT_STATE_DIR, program: options.program }, 'lab', [
    ...(options.static ? ['--static'] : []),
    ...(options.bridge === DEFAULT_BRIDGE ? [] : ['--bridge', options.bridge]),
    ...(options.timeoutSec === DEFAULT_TIMEOUT_SEC ? [] : ['--timeout', String(options.timeoutSec)]),
    ...(options.dryRun ? ['--dry-run'] : []),
  ]);
}

export async function runLabCommand(options: LabCommandOptions, out: Output): Promise<number> {
  if ((options.uid ?? process.getuid?.()) !== 0) {
    throw new Refused(
      'the lab creates network namespaces, which needs root',
      `run it as root: sudo ${commandLine(labCommand(options))}`,
    );
  }
  out.stderr('building the lab (namespaces, dnsmasq, DHCP)…\n');
  const lab = await createLab({
    dns: true,
    host: options.static
      ? { kind: 'static', addresses: ['198.51.100.240/24'] }
      : { kind: 'dhcp', keepClient: true, leaseLifetimes: true },
  });
  try {
    out.stderr(describeLab(lab));
    const stateDir = join(lab.dir, 'state');
    const rootDir = join(lab.dir, 'root');
    await mkdir(rootDir, { recursive: true });
    const argv = [
      'ip',
      'netns',
      'exec',
      lab.ns.host,
      ...options.selfArgv,
      '--nic',
      lab.uplink,
      '--bridge',
      options.bridge,
      '--timeout',
      String(options.timeoutSec),
      '--state-dir',
      stateDir,
      '--root-dir',
      rootDir,
      ...(options.dryRun ? ['--dry-run'] : []),
    ];
    // The peer plays the operator's laptop: the TUI sees an SSH session arriving over ens18, as
    // on a real remote host, so its warnings and peer check are the ones an operator would get.
    const env = { ...process.env, SSH_CONNECTION: `${lab.peerAddress} 50022 ${lab.hostAddress} 22` };
    return await runAttached(argv, env);
  } finally {
    const report = await lab.teardown();
    out.stderr(
      `lab removed: ${report.namespacesDeleted.length} namespaces, ${report.processesStopped} processes` +
        (report.problems.length > 0 ? `; problems: ${report.problems.join('; ')}` : '') +
        '\n',
    );
    // Without a terminal the TUI printed the plan and its commands, which name the lab's
    // namespace (`ip netns exec ...`): gone now, so they fail instead of acting on this host.
    if (!process.stdin.isTTY) {
      out.stderr(
        `the commands above name the lab's namespace ${lab.ns.host}, which is gone now; run \`${commandLine(labCommand(options))}\` on a terminal to rehearse\n`,
      );
    }
  }
}

function describeLab(lab: Lab): string {
  return [
    `lab ${lab.prefix}:`,
    `  router  ${lab.gateway} (namespace ${lab.ns.router}: bridge "lan", dnsmasq DHCP)`,
    `  host    ${lab.uplink} ${lab.hostAddress} (namespace ${lab.ns.host}) — the TUI runs here`,
    `  peer    ${lab.peerAddress} (namespace ${lab.ns.peer}) — plays your laptop`,
    `  inspect from another terminal: ip netns exec ${lab.ns.host} ip addr`,
    '',
  ].join('\n');
}
