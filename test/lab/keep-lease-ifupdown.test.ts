/**
 * ifupdown's own DHCP client keeps the lease on the bridge, in real time. The lab host's ens18 is
 * brought up by the real `ifup` from an interfaces file (`iface ens18 inet dhcp`), in a private
 * mount namespace with its own /run, so ifup runs what Debian's ifupdown runs: `udhcpc -n -p
 * /run/udhcpc.ens18.pid -i ens18` with /etc/udhcpc/default.script (the lab's resolv.conf stands in
 * for /etc/resolv.conf), which goes to the background once it has a lease and sets the address
 * without a lifetime. dnsmasq leases for 2 minutes with no reservation. Applied and confirmed
 * through the engine: the same udhcpc runs on the bridge with its own pid file, the address stays
 * on the bridge, the router's lease is renewed (its expiry moves on) for two lease periods under
 * the same client id, and a TCP session opened before the change keeps working.
 * The bridge is named ckbr0 so the bridge client's pid file (in the machine's /run, where the
 * engine starts it) is this test's alone; it is removed afterwards.
 */
import { existsSync, readdirSync, readFileSync, readlinkSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import type { Lab } from '../../source/lab/types.js';
import { waitFor } from '../../source/lab/wait.js';
import { namespaceIdentity, REQUEST, withLabEngine } from './helpers/engine-lab.js';
import { isAlive, withLab } from './helpers/lab-state.js';
import {
  applyWithBridgeClient,
  bridgeClients,
  dnsmasqLeases,
  TWO_LEASES_MS,
  validLifetime,
} from './helpers/lease-watch.js';

const BRIDGE = 'ckbr0';
const IFUPDOWN_UDHCPC = ['udhcpc', '-n', '-p', '/run/udhcpc.ens18.pid', '-i', 'ens18'];

/**
 * ifup in its own mount namespace: a private /run (ifstate, udhcpc's pid file) and the lab's
 * /etc/resolv.conf. ifupdown runs the first DHCP client it finds (dhclient, then udhcpc): where
 * dhclient or dhcpcd is installed it is hidden there (a non-executable file over it), so ifup runs
 * udhcpc and nothing writes the machine's /var/lib/dhcp.
 */
const IFUP = `set -e
mount -t tmpfs -o mode=0755 tmpfs /run
mkdir -p /run/network
for client in /usr/sbin/dhclient /usr/sbin/dhcpcd; do
  if [ -e "$client" ]; then mount --bind /dev/null "$client"; fi
done
exec ifup -i "$1" ens18
`;

describe('ifupdown: its udhcpc keeps the lease on the bridge', () => {
  test('ifup brings ens18 up by DHCP; after apply and confirm the same udhcpc renews it on the bridge through two leases', {
    timeout: 480_000,
  }, async () => {
    await withLab({ host: { kind: 'dhcp' }, leaseTime: '2m', reservation: false }, async (lab) => {
      const stopAll: number[] = [];
      try {
        const address = lab.hostAddress;
        await lab.exec(lab.ns.host, ['ip', '-4', 'addr', 'flush', 'dev', 'ens18']);
        const interfaces = join(lab.dir, 'interfaces');
        writeFileSync(interfaces, 'iface ens18 inet dhcp\n');
        const ifup = await lab.exec(
          lab.ns.host,
          ['unshare', '-m', '--propagation', 'private', 'sh', '-c', IFUP, 'ifup', interfaces],
          {
            timeoutMs: 30_000,
          },
        );
        const uplinkClients = clientsIn(lab, IFUPDOWN_UDHCPC);
        stopAll.push(...uplinkClients, ...udhcpcsIn(lab));
        const seen = `${ifup.stdout}${ifup.stderr} ${JSON.stringify(udhcpcsIn(lab).map(cmdline))}`;
        expect(uplinkClients, seen).toHaveLength(1);
        // Debian's script sets the address with ifconfig: no lifetime, but the lease still ends at the router.
        expect(await validLifetime(lab, 'ens18', address)).toBe(4294967295);
        const clientId = `01:${lab.hostMac}`;
        expect(dnsmasqLeases(lab)).toEqual([expect.objectContaining({ address, clientId })]);

        await withLabEngine(lab, {}, async (setup) => {
          const session = await lab.openTcpSession();
          const { argv } = await applyWithBridgeClient(setup, { ...REQUEST, bridge: BRIDGE });
          expect(argv).toEqual([
            '/usr/bin/busybox',
            'udhcpc',
            '-n',
            '-p',
            `/run/udhcpc.${BRIDGE}.pid`,
            '-i',
            BRIDGE,
            '-r',
            address,
          ]);
          await setup.engine.confirm();
          expect(uplinkClients.some(isAlive)).toBe(false);
          // Once it has the lease, udhcpc -n goes to the background: a forked child with the same argv.
          const bridgeClient = await waitFor(
            'the bridge client to bind and go to the background',
            { attempts: 150, intervalMs: 100, timeoutMs: 15_000 },
            () => {
              const pids = bridgeClients(argv);
              stopAll.push(...pids);
              // The one the engine started is this process's child until it forks away from it.
              const background = pids.length === 1 && parentOf(pids[0] as number) !== process.pid;
              return background && existsSync(`/run/udhcpc.${BRIDGE}.pid`) ? pids : undefined;
            },
          );
          expect(readFileSync(`/run/udhcpc.${BRIDGE}.pid`, 'utf8').trim()).toBe(String(bridgeClient[0]));

          const expiries: number[] = [];
          const startedAt = Date.now();
          let echoFailures = 0;
          for (let index = 0; index < 100 && Date.now() - startedAt < TWO_LEASES_MS; index++) {
            expect(await validLifetime(lab, BRIDGE, address)).not.toBeNull();
            if (!(await session.echo()).ok) echoFailures++;
            const leases = dnsmasqLeases(lab);
            expect(leases).toEqual([expect.objectContaining({ address, clientId, mac: lab.hostMac })]);
            expiries.push(leases[0]?.expiry ?? 0);
            await new Promise((resolve) => setTimeout(resolve, 5_000));
          }
          expect(echoFailures).toBe(0);
          const renewals = expiries.filter(
            (expiry, index) => index > 0 && expiry > (expiries[index - 1] ?? 0),
          );
          expect(renewals.length, JSON.stringify(expiries)).toBeGreaterThanOrEqual(3);
          expect(bridgeClients(argv)).toEqual(bridgeClient);
          await session.close();
        });
      } finally {
        // Started by ifup, by the engine or by a revert, none is the lab's: ended here by pid.
        const pids = [...new Set([...stopAll, ...udhcpcsIn(lab)])];
        for (const pid of pids.filter(isAlive)) process.kill(pid, 'SIGTERM');
        await new Promise((resolve) => setTimeout(resolve, 500));
        for (const pid of pids.filter(isAlive)) process.kill(pid, 'SIGKILL');
        // Pid files the engine's clients wrote in the machine's /run, when they name one of ours.
        for (const file of [`/run/udhcpc.${BRIDGE}.pid`, '/run/udhcpc.ens18.pid']) {
          const owner = existsSync(file) ? Number(readFileSync(file, 'utf8').trim()) : null;
          if (owner !== null && pids.includes(owner)) rmSync(file, { force: true });
        }
      }
    });
  });
});

/** Root processes running exactly `argv` in the lab host's network namespace. */
function clientsIn(lab: Lab, argv: readonly string[]): number[] {
  const identity = namespaceIdentity(lab.ns.host);
  return bridgeClients(argv).filter((pid) => netnsOf(pid) === identity);
}

/** Every udhcpc in the lab host's namespace (the one ifup started, the bridge's, a restarted one). */
function udhcpcsIn(lab: Lab): number[] {
  const identity = namespaceIdentity(lab.ns.host);
  return readdirSync('/proc')
    .filter((name) => /^\d+$/.test(name))
    .map(Number)
    .filter((pid) => netnsOf(pid) === identity && cmdline(pid).includes('udhcpc'));
}

/** The parent pid from /proc/PID/stat ("PID (COMM) STATE PPID ..."), null when gone. */
function parentOf(pid: number): number | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
  } catch {
    return null;
  }
}

function netnsOf(pid: number): string | null {
  try {
    return readlinkSync(`/proc/${pid}/ns/net`);
  } catch {
    return null;
  }
}

function cmdline(pid: number): string[] {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
  } catch {
    return [];
  }
}
