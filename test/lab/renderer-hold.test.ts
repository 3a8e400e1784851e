/**
 * The renderer hold against the real systemd-networkd (shared notes, lab-recipes.md: "systemd-
 * networkd as the host's renderer"). The host namespace's ens18 is configured by networkd from a
 * netplan file under a scratch root (`netplan generate --root-dir ROOT`), the engine migrates it
 * with ROOT as --root-dir, and networkd is restarted while the change is pending — what any
 * `netplan apply` or package upgrade does:
 * - with the hold (and the keep-lease step that turns it into networkd's own bridge config), the
 *   bridge survives the restart: test/lab/networkd-keep-revert.test.ts, on the networkd machine
 *   whose bus `networkctl reload` needs;
 * - without it (the same plan minus the hold step), the same restart takes ens18 out of the bridge
 *   and breaks the session: the control that shows the hold is what makes the difference.
 *
 * networkd runs in a private mount namespace: a tmpfs over /run/systemd (so nothing is created in
 * the machine's /run), ROOT/run/systemd/network bound onto /run/systemd/network, /sys read-only so
 * it does not wait for udev. It is started through lab.spawn, so teardown ends it by pid, and its
 * state files are read through /proc/PID/root, i.e. inside its mount namespace. Needs root.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import type { Lab, LabProcess } from '../../source/lab/index.js';
import { waitFor } from '../../source/lab/wait.js';
import { type LabEngine, withLabEngine } from './helpers/engine-lab.js';
import { withLab } from './helpers/lab-state.js';

const NETPLAN = `network:
  version: 2
  ethernets:
    ens18:
      dhcp4: true
      dhcp-identifier: mac
`;

const NETWORKD_SCRIPT = `#!/bin/sh
# networkd-in-namespace NETWORK_DIR: run inside \`ip netns exec HOST unshare -m --propagation private\`.
set -e
mount -t tmpfs -o mode=0755 tmpfs /run/systemd
mkdir -p /run/systemd/netif/links /run/systemd/netif/leases /run/systemd/netif/lldp /run/systemd/network
chown -R systemd-network:systemd-network /run/systemd/netif
mount --bind "$1" /run/systemd/network
mount -o remount,ro /sys
SYSTEMD_LOG_TARGET=console exec /lib/systemd/systemd-networkd
`;

/** Every wait is bounded in attempts and time. */
const CONFIGURED = { attempts: 150, intervalMs: 100, timeoutMs: 15_000 };
const HANDLED = { attempts: 100, intervalMs: 100, timeoutMs: 10_000 };

interface JsonLink {
  ifname: string;
  ifindex: number;
  master?: string;
  flags: string[];
}
interface JsonRoute {
  dst: string;
  gateway?: string;
  dev: string;
  protocol?: string;
}

async function ipJson<T>(lab: Lab, ...args: string[]): Promise<T> {
  return JSON.parse((await lab.exec(lab.ns.host, ['ip', '-j', ...args])).stdout) as T;
}

const links = (lab: Lab) => ipJson<JsonLink[]>(lab, 'link', 'show');
const linkNamed = async (lab: Lab, name: string) => (await links(lab)).find((link) => link.ifname === name);
const defaultRoutes = (lab: Lab) => ipJson<JsonRoute[]>(lab, '-4', 'route', 'show', 'default');

/** The scratch root: the netplan file and what `netplan generate` renders from it. */
function prepareRoot(root: string): string {
  mkdirSync(join(root, 'etc/netplan'), { recursive: true });
  writeFileSync(join(root, 'etc/netplan/50-lab.yaml'), NETPLAN, { mode: 0o600 });
  return join(root, 'run/systemd/network');
}

async function netplanGenerate(lab: Lab, root: string): Promise<void> {
  // netplan only reads and writes under --root-dir; it runs in the host namespace all the same.
  await lab.exec(lab.ns.host, ['netplan', 'generate', '--root-dir', root], { timeoutMs: 30_000 });
}

function startNetworkd(lab: Lab, networkDir: string): Promise<LabProcess> {
  const script = join(lab.dir, 'networkd-in-namespace.sh');
  if (!existsSync(script)) writeFileSync(script, NETWORKD_SCRIPT, { mode: 0o700 });
  return lab.spawn(lab.ns.host, ['/bin/sh', script, networkDir], { label: 'networkd', privateMounts: true });
}

/** networkd's own record of a link (ADMIN_STATE=configured|unmanaged|...), read in its mount namespace. */
function adminState(networkd: LabProcess, ifindex: number): string | null {
  const path = `/proc/${networkd.pid}/root/run/systemd/netif/links/${ifindex}`;
  try {
    return /^ADMIN_STATE=(\S+)$/m.exec(readFileSync(path, 'utf8'))?.[1] ?? null;
  } catch {
    return null;
  }
}

async function ifindexOf(lab: Lab, name: string): Promise<number> {
  const link = await linkNamed(lab, name);
  if (!link) throw new Error(`no link ${name}`);
  return link.ifindex;
}

