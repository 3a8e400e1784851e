/**
 * The lease identity the probe reads is the one the DHCP server bound the lease to. Each case runs a
 * real client against the lab router's dnsmasq (2-minute leases), probes the lab host the way the
 * engine does (every command inside the host namespace, scratch --root-dir), and compares the
 * probed client id with the one dnsmasq wrote in its own lease file:
 * - busybox udhcpc left running with no identity options: its default, 01 + MAC;
 * - udhcpc with `-x 61:…`, or `-x 075:…` (octal 61, as busybox reads the code): the id from its argv;
 * - systemd-networkd configured by netplan with its default identity (DUID + IAID): the id from
 *   its lease file. networkd runs in the lab's networkd machine (a private mount namespace), so
 *   the probe's reads of /run/systemd/netif are answered from /proc/PID/root of the machine, where
 *   a probe running on that machine would find them;
 * - the same through the product end to end: the built CLI's `capture` run inside the lab's
 *   networkd machine (--root-dir /, no DHCP reservation) records networkd's files, and
 *   `plan --replay` of that capture shows the lease line with the id dnsmasq recorded.
 * Needs root and `npm run build`.
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, test } from 'vitest';
import { probeHost } from '../../source/host/probe.js';
import type { HostSnapshot } from '../../source/host/snapshot.js';
import { type Lab, type NetworkdMachine, startNetworkdMachine } from '../../source/lab/index.js';
import { waitFor } from '../../source/lab/wait.js';
import { leaseFor } from '../../source/plan/lease-identity.js';
import { silentLog } from '../../source/system/debug-log.js';
import { createExecRunner } from '../../source/system/exec-runner.js';
import type { FileReader } from '../../source/system/files.js';
import { dnsmasqLeaseOf } from './helpers/dnsmasq-leases.js';
import { namespaceFiles, namespaceRunner } from './helpers/engine-lab.js';
import { withLab } from './helpers/lab-state.js';

const isRoot = process.getuid?.() === 0;
const CLI = join(resolve(dirname(fileURLToPath(import.meta.url)), '../..'), 'dist/cli.js');
const LAB_TIMEOUT_MS = 180_000;
/** Every wait is bounded in attempts and time. */
const RECORDED = { attempts: 150, intervalMs: 100, timeoutMs: 15_000 };

/** Probes the lab host as the engine does; `files` may answer some paths from elsewhere. */
async function probeLabHost(lab: Lab, files?: FileReader): Promise<HostSnapshot> {
  const rootDir = mkdtempSync(join(tmpdir(), 'bm-lease-root-'));
  try {
    return await probeHost({
      runner: namespaceRunner(createExecRunner(silentLog), lab.ns.host),
      files: files ?? namespaceFiles(lab.ns.host),
      env: { uid: 0, sshConnection: null, rootDir },
    });
  } finally {
    rmSync(rootDir, { recursive: true, force: true });
  }
}

/**
 * Waits (bounded) until dnsmasq has recorded a client id matching `expected` for the lab host's MAC,
 * and returns it. (dnsmasq keeps the id of a lease's last client that sent one: the lab's first
 * one-shot udhcpc leaves 01:MAC until another client renews with its own.)
 */
async function recordedClientId(lab: Lab, expected: RegExp): Promise<string | null> {
  const lease = await waitFor('dnsmasq to record the host lease', RECORDED, (problem) => {
    const found = dnsmasqLeaseOf(lab, lab.hostMac);
    if (found === null) return problem('no lease for the host MAC yet');
    return expected.test(found.clientId ?? '*') ? found : problem(`client id ${found.clientId}`);
  });
  return lease.clientId;
}

const NETPLAN = 'network:\n  version: 2\n  ethernets:\n    ens18:\n      dhcp4: true\n';

/** The lab's networkd machine for the host, configured from a netplan file (DHCP, default identity). */
async function startMachine(lab: Lab): Promise<NetworkdMachine> {
  // The lab's one-shot client configured ens18; from here on only networkd does.
  await lab.exec(lab.ns.host, ['ip', '-4', 'addr', 'flush', 'dev', 'ens18']);
  const machine = await startNetworkdMachine(lab, {
    root: join(lab.dir, 'machine-root'),
    netplan: { '50-lab.yaml': NETPLAN },
  });
  await waitFor('networkd to configure ens18', RECORDED, async (problem) => {
    const state = await machine.adminState('ens18');
    return state === 'configured' ? true : problem(`ADMIN_STATE=${state}`);
  });
  return machine;
}

/** The host's files, except networkd's runtime state, read inside the machine's mount namespace. */
function withNetworkdState(lab: Lab, machine: NetworkdMachine): FileReader {
  const files = namespaceFiles(lab.ns.host);
  const inside = (path: string) =>
    path.startsWith('/run/systemd/netif/') ? `/proc/${machine.pid}/root${path}` : path;
  return {
    readFile: (path, options) => files.readFile(inside(path), options),
    listDir: (path) => files.listDir(inside(path)),
    readLink: (path) => files.readLink(path),
  };
}

