/**
 * Stop the DHCP clients that serve the uplink without giving up the lease: the address moves to the
 * bridge with its remaining lifetime, and the renderer takes over renewing it at persist time.
 *
 * How each client is stopped, and why:
 * - udhcpc on SIGTERM just exits ("case SIGTERM: goto ret0"); it releases only when started with
 *   -R/--release (busybox networking/udhcp/dhcpc.c), so TERM unless -R is on its command line;
 * - dhcpcd de-configures the interface when it exits unless run with -p/--persistent (dhcpcd(8));
 * - ISC dhclient's shutdown path (client/dhclient.c: dhcp_set_control_state(server_shutdown) →
 *   do_release) sends DHCPRELEASE and runs dhclient-script RELEASE, which flushes the interface's
 *   addresses and, through resolvconf hooks, its DNS servers;
 *   so both get SIGKILL, the one signal no handler or hook can act on.
 * The step runs before the cutover so that, in reverse, the client is restarted only after its
 * addresses are back on the uplink: a client started earlier could re-add them first and make the
 * cutover's inverse fail on "address already assigned".
 *
 * Only clients in the tool's own network namespace are touched (another host's client may serve
 * an interface of the same name), and only root's running a DHCP client program: a process's argv
 * is its own to write, so a user's process calling itself "dhclient ens18" must never be killed,
 * let alone started again as root by a revert. The revert starts the client by the program the
 * kernel ran (/proc/PID/exe) with its parsed arguments, never by argv[0]. A dhclient or dhcpcd
 * named without an interface manages every interface, the uplink included, so it is stopped too.
 * A client NetworkManager started is left to NetworkManager.
 */
import { isClientExe, restartArgv } from '../../host/parse/dhcp-clients.js';
import type { DhcpClient } from '../../host/snapshot.js';
import { isSignallablePid, type ProcessSignal } from '../../system/process-signal.js';
import { displaySafe } from '../display-text.js';
import { checkedName } from '../names.js';
import { UnplannableValue } from '../tokens.js';
import type { Step } from '../types.js';

/** The clients the plan stops: root's DHCP client programs in our namespace that serve `nic`. */
export function dhcpClientsServing(clients: DhcpClient[], nic: string): DhcpClient[] {
  return namingUplink(clients, nic).filter((client) => whyNotOurs(client) === null);
}

/** Processes in our namespace that look like a client of `nic` but are not ours to stop. */
export function dhcpClientsLeftAlone(clients: DhcpClient[], nic: string): DhcpClient[] {
  return namingUplink(clients, nic).filter((client) => whyNotOurs(client) !== null);
}

function namingUplink(clients: DhcpClient[], nic: string): DhcpClient[] {
  return clients.filter(
    (client) => client.sameNetns && servesInterface(client, nic) && !startedByNetworkManager(client),
  );
}

/**
 * Why a process that calls itself a DHCP client is not one this tool may signal or start again,
 * as the end of a sentence that begins with its name; null when it is: it runs as root (real and
 * effective uid 0) a DHCP client program. A journal written before these facts were recorded has
 * neither, and so nothing in it counts as ours.
 */
export function whyNotOurs(client: DhcpClient): string | null {
  if (typeof client.uid !== 'number' || typeof client.euid !== 'number')
    return `(pid ${client.pid}): who runs it cannot be read from /proc/${client.pid}/status`;
  if (client.uid !== 0 || client.euid !== 0) {
    const euid = client.euid === client.uid ? '' : `, euid ${client.euid}`;
    return `(pid ${client.pid}, uid ${client.uid}${euid}) is not root's`;
  }
  if (typeof client.exe !== 'string')
    return `(pid ${client.pid}): its program cannot be read from /proc/${client.pid}/exe`;
  if (!isClientExe(client.program, client.exe))
    return `(pid ${client.pid}) runs ${displaySafe(client.exe)}, which is not a ${client.program} program`;
  return null;
}

export function servesInterface(client: DhcpClient, nic: string): boolean {
  if (client.ifname !== null) return client.ifname === nic;
  return client.program === 'dhclient' || client.program === 'dhcpcd';
}

export function startedByNetworkManager(client: DhcpClient): boolean {
  return client.argv.some((arg) => /NetworkManager|nm-dhcp-helper/.test(arg));
}

export function stopSignal(client: Pick<DhcpClient, 'program' | 'argv'>): ProcessSignal {
  if (client.program !== 'udhcpc') return 'KILL';
  const releases = client.argv.some((arg) => arg === '--release' || /^-[A-Za-z]*R/.test(arg));
  return releases ? 'KILL' : 'TERM';
}

export function buildStopDhcpStep(clients: DhcpClient[], nic: string): Step | null {
  if (clients.length === 0) return null;
  for (const client of clients) if (client.ifname !== null) checkedName(client.ifname);
  return {
    id: 'stop-dhcp',
    kind: 'stop-dhcp',
    title: `Stop the DHCP client${clients.length === 1 ? '' : 's'} of ${nic} (lease kept)`,
    detail:
      `${clients.map((client) => `${client.program} (pid ${client.pid})`).join(', ')} would renew on ${nic}, which ` +
      'stops being an IP interface; stopped without a release, so the lease stays valid for the bridge.',
    disruptive: false,
    // The identity the probe saw goes with the pid: the engine signals only that process
    // (txn/engine/dhcp-guard.ts), never whatever holds the pid by then.
    commands: clients.map((client) => ({
      kind: 'signal' as const,
      pid: signallablePid(client.pid),
      signal: stopSignal(client),
      startTime: client.startTime ?? null,
      argv: [...client.argv],
    })),
    inverse: [...clients]
      .reverse()
      .map((client) => ({ kind: 'spawn-detached' as const, argv: restartOf(client) })),
    expect: clients.map((client) => ({ kind: 'process-gone' as const, pid: client.pid })),
  };
}

function signallablePid(pid: number): number {
  if (!isSignallablePid(pid)) throw new UnplannableValue('pid', String(pid));
  return pid;
}

function restartOf(client: DhcpClient): string[] {
  const argv = whyNotOurs(client) === null ? restartArgv(client) : null;
  if (!argv)
    throw new Error(`internal: ${client.program} (pid ${client.pid}) is not a client the plan may restart`);
  return argv;
}
