import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { checkedName } from '../plan/names.js';
import { silentLog } from '../system/debug-log.js';
import { createExecRunner } from '../system/exec-runner.js';
import { expectSuccess, type Runner, type RunResult, succeeded } from '../system/runner.js';
import { dnsmasqArgv, LAN } from './dhcp.js';
import { createDhcpClients } from './dhcp-client.js';
import { emergencyTeardown, registerExitHook } from './exit-hooks.js';
import { labNames, newLabPrefix, vmNames } from './names.js';
import { removeNetnsEtc, writeNetnsResolvConf } from './netns-etc.js';
import { parsePing, pingArgv, pingTimeoutMs } from './ping.js';
import { createProcessTable, type LabProcess } from './processes.js';
import { snapshotNamespace } from './snapshot.js';
import { openTcpSession } from './tcp-echo.js';
import {
  bringUpHostLinks,
  buildPeer,
  buildRouter,
  buildVm,
  configureStaticHost,
  createWiring,
  plugIntoSwitch,
} from './topology.js';
import type { ExecOptions, HostAddressing, Lab, LabOptions, LabVm, TeardownReport } from './types.js';
import { waitFor } from './wait.js';

export const DEFAULT_HOST_MAC = '02:62:6d:00:00:18';
const DEFAULT_LIFETIME_MS = 2 * 60 * 60 * 1000;
const DNSMASQ_READY = { attempts: 100, intervalMs: 50, timeoutMs: 5_000 };
const PORT_GONE_WAIT = { attempts: 100, intervalMs: 50, timeoutMs: 5_000 };
const DAD_WAIT = { attempts: 60, intervalMs: 100, timeoutMs: 6_000 };

/**
 * Builds a complete lab: router (switch + gateway + DHCP), host, peer. Anything that fails half
 * way is torn down before the error is thrown, and from the first namespace on the lab is
 * registered for teardown on exit and on SIGINT/SIGTERM.
 */
