/**
 * Properties of plans for generated hosts, checked against the kernel model:
 * - buildPlan never throws, every step has an inverse, and no argv or batch line carries an
 *   unchecked name or a token `ip -batch` would split;
 * - running the steps moves every address, route and rule of the uplink to the bridge and leaves
 *   everything else alone; running the inverses in reverse gives back the exact starting state.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { HostSnapshot } from '../../../source/host/snapshot.js';
import { buildPlan } from '../../../source/plan/build.js';
import { bridgeNameProblem, isValidInterfaceName } from '../../../source/plan/names.js';
import { isBatchSafe } from '../../../source/plan/tokens.js';
import type { Command, Plan } from '../../../source/plan/types.js';
import { isMovable } from '../../../source/plan/uplink-state.js';
import { natRule, request } from './fixtures.js';
import { type HostSpec, hostArbitrary, snapshotFromSpec } from './generators.js';
import { natSetup } from './hosts.js';
import type { ModelState } from './kernel-model.js';
import { applyCommand } from './model-commands.js';
import { canonical, modelFromSnapshot } from './model-snapshot.js';

const RUNS = 300;
const NAME_KEYWORDS = new Set(['dev', 'master', 'iif', 'oif']);
/** iproute2 reads an abbreviated keyword where a name stands bare, so every name follows one. */

function planFor(spec: HostSpec): { snapshot: HostSnapshot; plan: Plan } {
  const snapshot = snapshotFromSpec(spec);
  const plan = buildPlan(snapshot, request({ nic: spec.autoNic ? null : spec.nic, bridge: spec.bridge }));
  return { snapshot, plan };
}

/** Names in a command: after dev/master/iif/oif, the device of `link set|add|del`, labels' prefix. */
function namesIn(tokens: string[]): string[] {
  const names: string[] = [];
  tokens.forEach((token, index) => {
    const next = tokens[index + 1];
    if (next === undefined) return;
    if (NAME_KEYWORDS.has(token)) names.push(next);
    if (token === 'label') names.push(next.split(':')[0] as string);
    if (token === 'name' && tokens[index - 2] === 'link') names.push(next);
  });
  return names;
}

function tokensOf(command: Command): string[][] {
  if (command.kind === 'ip-batch') return command.lines;
  // A runtime file's names are checked where the hold builds it (renderer-hold.test.ts).
  if (command.kind === 'write-file' || command.kind === 'remove-file') return [];
  if (command.kind === 'signal') return [[String(command.pid)]];
  return [command.argv];
}

describe('plans for generated hosts', () => {
  it('never throw, invert every step, and carry only checked names and batch-safe tokens', () => {
    fc.assert(
      fc.property(hostArbitrary, (spec) => {
        const { plan } = planFor(spec);
        for (const step of plan.steps) {
          expect(step.inverse.length, step.id).toBeGreaterThan(0);
          for (const command of [...step.commands, ...step.inverse]) {
            for (const tokens of tokensOf(command)) {
              for (const name of namesIn(tokens))
                expect(isValidInterfaceName(name), `${name} in ${tokens.join(' ')}`).toBe(true);
            }
            if (command.kind === 'ip-batch')
              for (const line of command.lines)
                for (const token of line) expect(isBatchSafe(token), token).toBe(true);
          }
        }
        if (!isValidInterfaceName(spec.bridge)) {
          expect(plan.verdicts.map((verdict) => verdict.id)).toContain('invalid-bridge-name');
          expect(plan.steps).toEqual([]);
        }
      }),
      { numRuns: RUNS },
    );
  });

  it('move everything on the uplink to the bridge, and their inverses restore the exact state', () => {
    // A NIC named like an ip keyword ("fd", "bc": iproute2's BPF words) is refused by the revert
    // allowlist, so its plan is blocked (undo-would-be-refused, tested in unrevertable tests).
    const valid = hostArbitrary.filter(
      (spec) =>
        bridgeNameProblem(spec.nic) === null &&
        bridgeNameProblem(spec.bridge) === null &&
        spec.nic !== spec.bridge,
    );
    fc.assert(
      fc.property(valid, (spec) => {
        const { snapshot, plan } = planFor(spec);
        // A leased address that no client renews would lapse on the bridge: that plan is refused.
        const lapses = spec.v4.some((entry) => entry.dynamic) && !spec.dhclient;
        expect(
          plan.verdicts.filter((verdict) => verdict.level === 'blocker').map((verdict) => verdict.id),
        ).toEqual(lapses ? ['lease-no-keeper'] : []);
        if (lapses) return;
        const model = modelFromSnapshot(snapshot);
        const ipv6Order = !snapshot.addresses.some((address) => address.flags.includes('temporary'));
        const start = structuredClone(canonical(model, { ipv6Order }));

        for (const step of plan.steps) for (const command of step.commands) applyCommand(model, command);
        expectMoved(model, snapshot, spec.nic, spec.bridge);

        for (const step of [...plan.steps].reverse())
          for (const command of step.inverse) applyCommand(model, command);
        model.links.delete(spec.bridge);
        expect(canonical(model, { ipv6Order })).toEqual(start);
      }),
      { numRuns: RUNS },
    );
  });
});

