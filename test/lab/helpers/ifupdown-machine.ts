/**
 * The lab host namespace as a Debian machine run by ifupdown (shared notes, lab-recipes.md
 * "ifupdown"): a keeper process holds a private mount namespace inside the host namespace with a
 * fresh tmpfs on /run (ifupdown's /run/network state and its clients' pid files,
 * /run/dhclient.IFACE.pid, stay there and vanish at "reboot"), and ROOT/var/lib/dhcp bound on
 * /var/lib/dhcp (dhclient's lease files and DUID, which a real disk keeps across a reboot).
 * Everything the test runs "on the machine" enters it with `nsenter -t KEEPER -m -n`; /etc is the
 * machine's except resolv.conf (the lab's /etc/netns file, so a client script writes that one),
 * and ifupdown reads its config with `-i ROOT/etc/network/interfaces`.
 *
 * A reboot (rebootHost below) ends it and starts a new one from the same ROOT.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Lab, LabOptions, LabProcess } from '../../../source/lab/index.js';
import { waitFor } from '../../../source/lab/wait.js';
import { silentLog } from '../../../source/system/debug-log.js';
import { createExecRunner } from '../../../source/system/exec-runner.js';
import { expectSuccess, type Runner, type RunResult } from '../../../source/system/runner.js';
import { type CliRun, requireBuiltCli, runCliAfter } from './guardian-cli.js';
import { withLab } from './lab-state.js';

// The CLI runs with --root-dir ROOT and keeps ifupdown's state in ROOT/run/network (never this
// machine's /run/network); the machine's own ifup reads /run/network. One is bound over the other,
// as on a real host where the root is /, and emptied at each boot because /run is volatile.
const KEEPER_SCRIPT = `set -e
mount -t tmpfs -o mode=0755 tmpfs /run
rm -rf "$1/run/network"
mkdir -p "$1/run/network" /run/network
mount --bind "$1/run/network" /run/network
mount --bind "$1/var/lib/dhcp" /var/lib/dhcp
exec sleep 1800
`;

export interface IfupdownMachine {
  readonly root: string;
  readonly interfaces: string;
  /** `nsenter -t KEEPER -m -n`: prepend to run a program inside the machine (the built CLI). */
  readonly prefix: readonly string[];
  /** Runs inside the machine (its mount namespace and the host's network namespace). */
  readonly runner: Runner;
  exec(argv: readonly string[], timeoutMs?: number): Promise<RunResult>;
  /** `ifup -a -i ROOT/etc/network/interfaces`: what the boot runs. */
  boot(): Promise<RunResult>;
  stop(): Promise<void>;
}

export function writeRoot(root: string, interfaces: string): void {
  mkdirSync(join(root, 'etc/network'), { recursive: true });
  mkdirSync(join(root, 'var/lib/dhcp'), { recursive: true });
  writeFileSync(join(root, 'etc/network/interfaces'), interfaces);
}

export async function startIfupdownMachine(lab: Lab, root: string): Promise<IfupdownMachine> {
  const keeper: LabProcess = await lab.spawn(
    lab.ns.host,
    ['unshare', '-m', '--propagation', 'private', 'sh', '-c', KEEPER_SCRIPT, 'keeper', root],
    { label: 'ifupdown-machine' },
  );
  await waitFor('the machine keeper', { attempts: 50, intervalMs: 50, timeoutMs: 5_000 }, async (problem) => {
    if (keeper.hasExited()) throw new Error(`keeper exited: ${keeper.readLog().trim()}`);
    const args = await lab.exec(lab.ns.host, ['cat', `/proc/${keeper.pid}/cmdline`], { check: false });
    return args.stdout.startsWith('sleep\0') ? true : problem('keeper still mounting');
  });
  // The keeper was started by `ip netns exec`, so its mount namespace also has the lab's resolv.conf.
  const exec = createExecRunner(silentLog);
  const prefix = ['nsenter', '-t', String(keeper.pid), '-m', '-n'];
  const runner: Runner = {
    async run(argv, options) {
      const result = await exec.run([...prefix, ...argv], options);
      return { ...result, argv: [...argv] };
    },
  };
  const interfaces = join(root, 'etc/network/interfaces');
  return {
    root,
    interfaces,
    prefix,
    runner,
    exec: (argv, timeoutMs) => runner.run(argv, { timeoutMs }),
    boot: () => runner.run(['ifup', '-a', '-i', interfaces], { timeoutMs: 70_000 }),
    async stop() {
      await lab.stop(keeper);
    },
  };
}

/**
 * A reboot: the machine's processes end (its keeper, and the DHCP client ifup left running in
 * its mount namespace), then lab.rebootHost() gives a fresh host namespace with the same uplink
 * name and MAC on the same switch. Start a new machine from the same ROOT to boot it.
 */
export async function rebootHost(lab: Lab, machine: IfupdownMachine): Promise<void> {
  await machine.stop();
  await lab.rebootHost();
}

/**
 * A lab whose host is an ifupdown machine booted from `interfaces` under a fresh ROOT (removed
 * afterwards). The lab's own address on the uplink is flushed first, so ifupdown's client takes
 * the first lease. `cli` runs the built CLI inside the machine that is current when it is called,
 * with --root-dir ROOT and a state directory in the lab's dir.
 */
export async function withIfupdownHost(
  options: LabOptions,
  interfaces: string,
  body: (host: {
    lab: Lab;
    root: string;
    machine: IfupdownMachine;
    stateDir: string;
    cli(machine: IfupdownMachine, ...args: string[]): Promise<CliRun>;
  }) => Promise<void>,
): Promise<void> {
  requireBuiltCli();
  const root = mkdtempSync(join(tmpdir(), 'bm-ifupdown-root-'));
  try {
    await withLab(options, async (lab) => {
      expectSuccess(await lab.exec(lab.ns.host, ['ip', 'addr', 'flush', 'dev', lab.uplink]));
      writeRoot(root, interfaces);
      const machine = await startIfupdownMachine(lab, root);
      expectSuccess(await machine.boot());
      const stateDir = join(lab.dir, 'state');
      const cli = (current: IfupdownMachine, ...args: string[]) =>
        runCliAfter(current.prefix, [...args, '--root-dir', root, '--state-dir', stateDir], {
          env: { SSH_CONNECTION: '' },
          timeoutMs: 180_000,
        });
      await body({ lab, root, machine, stateDir, cli });
    });
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}
