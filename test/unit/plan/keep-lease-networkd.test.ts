import { describe, expect, it } from 'vitest';
import { buildPlan } from '../../../source/plan/build.js';
import { NETWORKD_LEASE_PATH } from '../../../source/plan/steps/networkd-lease-file.js';
import { NETWORKD_HOLD_PATH } from '../../../source/plan/steps/renderer-hold-files.js';
import type { Plan } from '../../../source/plan/types.js';
import { dhcpClient, HOST_ADDRESS, request, UPLINK_MAC, variant } from './fixtures.js';

const keep = (plan: Plan) => plan.steps.find((step) => step.kind === 'keep-lease');
const ids = (plan: Plan) => plan.verdicts.map((verdict) => verdict.id);

const BRIDGE_FILE = `# bridge-migrate: fcbr0 renews the DHCP lease ens18 had, with the same client id,
# while the migration is pending. Runtime only: replaced by the persisted config at confirm,
# removed by a revert, gone after a reboot.
[Match]
Name=fcbr0

[Network]
DHCP=ipv4
KeepConfiguration=dhcp

[DHCPv4]
ClientIdentifier=duid
IAID=3403165742
DUIDType=vendor
DUIDRawData=00:00:ab:11:00:33:bd:eb:f9:5e:19:2c
SendRelease=no
RouteMetric=100
`;

describe('networkd keeps the lease on a netplan/networkd DHCP host', () => {
  const plan = buildPlan(
    variant(() => {}),
    request(),
  );
  const step = keep(plan);

  it('gives the bridge DHCP with the lease identity in a runtime file that sorts before the hold, then reloads', () => {
    expect(plan.blocked).toBe(false);
    expect(plan.steps.at(-1)).toBe(step);
    expect(step?.commands).toEqual([
      { kind: 'write-file', path: NETWORKD_LEASE_PATH, content: BRIDGE_FILE, mode: 0o644 },
      { kind: 'exec', argv: ['networkctl', 'reload'] },
    ]);
    // networkd configures a link with the first matching file in name order.
    expect(
      [NETWORKD_LEASE_PATH, NETWORKD_HOLD_PATH, '/run/systemd/network/10-netplan-fcbr0.network'].sort(),
    ).toEqual([NETWORKD_LEASE_PATH, NETWORKD_HOLD_PATH, '/run/systemd/network/10-netplan-fcbr0.network']);
    expect(step?.disruptive).toBe(false);
    expect(step?.detail).toContain('IAID 3403165742');
  });

  it('is undone by removing the file only; the hold step reloads after the addresses are back', () => {
    expect(step?.inverse).toEqual([{ kind: 'remove-file', path: NETWORKD_LEASE_PATH }]);
    const order = plan.steps.map((candidate) => candidate.kind);
    expect(order.indexOf('renderer-hold')).toBeLessThan(order.indexOf('cutover'));
    expect(plan.steps.find((candidate) => candidate.kind === 'renderer-hold')?.inverse).toContainEqual({
      kind: 'exec',
      argv: ['networkctl', 'reload'],
    });
  });

  it('checks the file and that networkd left the moved address on the bridge', () => {
    expect(step?.expect).toEqual([
      { kind: 'file-content', path: NETWORKD_LEASE_PATH, content: BRIDGE_FILE },
      { kind: 'address-on', ifname: 'fcbr0', family: 4, local: HOST_ADDRESS, prefixlen: 24 },
    ]);
  });
});

describe('networkd keep-lease refusals and hand-offs', () => {
  it('blocks when the lease, and so its client id, is unknown', () => {
    const plan = buildPlan(
      variant((s) => {
        s.dhcpLeases = [];
      }),
      request(),
    );
    expect(keep(plan)).toBeUndefined();
    expect(plan.blocked).toBe(true);
    expect(plan.verdicts.find((verdict) => verdict.id === 'lease-identity-unknown')?.fix).toMatch(
      /networkctl status ens18/,
    );
  });

  it('blocks a client id networkd cannot send, naming it', () => {
    const plan = buildPlan(
      variant((s) => {
        const [lease] = s.dhcpLeases ?? [];
        if (lease) lease.clientId = '00:66:6f:6f';
      }),
      request(),
    );
    expect(keep(plan)).toBeUndefined();
    expect(ids(plan)).toContain('unplannable');
    expect(plan.verdicts.find((verdict) => verdict.id === 'unplannable')?.reason).toContain('00:66:6f:6f');
  });

  it('warns when the lease had no client id, and still keeps it with the MAC one', () => {
    const plan = buildPlan(
      variant((s) => {
        const [lease] = s.dhcpLeases ?? [];
        if (lease) lease.clientId = null;
      }),
      request(),
    );
    expect(keep(plan)?.commands[0]).toMatchObject({
      content: expect.stringContaining('ClientIdentifier=mac\n'),
    });
    expect(plan.verdicts.find((verdict) => verdict.id === 'lease-identity-approximate')).toMatchObject({
      level: 'warning',
      fix: expect.stringContaining(UPLINK_MAC),
    });
  });

  it('leaves the lease to the host client when netplan names networkd but networkd does not run', () => {
    const plan = buildPlan(
      variant((s) => {
        s.renderer.networkd = { available: true, links: {} };
        s.dhcpClients = [dhcpClient(321, ['udhcpc', '-f', '-i', 'ens18'])];
      }),
      request(),
    );
    const hold = plan.steps.find((candidate) => candidate.kind === 'renderer-hold');
    // No networkd to ask: neither the hold's revert nor the lease step calls networkctl.
    expect(hold?.inverse).toEqual([{ kind: 'remove-file', path: NETWORKD_HOLD_PATH }]);
    expect(JSON.stringify(plan.steps)).not.toContain('networkctl');
  });
});
