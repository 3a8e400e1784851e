import { describe, expect, it } from 'vitest';
import { buildOperatorCommands } from '../../source/plan/operator-commands.js';
import { renderPlanText } from '../../source/ui/plan-text.js';
import { blockedPlan, proxmoxPlan, typographicPlan } from './fixtures.js';

describe('renderPlanText', () => {
  const text = renderPlanText(proxmoxPlan(), { ascii: false });

  it('names the change, the renderer and the deadline', () => {
    expect(text.split('\n')[0]).toBe('bridge-migrate plan: ens18 → fcbr0');
    expect(text).toContain('persist with: netplan');
    expect(text).toContain('reverted automatically after 120 s unless it is confirmed');
    expect(text).toContain('Confirm (best from a new SSH session): bridge-migrate confirm');
    expect(text).toContain('Roll back now:                         bridge-migrate rollback');
  });

  it('draws the topology before and after, ports under their bridge', () => {
    expect(text).toContain(
      [
        'Topology',
        '  before:',
        '    ens18 [uplink] 198.51.100.240/24 default route',
        '  after:',
        '    fcbr0 [bridge] 198.51.100.240/24 default route',
        '      └─ ens18 [port]',
      ].join('\n'),
    );
  });

  it('lists every verdict with its fix, blockers first', () => {
    const plan = proxmoxPlan();
    expect(text).toContain('Verdicts (0 blockers, 2 warnings, 1 info)');
    for (const verdict of plan.verdicts) {
      expect(text).toContain(verdict.reason);
      expect(text).toContain(`fix: ${verdict.fix}`);
    }
    expect(text.indexOf('[WARNING]')).toBeLessThan(text.indexOf('[info]'));
    expect(text).toContain('2 warnings must be acknowledged before applying.');
  });

  it('prints every command and its exact inverse, the batch as a here-document', () => {
    expect(text).toContain(
      [
        '  1. Create bridge fcbr0 with the MAC and MTU of ens18',
        '     No outage: the bridge is created empty, STP off, forward delay 0, and brought up.',
        '     run:',
        '       $ ip link add name fcbr0 type bridge stp_state 0 forward_delay 0',
        '       $ ip link set dev fcbr0 address 52:54:00:12:34:56 mtu 1500',
        '       $ ip link set dev fcbr0 up',
        '     undo (exact inverse):',
        '       $ ip link del dev fcbr0',
      ].join('\n'),
    );
    expect(text).toContain(
      [
        '     run:',
        "       $ ip -batch - <<'EOF'",
        '         link set dev ens18 master fcbr0',
        '         address add 198.51.100.240/24 dev fcbr0 broadcast 198.51.100.255',
      ].join('\n'),
    );
    expect(text).toContain('         link set dev ens18 nomaster\n         EOF');
    expect(text).toContain('       $ dhclient -4 -pf /run/dhclient.ens18.pid ens18 &');
    expect(text).toContain('(disruptive: runs as one batch)');
  });

  it('includes the config diff as written by the planner', () => {
    expect(text).toContain('  /etc/netplan/50-cloud-init.yaml (netplan): ens18 becomes a port of fcbr0');
    expect(text).toContain('    -      dhcp4: true');
    expect(text).toContain('    +  bridges:');
    expect(text).toContain('    +      dhcp-identifier: mac');
  });

  it('says plainly when the plan is blocked', () => {
    const blocked = renderPlanText(blockedPlan(), { ascii: false });
    expect(blocked).toContain('[BLOCKER] ens18 is a Wi-Fi interface');
    expect(blocked).toContain('This plan is blocked: nothing can be applied until every blocker is fixed.');
    expect(blocked).toContain('Steps\n  none (the plan is blocked)');
    // Nothing about a deadline or confirming: a blocked plan is never applied.
    expect(blocked).toContain('Deadline\n  none: the plan is blocked');
    expect(blocked).not.toContain('Confirm (best from a new SSH session)');
  });

  it('is pure ASCII in ASCII mode, even when the planner used typography', () => {
    const ascii = renderPlanText(typographicPlan(), { ascii: true });
    expect(ascii).toMatch(/^[\x09\x0a\x20-\x7e]*$/);
    expect(ascii).toContain('ens18 -> fcbr0');
    expect(ascii).toContain('SSH arrives over ens18 -- expect a short pause... "normal".');
    expect(ascii).toContain('      `- ens18 [port]');
  });
});

describe('the commands for another session', () => {
  it("are this run's, --state-dir included, when the caller gives them", () => {
    const text = renderPlanText(proxmoxPlan(), {
      ascii: false,
      commands: buildOperatorCommands({ stateDir: '/srv/bm' }),
    });
    expect(text).toContain(
      '  Confirm (best from a new SSH session): bridge-migrate confirm --state-dir /srv/bm\n',
    );
    expect(text).toContain(
      '  Roll back now:                         bridge-migrate rollback --yes --state-dir /srv/bm\n',
    );
  });
});
