/**
 * A lab host whose uplink NetworkManager leases (source/lab/networkmanager-machine.ts), a 2-minute
 * lease and no reservation, and the built CLI run inside that machine with `--root-dir /`: the
 * scene of the NetworkManager lab tests. Every guardian seen is killed by pid afterwards.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Lab } from '../../../source/lab/index.js';
import { type NetworkManagerMachine, startNetworkManagerMachine } from '../../../source/lab/index.js';
import { waitFor } from '../../../source/lab/wait.js';
import { type CliRun, killAlive, requireBuiltCli, runCliAfter, waitForJournal } from './guardian-cli.js';
import { withLab } from './lab-state.js';

const LEASE_SEC = 120;
export const CONFIGURED = { attempts: 300, intervalMs: 100, timeoutMs: 30_000 };
const POLL_MS = 2_000;

export interface Ipv4 {
  cidr: string;
  validLft: number;
}

export async function ipv4(lab: Lab, ifname: string): Promise<Ipv4[]> {
  const shown = await lab.exec(lab.ns.host, ['ip', '-j', '-4', 'addr', 'show', 'dev', ifname], {
    check: false,
  });
  if (shown.exitCode !== 0) return [];
  const [link] = JSON.parse(shown.stdout) as Array<{
    addr_info: Array<{ local: string; prefixlen: number; valid_life_time: number }>;
  }>;
  return (link?.addr_info ?? []).map((info) => ({
    cidr: `${info.local}/${info.prefixlen}`,
    validLft: info.valid_life_time,
  }));
}

export interface NmScene {
  lab: Lab;
  machine: NetworkManagerMachine;
  /** ens18's address as NetworkManager leased it before the change. */
  leased: string;
  cli(...args: string[]): Promise<CliRun>;
  stateDir: string;
  /** The machine's scratch root (its /etc/NetworkManager is ROOT/etc/NetworkManager). */
  root: string;
}

export async function withNmScene(body: (scene: NmScene) => Promise<void>): Promise<void> {
  requireBuiltCli();
  const scratch = mkdtempSync(join(tmpdir(), 'bm-nm-lease-'));
  const stateDir = join(scratch, 'state');
  const guardians = new Set<number>();
  try {
    await withLab({ host: { kind: 'dhcp' }, reservation: false, leaseTime: '2m' }, async (lab) => {
      // The lab's one-shot client configured ens18; from here on only NetworkManager does.
      await lab.exec(lab.ns.host, ['ip', '-4', 'addr', 'flush', 'dev', lab.uplink]);
      const root = join(scratch, 'root');
      const machine = await startNetworkManagerMachine(lab, { root });
      try {
        const leased = await waitFor('NetworkManager to lease ens18', CONFIGURED, async (problem) => {
          const device = await machine.device(lab.uplink);
          const addresses = await ipv4(lab, lab.uplink);
          return device?.state === 'connected' && addresses.length === 1
            ? (addresses[0] as Ipv4).cidr
            : problem(`${JSON.stringify(device)} ${JSON.stringify(addresses)}`);
        });
        const env = { SSH_CONNECTION: `${lab.peerAddress} 40022 ${leased.split('/')[0]} 22` };
        const cli = async (...args: string[]) => {
          const run = await runCliAfter(
            machine.prefix,
            [...args, '--state-dir', stateDir, '--root-dir', '/'],
            {
              env,
              timeoutMs: 90_000,
            },
          );
          const journal = await waitForJournal(stateDir, 'a journal', { timeoutMs: 2_000 }, () => true).catch(
            () => null,
          );
          if (journal?.guardian) guardians.add(journal.guardian.pid);
          return run;
        };
        await body({ lab, machine, leased, cli, stateDir, root });
      } finally {
        killAlive(guardians);
        await machine.stop();
      }
    });
  } finally {
    killAlive(guardians);
    rmSync(scratch, { recursive: true, force: true });
  }
}

/**
 * Watches `ifname` for `periods` lease periods plus a margin: the leased address must be there at
 * every look, and its lifetime must go back up (a renewal) at least once per period.
 */
export async function watchRenewals(lab: Lab, ifname: string, cidr: string, periods: number) {
  const looks = Math.ceil(((periods * LEASE_SEC + 20) * 1000) / POLL_MS);
  const missing: number[] = [];
  let renewals = 0;
  let last = Number.POSITIVE_INFINITY;
  for (let look = 0; look < looks; look++) {
    const address = (await ipv4(lab, ifname)).find((candidate) => candidate.cidr === cidr);
    if (!address) missing.push(look);
    else {
      if (address.validLft > last) renewals += 1;
      last = address.validLft;
    }
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
  return { missing, renewals };
}
