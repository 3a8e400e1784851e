/**
 * What an ifupdown lab machine (ifupdown-machine.ts) looks like from inside: its IPv4 addresses,
 * links, default routes, ifupdown's state and the DHCP client ifupdown runs on an interface, each
 * read inside the machine (its private /run holds the state and the clients' pid files).
 */
import { expectSuccess } from '../../../source/system/runner.js';
import type { IfupdownMachine } from './ifupdown-machine.js';

export interface Address {
  local: string;
  prefixlen: number;
  valid_life_time: number;
}

async function json<T>(machine: IfupdownMachine, argv: string[]): Promise<T> {
  return JSON.parse(expectSuccess(await machine.exec(argv)).stdout) as T;
}

export async function ipv4(machine: IfupdownMachine, dev: string): Promise<Address[]> {
  const links = await json<Array<{ addr_info: Address[] }>>(machine, [
    'ip',
    '-j',
    '-4',
    'addr',
    'show',
    'dev',
    dev,
  ]);
  return links[0]?.addr_info ?? [];
}

export async function link(machine: IfupdownMachine, dev: string) {
  const links = await json<
    Array<{
      address: string;
      master?: string;
      linkinfo?: { info_kind?: string; info_data?: { stp_state?: number; forward_delay?: number } };
    }>
  >(machine, ['ip', '-j', '-d', 'link', 'show', 'dev', dev]);
  return links[0];
}

export async function defaultDev(machine: IfupdownMachine): Promise<string[]> {
  const routes = await json<Array<{ dev: string }>>(machine, ['ip', '-j', '-4', 'route', 'show', 'default']);
  return routes.map((route) => route.dev);
}

/** `ifquery --state`: "IFACE=LOGICAL" for each interface ifupdown counts as up, sorted. */
export async function ifstate(machine: IfupdownMachine): Promise<string[]> {
  return (await machine.exec(['ifquery', '--state', '-i', machine.interfaces])).stdout
    .trim()
    .split('\n')
    .sort();
}

/** ifupdown's client on `dev`, as its pid file names it: its argv, or null when none runs. */
export async function ifupdownClient(machine: IfupdownMachine, dev: string): Promise<string[] | null> {
  for (const program of ['dhclient', 'udhcpc']) {
    const pid = await machine.exec(['cat', `/run/${program}.${dev}.pid`]);
    if (pid.exitCode !== 0) continue;
    const cmdline = await machine.exec(['cat', `/proc/${pid.stdout.trim()}/cmdline`]);
    // A killed client may stay a zombie (this machine's PID 1 need not reap): no argv, no client.
    const argv = cmdline.stdout.split('\0').filter(Boolean);
    if (cmdline.exitCode === 0 && argv.length > 0) return argv;
  }
  return null;
}
