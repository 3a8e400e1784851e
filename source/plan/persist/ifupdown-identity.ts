/**
 * The DHCP identity the bridge's `inet dhcp` stanza must keep: the client ifupdown starts for the
 * bridge has to send the option 61 the uplink's lease was obtained with, or a server that binds
 * leases by client id (dnsmasq does) hands out another address at handover and at every boot.
 *
 * What ifupdown 0.8 (Debian 12) lets a stanza say, read from its inet.defn as built into ifup:
 * - dhclient runs as `dhclient -4 -v -i ...`: `-i` sends an RFC 4361 id, ff + IAID (the last four
 *   bytes of the interface's MAC) + the DUID kept in /var/lib/dhcp/dhclient.IFACE.leases. The
 *   bridge carries the uplink's MAC, so only the DUID must follow (the ifupdown renderer copies it
 *   into the bridge's lease file at handover). `client no` drops `-i`: no option 61 at all, which is
 *   what a lease obtained without a client id needs (#923640 in ifupdown's changelog).
 * - udhcpc runs as `udhcpc -n -p PIDFILE -i IFACE`: no `client` option reaches it, and busybox
 *   then sends 01 + the interface's MAC — the uplink's, once the bridge has it.
 * - dhcpcd gets `-I CLIENT`, which it sends as given ("01:52:54:…" is read as hex bytes).
 * Any other identity cannot be said in /etc/network/interfaces: that is a blocker, not a guess.
 */
import type { DhcpLease } from '../../host/snapshot.js';
import { blocker } from '../preflight/verdict.js';
import { UnplannableValue } from '../tokens.js';
import type { Verdict } from '../types.js';

export interface IfupdownIdentity {
  /** Option lines for the bridge's `inet dhcp` stanza, without indentation ("client no"). */
  options: string[];
  verdicts: Verdict[];
}

const HEX_BYTES = /^[0-9a-f]{2}(:[0-9a-f]{2})+$/;

export function ifupdownDhcpIdentity(lease: DhcpLease | null, mac: string, bridge: string): IfupdownIdentity {
  if (!lease) return { options: [], verdicts: [] };
  const clientId = lease.clientId;
  // The id goes into /etc/network/interfaces as one word: anything but hex bytes is refused whole.
  if (clientId !== null && !HEX_BYTES.test(clientId)) throw new UnplannableValue('DHCP client id', clientId);
  switch (lease.client) {
    case 'dhclient':
      if (clientId === null) return { options: ['client no'], verdicts: [] };
      // ff + 4-byte IAID + a DUID of at least its 2-byte type: what `dhclient -i` sends.
      if (clientId.startsWith('ff:') && clientId.split(':').length >= 7) return { options: [], verdicts: [] };
      return refuse(lease, bridge, 'is not the RFC 4361 id ifupdown makes dhclient send (`dhclient -i`)');
    case 'udhcpc':
      if (clientId === `01:${mac}`) return { options: [], verdicts: [] };
      return refuse(lease, bridge, `is not 01:${mac}, the only id ifupdown's udhcpc sends`);
    case 'dhcpcd':
      if (clientId !== null) return { options: [`client ${clientId}`], verdicts: [] };
      return refuse(lease, bridge, 'is none, and ifupdown cannot stop dhcpcd from sending its own');
    default:
      return refuse(lease, bridge, `came from ${lease.client}, not a client ifupdown starts`);
  }
}

function refuse(lease: DhcpLease, bridge: string, why: string): IfupdownIdentity {
  const id = lease.clientId === null ? 'no client id' : `client id ${lease.clientId}`;
  return {
    options: [],
    verdicts: [
      blocker(
        'ifupdown-lease-identity',
        `${lease.ifname}'s lease was obtained with ${id}, which ${why}, so ${bridge} would be given another address when ifupdown takes it over.`,
        `Persist with the renderer that obtained the lease (--persist), or --persist none and configure ${bridge} yourself.`,
      ),
    ],
  };
}
