/**
 * What every lab "machine" (networkd-machine.ts, networkmanager-machine.ts) starts the same way: a
 * keeper process whose private mount namespace is the machine (it runs the machine's mount script,
 * writes ROOT/machine.ready, then sleeps), commands run inside it with `nsenter -m`, and the
 * machine's own system D-Bus. Everything is started through lab.spawn, so the lab ends it by pid.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { RunResult } from '../system/runner.js';
import type { LabProcess } from './processes.js';
import type { ExecOptions, Lab } from './types.js';
import { waitFor } from './wait.js';

const READY = { attempts: 100, intervalMs: 50, timeoutMs: 5_000 };
const BUS_READY = { attempts: 100, intervalMs: 50, timeoutMs: 5_000 };

export interface MachineKeeper {
  keeper: LabProcess;
  exec(argv: readonly string[], options?: ExecOptions): Promise<RunResult>;
  spawnInside(argv: readonly string[], label: string): Promise<LabProcess>;
  /** Starts the machine's system bus (dbus-daemon) and waits for its socket. */
  startSystemBus(label: string): Promise<LabProcess>;
}

/** Writes `script` to the lab dir as `scriptName`, runs it with ROOT in the host namespace and waits until it is ready. */
export async function startMachineKeeper(
  lab: Lab,
  options: { root: string; script: string; scriptName: string; label: string },
): Promise<MachineKeeper> {
  const script = join(lab.dir, options.scriptName);
  writeFileSync(script, options.script, { mode: 0o700 });
  const readyFile = join(options.root, 'machine.ready');
  writeFileSync(readyFile, '');
  const keeper = await lab.spawn(lab.ns.host, ['/bin/sh', script, options.root], {
    label: options.label,
    privateMounts: true,
  });
  await waitFor(`the lab ${options.label} to mount its directories`, READY, (problem) => {
    if (keeper.hasExited()) throw new Error(`the machine keeper exited: ${keeper.readLog().trim()}`);
    return readFileSync(readyFile, 'utf8') === 'ready\n' ? true : problem('not ready');
  });

  const inside = (argv: readonly string[]) => ['nsenter', '-t', String(keeper.pid), '-m', ...argv];
  const exec = (argv: readonly string[], execOptions?: ExecOptions) =>
    lab.exec(lab.ns.host, inside(argv), execOptions);
  const spawnInside = (argv: readonly string[], label: string) =>
    lab.spawn(lab.ns.host, inside(argv), { label });

  async function startSystemBus(label: string): Promise<LabProcess> {
    const dbus = await spawnInside(['dbus-daemon', '--system', '--nofork', '--nopidfile'], label);
    await waitFor('the machine system bus', BUS_READY, async (problem) => {
      if (dbus.hasExited()) throw new Error(`dbus-daemon exited: ${dbus.readLog().trim()}`);
      const probe = await exec(['test', '-S', '/run/dbus/system_bus_socket'], { check: false });
      return probe.exitCode === 0 ? true : problem('no bus socket yet');
    });
    return dbus;
  }

  return { keeper, exec, spawnInside, startSystemBus };
}
