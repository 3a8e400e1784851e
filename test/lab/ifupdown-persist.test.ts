/**
 * Persisting to ifupdown through the built CLI (dist/cli.js), on a lab host run by the real
 * ifup/ifdown (lab-recipes.md "ifupdown"; helpers/ifupdown-machine.ts: a private /run, the
 * machine's /var/lib/dhcp kept in ROOT across reboots) with the DHCP client ifupdown picks
 * (dhclient, isc-dhcp-client), and dnsmasq handing out 2-minute leases from a pool WITHOUT a
 * reservation: only the client identity keeps the address.
 *
 * One lab, one history, as an operator would live it: `apply --yes` then `confirm` (ifupdown's
 * own client takes the bridge over), two lease periods on the bridge with the peer's TCP session
 * answering, a reboot brought up only by `ifup -a` from the written file (bridged, the same
 * address, a VM on the bridge gets a lease), then `rollback --yes` of the persisted migration and
 * the same reboot again: it comes up as before the migration.
 */
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import type { Lab } from '../../source/lab/index.js';
import { configFile } from '../../source/plan/persist/diff.js';
import { silentLog } from '../../source/system/debug-log.js';
import { createExecRunner } from '../../source/system/exec-runner.js';
import { expectSuccess } from '../../source/system/runner.js';
import { createJournalStore } from '../../source/txn/journal/journal.js';
import { ifupdownRenderer } from '../../source/txn/persist/ifupdown-renderer.js';
import { PERSIST_PARTS, persistPartTitle } from '../../source/txn/persist/persist-parts.js';
import type { PersistContext } from '../../source/txn/persist/persist-renderer.js';
import type { CliRun } from './helpers/guardian-cli.js';
import { defaultDev, ifstate, ifupdownClient, ipv4, link } from './helpers/ifupdown-host-state.js';
import {
  type IfupdownMachine,
  rebootHost,
  startIfupdownMachine,
  withIfupdownHost,
  writeRoot,
} from './helpers/ifupdown-machine.js';
import { dnsmasqLeases, TWO_LEASES_MS, validLifetime } from './helpers/lease-watch.js';

const INTERFACES = 'auto lo\niface lo inet loopback\n\nauto ens18\niface ens18 inet dhcp\n';
/**
 * No address from the lab's own client (the static one is flushed): ifupdown's client takes the
 * first lease, from a pool without a reservation, so only the client id keeps the address.
 */
const LAB = {
  host: { kind: 'static' as const, addresses: ['198.51.100.240/24'], gateway: null },
  leaseTime: '2m',
  reservation: false,
};
const BRIDGE = 'fcbr0';
const LONG = 12 * 60_000;

/** The router's lease for `address`: its client id and expiry. */
function routerLease(lab: Lab, address: string) {
  return dnsmasqLeases(lab).find((lease) => lease.address === address);
}

function transcript(run: CliRun): string {
  return `exit ${run.code}\n${run.stdout}\n${run.stderr}`;
}

interface RenewalSample {
  atSec: number;
  validLft: number | null;
  expiry: number | null;
}

/**
 * Every 5 s for two lease periods: the bridge keeps `address` and the default route, the router
 * keeps one lease for it under `clientId`, and the session answers. Renewals are the samples whose
 * lifetime went back up; the router's expiry moving on says the same from the server's side.
 */
async function watchTwoLeases(
  lab: Lab,
  machine: IfupdownMachine,
  address: string,
  clientId: string,
  echo: () => Promise<boolean>,
): Promise<RenewalSample[]> {
  const started = Date.now();
  const samples: RenewalSample[] = [];
  for (let index = 0; index < 80 && Date.now() - started < TWO_LEASES_MS; index++) {
    const validLft = await validLifetime(lab, BRIDGE, address);
    const lease = routerLease(lab, address);
    samples.push({
      atSec: Math.round((Date.now() - started) / 1000),
      validLft,
      expiry: lease?.expiry ?? null,
    });
    const seen = JSON.stringify(samples);
    expect(validLft, seen).not.toBeNull();
    expect(await defaultDev(machine), seen).toEqual([BRIDGE]);
    expect(lease?.clientId, seen).toBe(clientId);
    expect(await echo(), seen).toBe(true);
    await new Promise((resolve) => setTimeout(resolve, 5_000));
  }
  return samples;
}