function expectMoved(model: ModelState, snapshot: HostSnapshot, nic: string, bridge: string): void {
  expect(model.links.get(nic)?.master).toBe(bridge);
  const movable = snapshot.addresses.filter((address) => address.ifname === nic && isMovable(address));
  for (const address of movable) {
    const on = (dev: string) =>
      model.addresses.some(
        (candidate) =>
          candidate.dev === dev &&
          candidate.local === address.local &&
          candidate.prefixlen === address.prefixlen,
      );
    expect(on(bridge), `${address.local} on ${bridge}`).toBe(true);
    expect(on(nic), `${address.local} left on ${nic}`).toBe(false);
  }
  // Nothing but link-local and temporary addresses stays on the uplink.
  for (const address of model.addresses.filter((candidate) => candidate.dev === nic)) {
    expect(
      address.local.startsWith('fe80') ||
        snapshot.addresses.some((a) => a.local === address.local && a.flags.includes('temporary')),
    ).toBe(true);
  }
  for (const route of model.routes) expect(route.devs, route.attributes.join(' ')).not.toContain(nic);
  for (const rule of model.rules) expect(rule.spec).not.toMatch(new RegExp(`(iif|oif) ${nic}( |$)`));
  const namingNic = snapshot.rules.filter(
    (candidate) => candidate.iif === nic || candidate.oif === nic,
  ).length;
  expect(
    model.rules.filter((candidate) => new RegExp(`(iif|oif) ${bridge}( |$)`).test(candidate.spec)),
  ).toHaveLength(namingNic);
  // The other NIC keeps its address and routes.
  expect(model.addresses.some((address) => address.dev === 'eth9' && address.local === '192.0.2.5')).toBe(
    true,
  );
  expect(model.routes.some((route) => route.devs.includes('eth9'))).toBe(true);
}

describe('NAT removal for generated chains', () => {
  const chainArbitrary = fc.record({
    source: fc.constantFrom('iptables' as const, 'nftables' as const),
    related: fc.array(fc.boolean(), { minLength: 1, maxLength: 6 }).filter((flags) => flags.includes(true)),
  });

  it('puts every rule back at its position in its chain', () => {
    fc.assert(
      fc.property(chainArbitrary, ({ source, related }) => {
        const snapshot = natSetup();
        snapshot.netfilter.natRules = related.map((isRelated, index) => {
          const prefix = isRelated ? '203.0.113.0/24' : `198.18.${index}.0/24`;
          const spec = [
            '-s',
            prefix,
            '-o',
            'ens18',
            '-m',
            'comment',
            '--comment',
            `rule ${index}`,
            '-j',
            'MASQUERADE',
          ];
          return natRule({
            source,
            text:
              source === 'iptables'
                ? `-A POSTROUTING ${spec.join(' ')}`
                : `ip saddr ${prefix} oifname "ens18" masquerade comment "rule ${index}"`,
            spec: source === 'iptables' ? spec : [],
            handle: source === 'nftables' ? 10 + index : null,
            table: source === 'iptables' ? 'nat' : 'fcnat',
            chain: source === 'iptables' ? 'POSTROUTING' : 'postrouting',
            position: index + 1,
            sourcePrefixes: [prefix],
            interfaces: ['ens18'],
          });
        });
        const plan = buildPlan(snapshot, request());
        const step = plan.steps.find((candidate) => candidate.kind === 'remove-nat');
        expect(step).toBeDefined();
        const model = modelFromSnapshot(snapshot);
        const start = structuredClone(canonical(model));
        for (const command of step?.commands ?? []) applyCommand(model, command);
        const left = [...model.chains.values()].flat();
        expect(left).toHaveLength(related.filter((flag) => !flag).length);
        for (const command of step?.inverse ?? []) applyCommand(model, command);
        expect(canonical(model)).toEqual(start);
      }),
      { numRuns: 200 },
    );
  });
});
