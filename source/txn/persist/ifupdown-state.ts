/**
 * ifupdown 0.8's record of what is up, in /run/network (its --state-dir default): one
 * "IFACE=LOGICAL" line per interface in `ifstate`, which ifquery --state and ifdown read, and one
 * `ifstate.IFACE` file holding "LOGICAL". ifup and ifdown edit them under `.ifstate.lock` (flock),
 * and so does this, through the Runner (no shell: `flock LOCK tee|sed ...` with the text on stdin),
 * so in the lab the edits land in the host namespace's private /run/network.
 *
 * Recording by hand is for a bridge whose configuration is already in place: ifup would run
 * `ip addr add` for a static address the bridge already holds, fail on "Address already
 * assigned", and record nothing (seen in the lab).
 */
import { join } from 'node:path';
import type { Runner, RunResult } from '../../system/runner.js';

export const IFSTATE_DIR = '/run/network';

/**
 * ifupdown's state directory for the root the tool works on: under --root-dir, never this
 * machine's own /run/network (a lab or scratch root must not edit the real host's ifupdown state).
 * Passed to ifup/ifquery as --state-dir too, so they read and write the same place.
 */
export function ifstateDir(rootDir: string): string {
  return join(rootDir, IFSTATE_DIR);
}

export async function recordUp(runner: Runner, dir: string, ifname: string): Promise<RunResult> {
  const lock = join(dir, '.ifstate.lock');
  const line = await runner.run(['flock', lock, 'tee', '-a', join(dir, 'ifstate')], {
    input: `${ifname}=${ifname}\n`,
  });
  if (line.exitCode !== 0) return line;
  return runner.run(['flock', lock, 'tee', join(dir, `ifstate.${ifname}`)], { input: `${ifname}\n` });
}

export async function forget(runner: Runner, dir: string, ifname: string): Promise<RunResult> {
  // The name is a checked interface name, but one may hold characters a sed regex reads specially.
  const pattern = ifname.replace(/[\\/.*[\]^$]/g, '\\$&');
  const edit = await runner.run([
    'flock',
    join(dir, '.ifstate.lock'),
    'sed',
    '-i',
    '-e',
    `/^${pattern}=/d`,
    join(dir, 'ifstate'),
  ]);
  if (edit.exitCode !== 0) return edit;
  return runner.run(['rm', '-f', '--', join(dir, `ifstate.${ifname}`)]);
}

/** ifquery --state's answer for one interface: "IFACE=LOGICAL" when ifupdown counts it as up. */
export async function isRecordedUp(
  runner: Runner,
  dir: string,
  interfaces: string,
  ifname: string,
): Promise<boolean> {
  const state = await runner.run(['ifquery', '--state', '--state-dir', dir, '-i', interfaces, ifname]);
  return state.stdout.split('\n').includes(`${ifname}=${ifname}`);
}