describe('ifupdown persist through confirm (real ifup and dhclient, 2-minute leases, reboot, undo)', () => {
  test(
    'confirm hands the bridge to ifupdown with the same lease, renewed through two leases; a reboot comes up bridged; rollback and a reboot come up as before',
    async () => {
      await withIfupdownHost(LAB, INTERFACES, async ({ lab, root, machine: booted, stateDir, cli }) => {
        const original = readFileSync(join(root, 'etc/network/interfaces'));
        let machine = booted;
        const [leased] = await ipv4(machine, 'ens18');
        const address = leased?.local as string;
        expect(address).toMatch(/^198\.51\.100\./);
        expect((await ifupdownClient(machine, 'ens18'))?.[0]).toMatch(/dhclient$/);
        const clientId = routerLease(lab, address)?.clientId as string;
        // dhclient -i (as ifupdown runs it): RFC 4361, ff + IAID + DUID.
        expect(clientId).toMatch(/^ff:/);

        const session = await lab.openTcpSession({ serverAddress: address });

        const apply = await cli(
          machine,
          'apply',
          '--yes',
          '--nic',
          'ens18',
          '--bridge',
          BRIDGE,
          '--timeout',
          '600',
        );
        expect(apply.code, transcript(apply)).toBe(0);
        const confirm = await cli(machine, 'confirm');
        expect(confirm.code, transcript(confirm)).toBe(0);
        for (const part of PERSIST_PARTS)
          expect(confirm.stderr).toContain(persistPartTitle(part, 'ifupdown'));
        expect(confirm.stdout).toContain('The migration is finished; its config was written');

        // Written, with a byte-exact backup of what was there.
        const written = readFileSync(join(root, 'etc/network/interfaces'), 'utf8');
        expect(written).toContain(`iface ${BRIDGE} inet dhcp`);
        const journal = await createJournalStore({ purpose: 'lab test' }).load(stateDir);
        expect(journal?.phase).toBe('persisted');
        const backup = journal?.files.find((file) => file.path === '/etc/network/interfaces')?.backup;
        expect(backup && readFileSync(backup.backup).equals(original)).toBe(true);

        // ifupdown owns the bridge: its state lists it, and its own dhclient serves it.
        expect(await ifstate(machine)).toEqual(['ens18=ens18', `${BRIDGE}=${BRIDGE}`, 'lo=lo']);
        const bridgeClient = await ifupdownClient(machine, BRIDGE);
        expect(bridgeClient?.at(-1)).toBe(BRIDGE);
        expect(bridgeClient).toContain(`/run/dhclient.${BRIDGE}.pid`);
        expect(await ifupdownClient(machine, 'ens18')).toBeNull();
        expect((await ipv4(machine, BRIDGE)).map((entry) => entry.local)).toEqual([address]);
        expect(await ipv4(machine, 'ens18')).toEqual([]);
        expect(await defaultDev(machine)).toEqual([BRIDGE]);
        expect((await session.echo(5_000)).detail).toBe('ok');

        const samples = await watchTwoLeases(
          lab,
          machine,
          address,
          clientId,
          async () => (await session.echo()).ok,
        );
        const renewals = samples.filter(
          (sample, index) => index > 0 && (sample.validLft ?? 0) > (samples[index - 1]?.validLft ?? 0),
        );
        const expiries = new Set(samples.map((sample) => sample.expiry));
        console.log(`ifupdown persist: ${address} (${clientId}) renewals ${JSON.stringify(renewals)}`);
        // A 2-minute lease renews at half time: at least three in two periods, seen by both ends.
        expect(renewals.length, JSON.stringify(samples)).toBeGreaterThanOrEqual(3);
        expect(expiries.size, JSON.stringify(samples)).toBeGreaterThanOrEqual(3);
        expect(await ifupdownClient(machine, BRIDGE)).toEqual(bridgeClient);
        await session.close();

        // Reboot: only the written file brings the host up.
        await rebootHost(lab, machine);
        machine = await startIfupdownMachine(lab, root);
        expectSuccess(await machine.boot());
        const bridge = await link(machine, BRIDGE);
        expect(bridge?.address).toBe(lab.hostMac);
        expect(bridge?.linkinfo?.info_kind).toBe('bridge');
        expect(bridge?.linkinfo?.info_data?.stp_state).toBe(0);
        expect(bridge?.linkinfo?.info_data?.forward_delay).toBe(0);
        expect((await link(machine, 'ens18'))?.master).toBe(BRIDGE);
        expect((await ipv4(machine, BRIDGE)).map((entry) => entry.local)).toEqual([address]);
        expect(await ipv4(machine, 'ens18')).toEqual([]);
        expect(await defaultDev(machine)).toEqual([BRIDGE]);
        expect(routerLease(lab, address)?.clientId).toBe(clientId);
        const vm = await lab.addVm();
        expectSuccess(await machine.exec(['ip', 'link', 'set', vm.hostLink, 'master', BRIDGE]));
        const lease = await vm.dhcp();
        expect(lease.address).toMatch(/^198\.51\.100\./);
        expect(lease.address).not.toBe(address);
        expect(lease.router).toBe(lab.gateway);

        // Undo the finished migration on the rebooted host, then the same reboot again.
        const rollback = await cli(machine, 'rollback', '--yes');
        expect(rollback.code, transcript(rollback)).toBe(3);
        expect(readFileSync(join(root, 'etc/network/interfaces')).equals(original)).toBe(true);
        expect(await ifstate(machine)).toEqual(['ens18=ens18', 'lo=lo']);
        expect((await ipv4(machine, 'ens18')).map((entry) => entry.local)).toEqual([address]);
        expect(await defaultDev(machine)).toEqual(['ens18']);

        await rebootHost(lab, machine);
        machine = await startIfupdownMachine(lab, root);
        expectSuccess(await machine.boot());
        expect(await ifstate(machine)).toEqual(['ens18=ens18', 'lo=lo']);
        expect((await machine.exec(['ip', 'link', 'show', 'dev', BRIDGE])).exitCode).not.toBe(0);
        expect((await link(machine, 'ens18'))?.master).toBeUndefined();
        expect((await ipv4(machine, 'ens18')).map((entry) => entry.local)).toEqual([address]);
        expect(await defaultDev(machine)).toEqual(['ens18']);
        expect(routerLease(lab, address)?.clientId).toBe(clientId);
      });
    },
    LONG,
  );
});

