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
 * an interface of the same name). A dhclient or dhcpcd named without an interface manages every
 * interface, the uplink included, so it is stopped too. A client NetworkManager started is left to
 * NetworkManager.
 */
import type { DhcpClient } from '../../host/snapshot.js';
import { checkedName } from '../names.js';
import { checkedNumber } from '../tokens.js';
import type { Step } from '../types.js';

export function dhcpClientsServing(clients: DhcpClient[], nic: string): DhcpClient[] {
  return clients.filter(
    (client) => client.sameNetns && servesInterface(client, nic) && !startedByNetworkManager(client),
  );
}

export function servesInterface(client: DhcpClient, nic: string): boolean {
  if (client.ifname !== null) return client.ifname === nic;
  return client.program === 'dhclient' || client.program === 'dhcpcd';
}

export function startedByNetworkManager(client: DhcpClient): boolean {
  return client.argv.some((arg) => /NetworkManager|nm-dhcp-helper/.test(arg));
}

export function stopSignal(client: DhcpClient): 'TERM' | 'KILL' {
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
    commands: clients.map((client) => ({
      kind: 'exec' as const,
      argv: ['kill', `-${stopSignal(client)}`, checkedNumber(client.pid, 'pid')],
    })),
    inverse: [...clients]
      .reverse()
      .map((client) => ({ kind: 'spawn-detached' as const, argv: [...client.argv] })),
    expect: clients.map((client) => ({ kind: 'process-gone' as const, pid: client.pid })),
  };
}
