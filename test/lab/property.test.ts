/**
 * Property test on the real kernel: for generated host setups (1–4 IPv4 addresses on the uplink,
 * extra routes with metrics in the main table and in numbered tables, policy rules naming the
 * uplink, an MTU), each built in a fresh static lab, the engine applies the plan and a second
 * engine reverts it. After apply nothing IPv4 is left on the uplink and every route moved to the
 * bridge; after revert the namespace is exactly its pre-state (as `ip -j` prints it, lifetimes
 * aside) and the TCP session the peer opened before is still alive.
 *
 * fast-check prints the seed and the counterexample when it fails; rerun one with
 * BM_PROPERTY_SEED=<seed> (and BM_PROPERTY_PATH=<path> to replay just the failing case).
 * Bounded for CI: 25 runs, and the whole property, shrinking included, stops after 4 minutes.
 */
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import type { StaticRoute, StaticRule } from '../../source/lab/types.js';
import { comparable, withLabEngine } from './helpers/engine-lab.js';
import { withLab } from './helpers/lab-state.js';

interface HostSetup {
  addresses: string[];
  routes: StaticRoute[];
  rules: StaticRule[];
  mtu: number;
}

const PRIMARY = '198.51.100.240/24';
const MORE_ADDRESSES = [
  '198.51.100.241/24',
  '198.51.100.242/24',
  '203.0.113.10/24',
  '203.0.113.70/26',
  '203.0.113.130/25',
  '203.0.113.200/28',
];
const DESTINATIONS = [
  'default',
  '203.0.113.0/26',
  '203.0.113.64/26',
  '203.0.113.128/25',
  '198.51.100.128/28',
];

const route: fc.Arbitrary<StaticRoute> = fc
  .record({
    to: fc.constantFrom(...DESTINATIONS),
    via: fc.option(fc.constant('198.51.100.1'), { nil: undefined }),
    metric: fc.option(fc.integer({ min: 1, max: 1000 }), { nil: undefined }),
    table: fc.option(fc.integer({ min: 100, max: 103 }), { nil: undefined }),
  })
  // The lab adds "default via 198.51.100.1" (main table, metric 0) itself; never the same key again.
  .map((candidate) =>
    candidate.to === 'default' && candidate.table === undefined && candidate.metric === undefined
      ? { ...candidate, metric: 100 }
      : candidate,
  )
  .map(
    (candidate) =>
      Object.fromEntries(
        Object.entries(candidate).filter(([, value]) => value !== undefined),
      ) as unknown as StaticRoute,
  );

const rule: fc.Arbitrary<StaticRule> = fc
  .record({
    priority: fc.integer({ min: 1000, max: 30000 }),
    table: fc.integer({ min: 100, max: 103 }),
    direction: fc.constantFrom('iif', 'oif'),
    from: fc.option(fc.constantFrom('198.51.100.241', '203.0.113.0/24'), { nil: undefined }),
  })
  .map(
    ({ direction, from, ...rest }) =>
      ({ ...rest, [direction]: 'ens18', ...(from ? { from } : {}) }) as StaticRule,
  );

/** The network of an address ("203.0.113.70/26" → "203.0.113.64/26"): the kernel's prefix route. */
function networkOf(address: string): string {
  const [ip = '', bits = '32'] = address.split('/');
  const mask = Number(bits) === 0 ? 0 : (~0 << (32 - Number(bits))) >>> 0;
  const value = ip.split('.').reduce((sum, octet) => sum * 256 + Number(octet), 0) & mask;
  return `${[24, 16, 8, 0].map((shift) => (value >>> shift) & 255).join('.')}/${bits}`;
}