describe('ifupdown validate (ifup --no-act, no lab needed)', () => {
  test('refuses a broken file with the reason ifup gives, and leaves the files and the state dir as they were', async () => {
    const root = mkdtempSync(join(tmpdir(), 'bm-ifupdown-check-'));
    try {
      writeRoot(root, INTERFACES);
      const stateDir = join(root, 'state');
      mkdirSync(stateDir, { mode: 0o700 });
      const context: PersistContext = {
        runner: createExecRunner(silentLog),
        rootDir: root,
        stateDir,
        note: () => {},
      };
      const broken = configFile(
        '/etc/network/interfaces',
        'ifupdown',
        INTERFACES,
        `${INTERFACES}\nauto fcbr0\niface fcbr0 inet dhpc\n    bridge_ports ens18\n`,
        'test',
      );
      expect(await ifupdownRenderer.validate(context, [broken])).toBe(
        'ifup --no-act refused the new /etc/network/interfaces: ifup: /etc/network/interfaces:8: unknown or no method and no inherits keyword specified.',
      );
      const fine = configFile('/etc/network/interfaces', 'ifupdown', INTERFACES, INTERFACES, 'test');
      expect(await ifupdownRenderer.validate(context, [fine])).toBeNull();
      expect(readFileSync(join(root, 'etc/network/interfaces'), 'utf8')).toBe(INTERFACES);
      expect(readdirSync(stateDir)).toEqual([]);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });
});
