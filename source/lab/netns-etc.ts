import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { checkedName } from '../plan/names.js';
import { LAN } from './dhcp.js';

/**
 * `ip netns exec NS` bind-mounts /etc/netns/NS/* over /etc, so every program run in a lab
 * namespace reads this resolv.conf instead of the machine's: the probe's DNS facts and the
 * engine's DNS check then name the lab router (TEST-NET-2), and no query ever heads for the
 * machine's own nameserver. These files are outside the lab's temp dir and outlive the
 * namespace, so every way a lab ends (teardown, a signal, `exit`) removes them by name.
 */
export const NETNS_ETC = '/etc/netns';

export function netnsEtcDir(ns: string): string {
  return join(NETNS_ETC, checkedName(ns));
}

export function writeNetnsResolvConf(ns: string): void {
  const etc = netnsEtcDir(ns);
  mkdirSync(etc, { recursive: true, mode: 0o755 });
  writeFileSync(join(etc, 'resolv.conf'), `# bridge-migrate lab ${ns}\nnameserver ${LAN.gateway}\n`, {
    mode: 0o644,
  });
}

/** Synchronous, so the `exit` handler can run it too; a problem is returned, not thrown. */
export function removeNetnsEtc(ns: string): string | null {
  try {
    rmSync(netnsEtcDir(ns), { recursive: true, force: true });
    return null;
  } catch (error) {
    return `removing ${NETNS_ETC}/${ns}: ${(error as Error).message}`;
  }
}
