/**
 * A plan whose undo the revert allowlist would refuse is blocked before it can be applied: an
 * applied change that the guardian and `rollback` may not undo would stay on the host for good.
 */
import { describe, expect, it } from 'vitest';
import type { HostSnapshot } from '../../../source/host/snapshot.js';
import { buildPlan } from '../../../source/plan/build.js';
import { bridgeNameProblem } from '../../../source/plan/names.js';
import { revertCommandProblem } from '../../../source/plan/revert-allowlist.js';
import type { Plan } from '../../../source/plan/types.js';
import { baseSnapshot, request } from './fixtures.js';

const blockerIds = (plan: Plan) =>
  plan.verdicts.filter((verdict) => verdict.level === 'blocker').map((verdict) => verdict.id);

/** The base host with its uplink ens18 renamed everywhere it appears. */
function uplinkNamed(name: string): HostSnapshot {
  return JSON.parse(JSON.stringify(baseSnapshot()).replaceAll('ens18', name)) as HostSnapshot;
}

describe('an undo the revert would refuse', () => {
  it.each(['exec', 'netns', '-n', '-force'])('blocks the plan for an uplink named %s', (name) => {
    const plan = buildPlan(uplinkNamed(name), request({ nic: name }));
    expect(plan.steps.length).toBeGreaterThan(0);
    expect(blockerIds(plan)).toEqual(['undo-would-be-refused']);
    expect(plan.blocked).toBe(true);
    const verdict = plan.verdicts.find((v) => v.id === 'undo-would-be-refused');
    expect(verdict?.reason).toMatch(/^The undo of step ".*" would be refused by the revert: .*"/);
    expect(verdict?.fix).toMatch(/Choose another bridge name/);
  });

  it('does not block an ordinary uplink, whose every inverse the revert allows', () => {
    const plan = buildPlan(uplinkNamed('eth7'), request({ nic: 'eth7' }));
    expect(blockerIds(plan)).toEqual([]);
    expect(plan.steps.flatMap((s) => s.inverse).map(revertCommandProblem)).not.toContain(expect.any(String));
  });

  it.each(['exec', 'netns', '-b', '-batch', '-n', '-netns', '-force', '-x'])(
    'refuses a bridge named %s before planning any step',
    (name) => {
      expect(bridgeNameProblem(name)).not.toBeNull();
      const plan = buildPlan(baseSnapshot(), request({ bridge: name }));
      expect(blockerIds(plan)).toContain('invalid-bridge-name');
      expect(plan.blocked).toBe(true);
    },
  );

  it('accepts a bridge name with "-" inside it', () => {
    expect(bridgeNameProblem('br-lan')).toBeNull();
  });
});