const hostSetup: fc.Arbitrary<HostSetup> = fc
  .record({
    addresses: fc.shuffledSubarray(MORE_ADDRESSES, { maxLength: 3 }).map((more) => [PRIMARY, ...more]),
    routes: fc.uniqueArray(route, {
      maxLength: 3,
      selector: (candidate) => `${candidate.to}|${candidate.metric ?? 0}|${candidate.table ?? 'main'}`,
    }),
    // Distinct priorities: rules of equal priority are ordered by insertion, which a rule's del+add
    // on the way in and out does not keep (a finding for the planner, see the report).
    rules: fc.uniqueArray(rule, { maxLength: 2, selector: (candidate) => candidate.priority }),
    mtu: fc.integer({ min: 1280, max: 9000 }),
  })
  // The kernel adds each address's prefix route (main table, metric 0) itself: the same route
  // added again by the lab fails with "File exists" before the tool runs (seed 1232897450).
  .map((setup) => {
    const kernel = new Set(setup.addresses.map(networkOf));
    const routes = setup.routes.filter(
      (candidate) =>
        !(kernel.has(candidate.to) && candidate.table === undefined && candidate.metric === undefined),
    );
    return { ...setup, routes };
  });

interface JsonRoute {
  dev?: string;
  table?: string;
  protocol?: string;
}

async function checkOneSetup(setup: HostSetup): Promise<void> {
  await withLab(
    {
      host: { kind: 'static', addresses: setup.addresses, routes: setup.routes, rules: setup.rules },
      mtu: setup.mtu,
    },
    async (lab) => {
      await withLabEngine(lab, {}, async (engine) => {
        const session = await lab.openTcpSession();
        const before = await lab.snapshot(lab.ns.host);
        const snapshot = await engine.probe();
        const plan = engine.plan(snapshot);
        expect(plan.verdicts.filter((verdict) => verdict.level === 'blocker')).toEqual([]);

        const outcome = await engine.engine.start({ plan, preState: snapshot, timeoutSec: 120 });
        expect(outcome.kind === 'pending' ? 'pending' : JSON.stringify(outcome)).toBe('pending');
        const moved = (json: string, dev: string) =>
          (JSON.parse(json) as JsonRoute[]).filter(
            (entry) => entry.dev === dev && entry.table !== 'local' && entry.protocol !== 'kernel',
          ).length;
        const after = await lab.snapshot(lab.ns.host);
        expect(moved(after.routes4, 'ens18')).toBe(0);
        expect(moved(after.routes4, 'fcbr0')).toBe(moved(before.routes4, 'ens18'));
        const uplink = (
          JSON.parse(after.addresses) as Array<{ ifname: string; addr_info: Array<{ family: string }> }>
        ).find((link) => link.ifname === 'ens18');
        expect(uplink?.addr_info.filter((info) => info.family === 'inet')).toEqual([]);
        expect(await session.echo()).toEqual({ ok: true, detail: 'ok' });

        const revert = await engine.another().revert('operator');
        expect(revert).toMatchObject({ kind: 'reverted', differences: [], manualCommands: [] });
        expect(comparable(await lab.snapshot(lab.ns.host))).toEqual(comparable(before));
        expect(await session.echo()).toEqual({ ok: true, detail: 'ok' });
      });
    },
  );
}

describe('apply then revert, on generated hosts', () => {
  test('every generated host comes back exactly, and the peer session lives through both', {
    timeout: 300_000,
  }, async () => {
    const seed = process.env.BM_PROPERTY_SEED ? Number(process.env.BM_PROPERTY_SEED) : undefined;
    const path = process.env.BM_PROPERTY_PATH;
    const started = performance.now();
    await fc.assert(fc.asyncProperty(hostSetup, checkOneSetup), {
      numRuns: 25,
      interruptAfterTimeLimit: 240_000,
      markInterruptAsFailure: true,
      ...(seed !== undefined ? { seed } : {}),
      ...(path ? { path } : {}),
    });
    console.log(
      `25 generated hosts applied and reverted in ${((performance.now() - started) / 1000).toFixed(1)} s`,
    );
  });
});
