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
const LOCK = join(IFSTATE_DIR, '.ifstate.lock');
const IFSTATE = join(IFSTATE_DIR, 'ifstate');

export async function recordUp(runner: Runner, ifname: string): Promise<RunResult> {
  const line = await runner.run(['flock', LOCK, 'tee', '-a', IFSTATE], { input: `${ifname}=${ifname}\n` });
  if (line.exitCode !== 0) return line;
  return runner.run(['flock', LOCK, 'tee', join(IFSTATE_DIR, `ifstate.${ifname}`)], { input: `${ifname}\n` });
}

export async function forget(runner: Runner, ifname: string): Promise<RunResult> {
  // The name is a checked interface name, but one may hold characters a sed regex reads specially.
  const pattern = ifname.replace(/[\\/.*[\]^$]/g, '\\$&');
  const edit = await runner.run(['flock', LOCK, 'sed', '-i', '-e', `/^${pattern}=/d`, IFSTATE]);
  if (edit.exitCode !== 0) return edit;
  return runner.run(['rm', '-f', '--', join(IFSTATE_DIR, `ifstate.${ifname}`)]);
}

/** ifquery --state's answer for one interface: "IFACE=LOGICAL" when ifupdown counts it as up. */
export async function isRecordedUp(runner: Runner, interfaces: string, ifname: string): Promise<boolean> {
  const state = await runner.run(['ifquery', '--state', '-i', interfaces, ifname]);
  return state.stdout.split('\n').includes(`${ifname}=${ifname}`);
}
