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
 * A reboot: every process in the host namespace ends, the bridge and every other device the
 * migration made go, the uplink is put back as a fresh boot finds it (down, no address, no master,
 * addrgenmode eui64, which bridge-utils sets to none on a port), and a new keeper starts from the
 * same ROOT. lab.rebootHost() (a fresh namespace with the same uplink name and MAC) is used when
 * the lab has it.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Lab, LabProcess } from '../../../source/lab/index.js';
import { waitFor } from '../../../source/lab/wait.js';
import { silentLog } from '../../../source/system/debug-log.js';
import { createExecRunner } from '../../../source/system/exec-runner.js';
import { expectSuccess, type Runner, type RunResult } from '../../../source/system/runner.js';

const KEEPER_SCRIPT = `set -e
mount -t tmpfs -o mode=0755 tmpfs /run
mkdir -p /run/network
mount --bind "$1/var/lib/dhcp" /var/lib/dhcp
exec sleep 1800
`;

export interface IfupdownMachine {
  readonly root: string;
  readonly interfaces: string;
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
  const runner: Runner = {
    async run(argv, options) {
      const result = await exec.run(['nsenter', '-t', String(keeper.pid), '-m', '-n', ...argv], options);
      return { ...result, argv: [...argv] };
    },
  };
  const interfaces = join(root, 'etc/network/interfaces');
  return {
    root,
    interfaces,
    runner,
    exec: (argv, timeoutMs) => runner.run(argv, { timeoutMs }),
    boot: () => runner.run(['ifup', '-a', '-i', interfaces], { timeoutMs: 70_000 }),
    async stop() {
      await lab.stop(keeper);
    },
  };
}

/** Ends the machine and gives the lab a host namespace as a fresh boot finds it (see the top). */
export async function rebootHost(lab: Lab, machine: IfupdownMachine): Promise<void> {
  await machine.stop();
  const reboot = (lab as Lab & { rebootHost?: () => Promise<void> }).rebootHost;
  if (reboot) return reboot.call(lab);
  const host = lab.ns.host;
  const root = createExecRunner(silentLog);
  // ifup's DHCP client daemonized out of the keeper: end it (and anything else there) by pid.
  const pids = expectSuccess(await root.run(['ip', 'netns', 'pids', host]))
    .stdout.split(/\s+/)
    .filter(Boolean);
  for (const pid of pids) await root.run(['kill', '-KILL', pid]);
  const links = JSON.parse(
    expectSuccess(await root.run(['ip', '-n', host, '-j', 'link', 'show'])).stdout,
  ) as Array<{
    ifname: string;
  }>;
  for (const { ifname } of links) {
    if (ifname !== 'lo' && ifname !== lab.uplink)
      expectSuccess(await root.run(['ip', '-n', host, 'link', 'del', ifname]));
  }
  for (const args of [
    ['link', 'set', lab.uplink, 'nomaster'],
    ['link', 'set', lab.uplink, 'down'],
    ['addr', 'flush', 'dev', lab.uplink],
    ['link', 'set', lab.uplink, 'addrgenmode', 'eui64'],
  ]) {
    expectSuccess(await root.run(['ip', '-n', host, ...args]));
  }
}