export async function createLab(options: LabOptions = {}): Promise<Lab> {
  const runner: Runner = options.runner ?? createExecRunner(options.log ?? silentLog);
  const names = labNames(newLabPrefix());
  const uplink = checkedName(options.uplink ?? 'ens18');
  const hostMac = options.hostMac ?? DEFAULT_HOST_MAC;
  if (!/^[0-9a-f]{2}(:[0-9a-f]{2}){5}$/.test(hostMac))
    throw new Error(`host MAC "${hostMac}" must be lowercase aa:bb:cc:dd:ee:ff`);
  const mtu = options.mtu ?? null;
  const addressing: HostAddressing = options.host ?? { kind: 'dhcp' };
  const dir = mkdtempSync(join(options.tempRoot ?? tmpdir(), `${names.prefix}-`));
  const processes = createProcessTable(runner, dir, options.processLifetimeMs ?? DEFAULT_LIFETIME_MS);
  const wiring = createWiring(runner);
  const created: string[] = [];
  let vmCount = 0;

  let teardownRun: Promise<TeardownReport> | null = null;
  const unregister = registerExitHook({
    teardown: () => teardown(),
    emergency: () =>
      emergencyTeardown(
        processes
          .all()
          .filter((p) => !p.hasExited())
          .map((p) => p.pid),
        created,
        dir,
      ),
  });

  function teardown(): Promise<TeardownReport> {
    teardownRun ??= (async () => {
      const problems = await processes.stopAll();
      await stopNamespaceStragglers();
      const deleted: string[] = [];
      for (const ns of [...created].reverse()) {
        const result = await runner.run(['ip', 'netns', 'delete', ns]);
        if (succeeded(result)) deleted.push(ns);
        else problems.push(`ip netns delete ${ns}: ${result.stderr.trim()}`);
      }
      for (const ns of created) {
        const problem = removeNetnsEtc(ns);
        if (problem) problems.push(problem);
      }
      try {
        rmSync(dir, { recursive: true, force: true });
      } catch (error) {
        problems.push(`removing ${dir}: ${(error as Error).message}`);
      }
      unregister();
      return { processesStopped: processes.all().length, namespacesDeleted: deleted, problems };
    })();
    return teardownRun;
  }

  /**
   * Programs the lab did not start itself but that live in its namespaces — a guardian, a DHCP
   * client a revert restarted, a CLI a test ran there — would outlive `ip netns delete` (a
   * namespace only goes when its last process does). Every one of them is in a namespace this
   * lab created, so it is this lab's to end: by pid, as `ip netns pids` lists them.
   */
  async function stopNamespaceStragglers(namespaces: readonly string[] = created): Promise<void> {
    const pids = new Set<number>();
    for (const ns of namespaces) {
      const result = await runner.run(['ip', 'netns', 'pids', ns]);
      for (const token of result.stdout.split(/\s+/)) {
        const pid = Number(token);
        if (Number.isInteger(pid) && pid > 1 && pid !== process.pid) pids.add(pid);
      }
    }
    const signal = (pid: number, name: NodeJS.Signals | 0) => {
      try {
        process.kill(pid, name);
        return true;
      } catch {
        return false;
      }
    };
    const alive = () => [...pids].filter((pid) => signal(pid, 0));
    for (const pid of pids) signal(pid, 'SIGTERM');
    for (let attempt = 0; attempt < 20 && alive().length > 0; attempt++) {
      await new Promise((done) => setTimeout(done, 100));
    }
    for (const pid of alive()) signal(pid, 'SIGKILL');
  }

  async function addNamespace(ns: string): Promise<void> {
    if (teardownRun) throw new Error(`lab ${names.prefix} has been torn down`);
    expectSuccess(await runner.run(['ip', 'netns', 'add', ns]));
    if (teardownRun) {
      // Teardown began while `ip netns add` ran; it did not see this namespace, so remove it here.
      await runner.run(['ip', 'netns', 'delete', ns]);
      throw new Error(`lab ${names.prefix} was torn down while it was being built`);
    }
    created.push(ns);
    writeNetnsResolvConf(ns);
  }

  function owned(ns: string): string {
    if (!created.includes(ns)) throw new Error(`namespace "${ns}" does not belong to lab ${names.prefix}`);
    if (teardownRun) throw new Error(`lab ${names.prefix} has been torn down`);
    return ns;
  }

  async function exec(
    ns: string,
    argv: readonly string[],
    execOptions: ExecOptions = {},
  ): Promise<RunResult> {
    const result = await runner.run(['ip', 'netns', 'exec', owned(ns), ...argv], {
      timeoutMs: execOptions.timeoutMs,
    });
    return execOptions.check === false ? result : expectSuccess(result);
  }

  async function settle(ns: string): Promise<void> {
    await waitFor(`IPv6 duplicate address detection in ${ns}`, DAD_WAIT, async (problem) => {
      const result = expectSuccess(
        await runner.run(['ip', '-n', owned(ns), '-6', 'addr', 'show', 'tentative']),
      );
      return result.stdout.trim() === '' ? true : problem(result.stdout.trim());
    });
  }

  const dhcp = createDhcpClients({ dir, exec, processes });

  async function rebootHost(): Promise<void> {
    const hostNs = owned(names.hostNs);
    for (const started of processes.all()) if (started.ns === hostNs) await processes.stop(started);
    await stopNamespaceStragglers([hostNs]);
    expectSuccess(await runner.run(['ip', 'netns', 'delete', hostNs]));
    // The kernel destroys a deleted namespace's devices in the background: wait for the switch end.
    await waitFor('the old host uplink to go', PORT_GONE_WAIT, async (problem) => {
      const shown = await runner.run(['ip', '-n', names.routerNs, 'link', 'show', names.routerHostPort]);
      return succeeded(shown) ? problem(`${names.routerHostPort} still exists`) : true;
    });
    // The veth went with the namespace; its switch end too. A fresh namespace of the same name gets a
    // fresh pair with the same MAC, as a rebooted machine keeps its NIC.
    expectSuccess(await runner.run(['ip', 'netns', 'add', hostNs]));
    writeNetnsResolvConf(hostNs);
    await plugIntoSwitch(wiring, names, names.routerHostPort, hostNs, uplink, { mtu, mac: hostMac });
    await bringUpHostLinks(wiring, hostNs, uplink);
  }

  try {
    for (const ns of [names.routerNs, names.hostNs, names.peerNs]) await addNamespace(ns);
    await buildRouter(wiring, names, mtu);
    await plugIntoSwitch(wiring, names, names.routerHostPort, names.hostNs, uplink, { mtu, mac: hostMac });
    await plugIntoSwitch(wiring, names, names.routerPeerPort, names.peerNs, names.peerLink, { mtu });
    await buildPeer(wiring, names);
    await bringUpHostLinks(wiring, names.hostNs, uplink);

    const dnsmasqPid = join(dir, 'dnsmasq.pid');
    const dnsmasq = await processes.start(
      names.routerNs,
      dnsmasqArgv({
        switchBridge: names.switchBridge,
        hostMac,
        leaseTime: options.leaseTime ?? '1h',
        dns: options.dns ?? false,
        reservation: options.reservation ?? true,
        files: { leaseFile: join(dir, 'dnsmasq.leases'), pidFile: dnsmasqPid },
      }),
      { label: 'dnsmasq', privateMounts: true },
    );
    // dnsmasq writes its pid file once its DHCP socket is bound: from then on it answers.
    await waitFor('dnsmasq to start', DNSMASQ_READY, async (problem) => {
      if (dnsmasq.hasExited()) throw new Error(`dnsmasq exited: ${dnsmasq.readLog().trim()}`);
      const text = existsSync(dnsmasqPid) ? readFileSync(dnsmasqPid, 'utf8').trim() : '';
      return text === String(dnsmasq.pid) ? true : problem(`pid file says "${text}"`);
    });

    let dhcpClient: LabProcess | null = null;
    let hostAddress: string;
    if (addressing.kind === 'dhcp') {
      if (addressing.keepClient) {
        const kept = await dhcp.leaseKept(names.hostNs, uplink, addressing.leaseLifetimes ?? false);
        dhcpClient = kept.client;
        hostAddress = kept.lease.address;
      } else {
        hostAddress = (await dhcp.leaseOnce(names.hostNs, uplink, addressing.leaseLifetimes ?? false))
          .address;
      }
    } else {
      const first = addressing.addresses[0];
      if (!first) throw new Error('a static lab needs at least one address');
      await configureStaticHost(wiring, names.hostNs, uplink, {
        addresses: addressing.addresses,
        gateway: addressing.gateway === undefined ? LAN.gateway : addressing.gateway,
        routes: addressing.routes ?? [],
        rules: addressing.rules ?? [],
      });
      hostAddress = first.split('/')[0] ?? first;
    }
    if (options.settleIpv6 ?? true) for (const ns of created) await settle(ns);

    const lab: Lab = {
      names,
      prefix: names.prefix,
      dir,
      ns: { router: names.routerNs, host: names.hostNs, peer: names.peerNs },
      uplink,
      hostMac,
      mtu,
      hostAddress,
      gateway: LAN.gateway,
      peerAddress: LAN.peer,
      dhcpClient,
      dnsmasq,
      namespaces: () => [...created],
      processes: () => [...processes.all()],
      exec,
      spawn: (ns, argv, spawnOptions = {}) =>
        processes.start(owned(ns), argv, {
          label: spawnOptions.label ?? argv[0]?.split('/').pop() ?? 'process',
          privateMounts: spawnOptions.privateMounts ?? false,
        }),
      stop: (process) => processes.stop(process),
      snapshot: (ns) => snapshotNamespace(runner, owned(ns)),
      ping: async (ns, address, count = 3, timeoutSec = 1) => {
        const timeoutMs = pingTimeoutMs(count, timeoutSec);
        return parsePing(await exec(ns, pingArgv(address, count, timeoutSec), { check: false, timeoutMs }));
      },
      addVm: async (name) => {
        vmCount += 1;
        const vm = vmNames(names.prefix, name ?? `v${vmCount}`, vmCount);
        await addNamespace(vm.ns);
        await buildVm(wiring, names.hostNs, vm, mtu);
        const handle: LabVm = {
          name: name ?? `v${vmCount}`,
          ...vm,
          dhcp: () => dhcp.leaseOnce(vm.ns, vm.guestLink),
        };
        return handle;
      },
      openTcpSession: (sessionOptions = {}) =>
        openTcpSession(
          { runner, processes, dir },
          {
            serverNs: owned(sessionOptions.serverNs ?? names.hostNs),
            clientNs: owned(sessionOptions.clientNs ?? names.peerNs),
            serverAddress: sessionOptions.serverAddress ?? hostAddress,
            port: sessionOptions.port ?? 7007,
          },
        ),
      rebootHost,
      settle,
      teardown,
    };
    return lab;
  } catch (error) {
    await teardown();
    throw error;
  }
}
