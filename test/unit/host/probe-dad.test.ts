/**
 * The probe waits (bounded, on a virtual clock) for the uplink's IPv6 duplicate address detection
 * before it takes addresses and routes, so a pre-state is not taken half way through DAD.
 */
import { describe, expect, it } from 'vitest';
import { probeHost } from '../../../source/host/probe.js';
import type { ProbeEvent } from '../../../source/host/probe-api.js';
import { DAD_WAIT } from '../../../source/host/probes/dad.js';
import { argvKey, type Runner } from '../../../source/system/runner.js';
import { cmd, fakeHost } from './fake-host.js';
import { proxmoxVmSpec, SSH_CONNECTION } from './probe-host-spec.js';

const LINK_LOCAL = 'fe80::be24:11ff:fe7e:214d';
const ADDRESSES = cmd('ip', '-j', 'address', 'show');
const ROUTES6 = cmd('ip', '-6', '-j', 'route', 'show', 'table', 'all');
const DAD = cmd('ip', '-j', '-6', 'address', 'show', 'dev', 'ens18');

/** The Proxmox host whose ens18 has a link-local address that is `flags` (tentative…) or settled. */
function withLinkLocal(flags: Record<string, boolean>) {
  const spec = proxmoxVmSpec();
  const all = JSON.parse(spec.commands[ADDRESSES]?.stdout ?? '[]') as Array<{
    ifname: string;
    addr_info: object[];
  }>;
  const info = {
    family: 'inet6',
    local: LINK_LOCAL,
    prefixlen: 64,
    scope: 'link',
    ...flags,
    valid_life_time: 4294967295,
    preferred_life_time: 4294967295,
  };
  const addresses = all.map((link) =>
    link.ifname === 'ens18' ? { ...link, addr_info: [...link.addr_info, info] } : link,
  );
  const ens18 = addresses.filter((link) => link.ifname === 'ens18');
  const v6 = ens18.map((link) => ({ ...link, addr_info: [info] }));
  return { addresses: JSON.stringify(addresses), dad: JSON.stringify(v6) };
}

const LOCAL_ROUTE = JSON.stringify([
  { type: 'local', dst: LINK_LOCAL, table: 'local', protocol: 'kernel', dev: 'ens18', metric: 0, flags: [] },
]);

/** Time moves only when the probe sleeps or polls (each poll of `ip` costs POLL_MS). */
const POLL_MS = 20;
function virtualClock(sleeps: number[]) {
  let now = 0;
  return {
    now: () => now,
    advance: (ms: number) => {
      now += ms;
    },
    sleep: async (ms: number) => {
      sleeps.push(ms);
      now += ms;
    },
  };
}

/** A kernel whose DAD on ens18 ends after `polls` looks (never, with Infinity). */
function dadKernel(polls: number) {
  const spec = proxmoxVmSpec();
  const tentative = withLinkLocal({ tentative: true });
  const settled = withLinkLocal({});
  spec.commands[ADDRESSES] = { stdout: tentative.addresses };
  spec.commands[ROUTES6] = { stdout: '[]' };
  const host = fakeHost(spec);
  const sleeps: number[] = [];
  const clock = virtualClock(sleeps);
  let looks = 0;
  const runner: Runner = {
    async run(argv, options) {
      const key = argvKey(argv);
      if (key === DAD) {
        looks++;
        clock.advance(POLL_MS);
      }
      const done = looks >= polls;
      if (key === DAD)
        return {
          ...(await host.runner.run(['ip', '-j', 'address', 'show'])),
          argv: [...argv],
          stdout: done ? settled.dad : tentative.dad,
        };
      if (done && key === ADDRESSES)
        return { ...(await host.runner.run(argv, options)), stdout: settled.addresses };
      if (done && key === ROUTES6) return { ...(await host.runner.run(argv, options)), stdout: LOCAL_ROUTE };
      return host.runner.run(argv, options);
    },
  };
  const events: ProbeEvent[] = [];
  const probe = () =>
    probeHost(
      {
        runner,
        files: host.files,
        env: { uid: 0, sshConnection: SSH_CONNECTION, rootDir: '/' },
        clock,
      },
      (event) => events.push(event),
    );
  return { probe, sleeps, events, calls: host.calls };
}

describe('probeHost and the uplink’s IPv6 duplicate address detection', () => {
  it('waits until the link-local address is no longer tentative, then takes addresses and routes', async () => {
    const kernel = dadKernel(3);
    const snapshot = await kernel.probe();
    expect(kernel.sleeps).toEqual([100, 100, 100]);
    const linkLocal = snapshot.addresses.find((address) => address.local === LINK_LOCAL);
    expect(linkLocal?.flags).toEqual([]);
    expect(snapshot.routes.some((route) => route.table === 'local' && route.dst === LINK_LOCAL)).toBe(true);
    // The probe line says what it waits for while it runs, and how it ended.
    expect(kernel.events.filter((event) => event.name === 'ipv6-dad')).toEqual([
      {
        name: 'ipv6-dad',
        state: 'running',
        note: `waiting up to 3 s for IPv6 duplicate address detection on ens18 (${LINK_LOCAL})`,
      },
      { name: 'ipv6-dad', state: 'ok', note: 'ens18: IPv6 duplicate address detection ended after 0.4 s' },
    ]);
  });

  it('gives up after 3 s by the clock (polls take time too) and keeps what it first saw, saying so', async () => {
    const kernel = dadKernel(Number.POSITIVE_INFINITY);
    const snapshot = await kernel.probe();
    expect(kernel.sleeps).toHaveLength(DAD_WAIT.limitMs / (DAD_WAIT.intervalMs + POLL_MS));
    expect(snapshot.addresses.find((address) => address.local === LINK_LOCAL)?.flags).toEqual(['tentative']);
    expect(snapshot.probes.find((record) => record.name === 'ipv6-dad')).toMatchObject({
      ok: true,
      note: `ens18: ${LINK_LOCAL} still tentative after 3 s; taken as it is`,
    });
  });

  it('does not wait, nor run anything more, when nothing on the uplink is in DAD (or DAD failed)', async () => {
    for (const flags of [{}, { tentative: true, dadfailed: true }] as Array<Record<string, boolean>>) {
      const spec = proxmoxVmSpec();
      spec.commands[ADDRESSES] = { stdout: withLinkLocal(flags).addresses };
      const host = fakeHost(spec);
      const sleeps: number[] = [];
      const events: ProbeEvent[] = [];
      await probeHost(
        {
          runner: host.runner,
          files: host.files,
          env: { uid: 0, sshConnection: SSH_CONNECTION, rootDir: '/' },
          clock: virtualClock(sleeps),
        },
        (event) => events.push(event),
      );
      expect(sleeps).toEqual([]);
      expect(host.calls.filter((argv) => argvKey(argv) === DAD)).toEqual([]);
      expect(events.filter((event) => event.name === 'ipv6-dad')).toEqual([
        { name: 'ipv6-dad', state: 'running' },
        { name: 'ipv6-dad', state: 'ok', note: null },
      ]);
    }
  });
});
