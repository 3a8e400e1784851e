/**
 * NetworkManager keeps the lease, for real: NetworkManager 1.42 runs in the lab host namespace
 * (source/lab/networkmanager-machine.ts) and leases ens18 from the lab router, with a 2-minute
 * lease and no reservation, so dnsmasq binds the address to the client id. The built CLI runs
 * inside that machine with `--root-dir /` and talks to NM through nmcli.
 * - apply + confirm: the address stays on fcbr0 and is renewed through two lease periods by NM's
 *   in-memory bridge profile (without it the address ends after 120 s);
 * - apply + rollback: ens18's own profile owns the address again and renews it.
 * Each case has its own lab and they run side by side; every wait is bounded. Needs root,
 * network-manager (scripts/install-system-packages.sh) and `npm run build`.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import type { Lab } from '../../source/lab/index.js';
import { type NetworkManagerMachine, startNetworkManagerMachine } from '../../source/lab/index.js';
import { waitFor } from '../../source/lab/wait.js';
import { type CliRun, DIST_CLI, killAlive, requireBuiltCli, waitForJournal } from './helpers/guardian-cli.js';
import { withLab } from './helpers/lab-state.js';

const LEASE_SEC = 120;
const CONFIGURED = { attempts: 300, intervalMs: 100, timeoutMs: 30_000 };
const POLL_MS = 2_000;

interface Ipv4 {
  cidr: string;
  validLft: number;
}

async function ipv4(lab: Lab, ifname: string): Promise<Ipv4[]> {
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

/** Runs the built CLI inside the machine's mount and network namespace, killed after `timeoutMs`. */
function runCliInside(machine: NetworkManagerMachine, args: readonly string[], env: NodeJS.ProcessEnv) {
  const child = spawn(
    machine.prefix[0] as string,
    [...machine.prefix.slice(1), process.execPath, DIST_CLI, ...args],
    {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, ...env },
    },
  );
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk) => {
    stdout += chunk;
  });
  child.stderr.on('data', (chunk) => {
    stderr += chunk;
  });
  const timer = setTimeout(() => child.kill('SIGKILL'), 90_000);
  return new Promise<CliRun>((done, fail) => {
    child.once('error', fail);
    child.once('close', (code, signal) => {
      clearTimeout(timer);
      done({ pid: child.pid ?? -1, code, signal, stdout, stderr });
    });
  });
}

interface Scene {
  lab: Lab;
  machine: NetworkManagerMachine;
  /** ens18's address as NetworkManager leased it before the change. */
  leased: string;
  cli(...args: string[]): Promise<CliRun>;
  stateDir: string;
}

async function withNmScene(body: (scene: Scene) => Promise<void>): Promise<void> {
  requireBuiltCli();
  const scratch = mkdtempSync(join(tmpdir(), 'bm-nm-lease-'));
  const stateDir = join(scratch, 'state');
  const guardians = new Set<number>();
  try {
    await withLab({ host: { kind: 'dhcp' }, reservation: false, leaseTime: '2m' }, async (lab) => {
      // The lab's one-shot client configured ens18; from here on only NetworkManager does.
      await lab.exec(lab.ns.host, ['ip', '-4', 'addr', 'flush', 'dev', lab.uplink]);
      const machine = await startNetworkManagerMachine(lab, { root: join(scratch, 'root') });
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
          const run = await runCliInside(machine, [...args, '--state-dir', stateDir, '--root-dir', '/'], env);
          const journal = await waitForJournal(stateDir, 'a journal', { timeoutMs: 2_000 }, () => true).catch(
            () => null,
          );
          if (journal?.guardian) guardians.add(journal.guardian.pid);
          return run;
        };
        await body({ lab, machine, leased, cli, stateDir });
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
async function watchRenewals(lab: Lab, ifname: string, cidr: string, periods: number) {
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

describe.concurrent('NetworkManager keeps the lease on the bridge', () => {
  test(
    'apply + confirm: the address stays on fcbr0 and is renewed through two lease periods',
    async () => {
      await withNmScene(async ({ lab, machine, leased, cli }) => {
        const apply = await cli('apply', '--yes', '--nic', 'ens18', '--persist', 'none', '--timeout', '600');
        expect(apply.code, apply.stderr).toBe(0);
        expect((await ipv4(lab, 'fcbr0')).map((address) => address.cidr)).toEqual([leased]);
        expect(await machine.device('fcbr0')).toEqual({
          state: 'connected',
          connection: 'bridge-migrate-fcbr0',
        });
        const confirm = await cli('confirm');
        expect(confirm.code, confirm.stderr).toBe(0);

        const watched = await watchRenewals(lab, 'fcbr0', leased, 2);
        expect(watched.missing).toEqual([]);
        expect(watched.renewals).toBeGreaterThanOrEqual(2);
        const master = await lab.exec(lab.ns.host, ['ip', '-j', 'link', 'show', 'dev', 'ens18']);
        expect(JSON.parse(master.stdout)[0].master).toBe('fcbr0');
      });
    },
    8 * 60_000,
  );

  test(
    "apply + rollback: ens18's own profile owns the address again and renews it",
    async () => {
      await withNmScene(async ({ lab, machine, leased, cli }) => {
        const apply = await cli('apply', '--yes', '--nic', 'ens18', '--persist', 'none', '--timeout', '600');
        expect(apply.code, apply.stderr).toBe(0);
        const rollback = await cli('rollback', '--yes');
        expect(rollback.code, rollback.stderr).toBe(3);

        expect((await ipv4(lab, 'ens18')).map((address) => address.cidr)).toEqual([leased]);
        expect(await ipv4(lab, 'fcbr0')).toEqual([]);
        await waitFor('NetworkManager to take ens18 back', CONFIGURED, async (problem) => {
          const device = await machine.device('ens18');
          return device?.state === 'connected' && device.connection === 'ens18'
            ? true
            : problem(JSON.stringify(device));
        });
        const profiles = await machine.nmcli('-g', 'NAME', 'connection', 'show');
        expect(profiles.stdout).not.toContain('bridge-migrate-fcbr0');

        const watched = await watchRenewals(lab, 'ens18', leased, 1);
        expect(watched.missing).toEqual([]);
        expect(watched.renewals).toBeGreaterThanOrEqual(1);
      });
    },
    8 * 60_000,
  );
});