describe.skipIf(!isRoot).concurrent('the probed lease identity is the one dnsmasq bound the lease to', () => {
  test(
    "udhcpc's default: 01 + the uplink's MAC",
    async () => {
      await withLab(
        { host: { kind: 'dhcp', keepClient: true, leaseLifetimes: true }, leaseTime: '2m' },
        async (lab) => {
          const recorded = await recordedClientId(lab, /./);
          const lease = leaseFor(await probeLabHost(lab), 'ens18');
          expect(lease).toMatchObject({ client: 'udhcpc', source: 'client-default' });
          expect(lease?.clientId).toBe(recorded);
          expect(recorded).toBe(`01:${lab.hostMac}`);
          // The address carries the 2-minute lease as its lifetime: the lease ends within it.
          expect(lease?.expiresAt).toBeGreaterThan(Date.now());
          expect(lease?.expiresAt).toBeLessThanOrEqual(Date.now() + 120_000);
        },
      );
    },
    LAB_TIMEOUT_MS,
  );

  // busybox reads -x's option code with bb_strtou(code, 0): the octal 075 is option 61 too.
  test.for([
    ['61:ff00c0ffee0042', /^ff:00:c0:ff:ee:00:42$/],
    ['075:ff00c0ffee0075', /^ff:00:c0:ff:ee:00:75$/],
  ] as const)(
    'udhcpc -x %s: the id from its argv',
    { timeout: LAB_TIMEOUT_MS },
    async ([option, expected]) => {
      await withLab(
        { host: { kind: 'dhcp', keepClient: true, leaseLifetimes: true }, leaseTime: '2m' },
        async (lab) => {
          if (lab.dhcpClient) await lab.stop(lab.dhcpClient);
          const script = join(lab.dir, 'noop-udhcpc.sh');
          writeFileSync(script, '#!/bin/sh\nexit 0\n', { mode: 0o700 });
          const client = await lab.spawn(lab.ns.host, [
            'udhcpc',
            '-f',
            '-i',
            'ens18',
            '-x',
            option,
            '-t',
            '5',
            '-T',
            '1',
            '-s',
            script,
          ]);
          const recorded = await recordedClientId(lab, expected);
          const lease = leaseFor(await probeLabHost(lab), 'ens18');
          expect(client.hasExited()).toBe(false);
          expect(lease).toMatchObject({ client: 'udhcpc', source: 'argv', clientId: recorded });
        },
      );
    },
  );

  test(
    "systemd-networkd's default DUID + IAID, from its lease file",
    async () => {
      await withLab({ host: { kind: 'dhcp' }, leaseTime: '2m' }, async (lab) => {
        const machine = await startMachine(lab);
        // RFC 4361: type 255, then IAID and DUID, as networkd sends by default.
        const recorded = await recordedClientId(lab, /^ff(:[0-9a-f]{2}){5,}$/);
        const snapshot = await probeLabHost(lab, withNetworkdState(lab, machine));
        const ifindex = snapshot.links.find((link) => link.name === 'ens18')?.ifindex;
        expect(leaseFor(snapshot, 'ens18')).toMatchObject({
          client: 'networkd',
          source: 'lease-file',
          file: `/run/systemd/netif/leases/${ifindex}`,
          address: lab.hostAddress,
          clientId: recorded,
        });
      });
    },
    LAB_TIMEOUT_MS,
  );

  test(
    "capture inside a networkd machine carries networkd's lease, and the replayed plan shows it",
    async () => {
      await withLab({ host: { kind: 'dhcp' }, leaseTime: '2m', reservation: false }, async (lab) => {
        if (!existsSync(CLI)) throw new Error(`${CLI} is missing: run \`npm run build\` first`);
        const machine = await startMachine(lab);
        const recorded = await recordedClientId(lab, /^ff(:[0-9a-f]{2}){5,}$/);
        const capture = join(lab.dir, 'machine-capture.json');
        const stateDir = join(lab.dir, 'machine-state');
        mkdirSync(stateDir, { mode: 0o700 });
        await machine.exec(
          [process.execPath, CLI, 'capture', '-o', capture, '--state-dir', stateDir, '--root-dir', '/'],
          { timeoutMs: 60_000 },
        );
        const doc = JSON.parse(readFileSync(capture, 'utf8')) as { files: Record<string, string | null> };
        const leaseFiles = Object.keys(doc.files).filter((path) => path.startsWith('/run/systemd/netif/'));
        expect(leaseFiles.map((path) => path.replace(/\d+$/, 'N')).sort()).toEqual([
          '/run/systemd/netif/leases/N',
          '/run/systemd/netif/links/N',
        ]);
        const plan = await lab.exec(
          lab.ns.host,
          [process.execPath, CLI, 'plan', '--replay', capture, '--nic', 'ens18'],
          {
            timeoutMs: 60_000,
            check: false,
          },
        );
        expect(plan.stdout).toMatch(
          new RegExp(`^ {6}lease: client id ${recorded}, from /run/systemd/netif/leases/\\d+, ends `, 'm'),
        );
        await machine.stop();
      });
    },
    LAB_TIMEOUT_MS,
  );
});