/** networkd configured ens18 from netplan: its lease on ens18 and its default route. */
async function waitUntilNetworkdOwnsUplink(lab: Lab, networkd: LabProcess): Promise<void> {
  const ens18 = await ifindexOf(lab, 'ens18');
  await waitFor('networkd to configure ens18 by DHCP', CONFIGURED, async (problem) => {
    if (networkd.hasExited()) throw new Error(`networkd exited: ${networkd.readLog()}`);
    const state = adminState(networkd, ens18);
    const routes = await defaultRoutes(lab);
    const dhcpRoute = routes.some((route) => route.dev === 'ens18' && route.protocol === 'dhcp');
    return state === 'configured' && dhcpRoute && routes.length === 1
      ? true
      : problem(`ADMIN_STATE=${state}, default routes ${JSON.stringify(routes)}`);
  });
}

/** Restarts networkd the way `systemctl restart` would: stop it by pid, start it again. */
async function restartNetworkd(lab: Lab, networkd: LabProcess, networkDir: string): Promise<LabProcess> {
  expect(await lab.stop(networkd)).toBe('terminated');
  return startNetworkd(lab, networkDir);
}

/** The lab host as networkd configures it from the netplan file under the engine's --root-dir. */
async function startNetworkdHost(
  lab: Lab,
  setup: LabEngine,
): Promise<{ networkd: LabProcess; networkDir: string }> {
  const root = setup.deps.env.rootDir;
  const networkDir = prepareRoot(root);
  await netplanGenerate(lab, root);
  expect(readdirSync(networkDir)).toEqual(['10-netplan-ens18.network']);
  // The lab's one-shot DHCP client configured ens18; a networkd host has only networkd's config.
  await lab.exec(lab.ns.host, ['ip', '-4', 'addr', 'flush', 'dev', 'ens18']);
  const networkd = await startNetworkd(lab, networkDir);
  await waitUntilNetworkdOwnsUplink(lab, networkd);
  await lab.settle(lab.ns.host);
  return { networkd, networkDir };
}

/**
 * Plans and applies the migration without the hold, and without the keep-lease step that follows
 * from it (its `networkctl reload` needs the networkd machine's own bus: see
 * test/lab/networkd-keep-*.test.ts); it stays pending. Whether the probe could read this
 * networkd's lease (its /run is private) only decides whether that step was planned.
 */
async function applyPlanWithoutHold(setup: LabEngine): Promise<void> {
  const snapshot = await setup.probe();
  const plan = setup.plan(snapshot);
  const blockers = plan.verdicts
    .filter((verdict) => verdict.level === 'blocker')
    .map((verdict) => verdict.id);
  expect(blockers.filter((id) => id !== 'lease-identity-unknown')).toEqual([]);
  expect(plan.verdicts.map((verdict) => verdict.id)).toContain('renderer-fights');
  const applied = {
    ...plan,
    blocked: false,
    steps: plan.steps.filter((step) => step.kind !== 'renderer-hold' && step.kind !== 'keep-lease'),
  };
  expect(applied.steps.map((step) => step.kind)).toEqual(['stage-bridge', 'cutover']);
  const outcome = await setup.engine.start({ plan: applied, preState: snapshot, timeoutSec: 120 });
  expect(outcome.kind).toBe('pending');
}

describe('the renderer hold with systemd-networkd', () => {
  test('control: without the hold, the same restart takes ens18 out of the bridge and the session dies', async () => {
    await withLab({ host: { kind: 'dhcp' } }, async (lab) => {
      await withLabEngine(lab, {}, async (setup) => {
        const { networkd, networkDir } = await startNetworkdHost(lab, setup);
        const session = await lab.openTcpSession();
        await applyPlanWithoutHold(setup);
        expect(await session.echo()).toEqual({ ok: true, detail: 'ok' });
        expect(readdirSync(networkDir)).toEqual(['10-netplan-ens18.network']);
        expect((await linkNamed(lab, 'ens18'))?.master).toBe('fcbr0');

        const restarted = await restartNetworkd(lab, networkd, networkDir);
        await waitFor('the restarted networkd to take ens18 back', HANDLED, async (problem) => {
          if (restarted.hasExited()) throw new Error(`networkd exited: ${restarted.readLog()}`);
          const master = (await linkNamed(lab, 'ens18'))?.master;
          return master === undefined ? true : problem(`ens18's master is ${master}`);
        });
        // Then it runs DHCP on ens18 again: a second default route, and the bridge's is left dead.
        await waitFor('networkd to renew the lease on ens18', HANDLED, async (problem) => {
          const routes = await defaultRoutes(lab);
          return routes.some((route) => route.dev === 'ens18' && route.protocol === 'dhcp')
            ? true
            : problem(JSON.stringify(routes));
        });
        const routes = await defaultRoutes(lab);
        expect(routes).toHaveLength(2);
        expect(routes).toEqual(
          expect.arrayContaining([
            expect.objectContaining({ dev: 'fcbr0', flags: ['linkdown'] }),
            expect.objectContaining({ dev: 'ens18', protocol: 'dhcp' }),
          ]),
        );
        expect((await session.echo()).ok).toBe(false);
      });
    });
  });
});
