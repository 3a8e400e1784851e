/**
 * What the lab router's dnsmasq recorded for a client: its lease file (`--dhcp-leasefile`, in the
 * lab's dir) has one line per lease, "EXPIRY MAC ADDRESS HOSTNAME CLIENT-ID", the client id as
 * colon hex or "*" when the client sent none. That is the server's own word on the identity a
 * lease is bound to, the thing the probe must read the same.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Lab } from '../../../source/lab/types.js';

export interface DnsmasqLease {
  mac: string;
  address: string;
  /** null: "*" (no option 61 sent). */
  clientId: string | null;
}

export function dnsmasqLeaseFile(lab: Lab): string {
  return join(lab.dir, 'dnsmasq.leases');
}

/** The lease dnsmasq holds for `mac`, or null when it has none yet. */
export function dnsmasqLeaseOf(lab: Lab, mac: string): DnsmasqLease | null {
  const file = dnsmasqLeaseFile(lab);
  if (!existsSync(file)) return null;
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    const [, leaseMac, address, , clientId] = line.split(' ');
    if (leaseMac?.toLowerCase() === mac.toLowerCase() && address && clientId)
      return { mac: leaseMac, address, clientId: clientId === '*' ? null : clientId.toLowerCase() };
  }
  return null;
}
