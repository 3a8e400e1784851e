/**
 * NetworkManager keeps a leased address in the pending window: the keep-lease step's nmcli argv
 * (an in-memory bridge profile with the lease's client id, taken over from "unmanaged" so NM never
 * flushes the moved address), its inverse, the hold's inverse that hands the uplink back, the
 * blockers where NM cannot keep it, and that a revert accepts exactly these nmcli shapes.
 */
import { describe, expect, it } from 'vitest';
import type { DhcpLease, HostSnapshot } from '../../../source/host/snapshot.js';
import { buildPlan } from '../../../source/plan/build.js';
import { stableUuid } from '../../../source/plan/persist/networkmanager.js';
import { revertCommandProblem } from '../../../source/plan/revert-allowlist.js';
import { NETWORKMANAGER_HOLD_PATH } from '../../../source/plan/steps/renderer-hold-files.js';
import type { Command, Plan, Step } from '../../../source/plan/types.js';
import { HOST_ADDRESS, request, UPLINK_MAC, variant } from './fixtures.js';
import { networkManagerServer } from './hosts.js';

const BRIDGE_UUID = stableUuid('fc-host/fcbr0');
const PORT_UUID = stableUuid('fc-host/fcbr0/ens18');
const LEASE: DhcpLease = {
  ifname: 'ens18',
  client: 'networkmanager',
  address: HOST_ADDRESS,
  clientId: `01:${UPLINK_MAC}`,
  source: 'lease-file',
  file: '/var/lib/NetworkManager/internal-52d31f3b-fee6-3862-a777-391f870c0316-ens18.lease',
  expiresAt: null,
};

/** ens18 leased by NetworkManager's internal DHCP client (the static NM server made dynamic again). */
function nmDhcpHost(change: (snapshot: HostSnapshot) => void = () => {}): HostSnapshot {
  return variant((s) => {
    const own = s.addresses.find((a) => a.local === HOST_ADDRESS);
    Object.assign(own ?? {}, { dynamic: true, validLft: 3456, preferredLft: 3456 });
    s.dhcpLeases = [LEASE];
    change(s);
  }, networkManagerServer());
}

const stepOf = (plan: Plan, kind: Step['kind']) => plan.steps.find((step) => step.kind === kind);
const argvs = (commands: Command[] = []) =>
  commands.map((command) => (command.kind === 'exec' ? command.argv.join(' ') : command.kind));

describe('NetworkManager keeps the lease on the bridge', () => {
  const plan = buildPlan(nmDhcpHost(), request());
  const step = stepOf(plan, 'keep-lease');

  it('is planned, not blocked, as the last step', () => {
    expect(plan.blocked).toBe(false);
    expect(plan.verdicts.map((verdict) => verdict.id)).not.toContain('lease-no-keeper');
    expect(plan.steps.map((candidate) => candidate.kind)).toEqual([
      'stage-bridge',
      'renderer-hold',
      'cutover',
      'keep-lease',
    ]);
  });

  it('lets go of both links, then runs in-memory bridge and port profiles with the lease client id', () => {
    expect(argvs(step?.commands)).toEqual([
      'nmcli device set ens18 managed no',
      'nmcli device set fcbr0 managed no',
      'remove-file',
      `nmcli connection add save no type bridge con-name bridge-migrate-fcbr0 connection.uuid ${BRIDGE_UUID} ifname fcbr0 connection.autoconnect no bridge.mac-address ${UPLINK_MAC} bridge.stp no bridge.forward-delay 0 ipv4.method auto ipv4.dhcp-client-id 01:${UPLINK_MAC} ipv6.method ignore`,
      `nmcli connection add save no type ethernet con-name bridge-migrate-fcbr0-port connection.uuid ${PORT_UUID} ifname ens18 connection.autoconnect no master ${BRIDGE_UUID} slave-type bridge`,
      'nmcli device set fcbr0 managed yes',
      `nmcli connection up uuid ${BRIDGE_UUID}`,
      `nmcli connection up uuid ${PORT_UUID}`,
    ]);
    expect(step?.commands[2]).toEqual({ kind: 'remove-file', path: NETWORKMANAGER_HOLD_PATH });
  });

  it("gives the in-memory and the written bridge profile the metric of the uplink's DHCP routes", () => {
    // NM's bridge default (425) would put a second set of routes beside the moved ones (100).
    const leased = buildPlan(
      nmDhcpHost((s) => {
        for (const route of s.routes.filter((r) => r.dev === 'ens18' && r.family === 4))
          Object.assign(route, { protocol: route.dst === 'default' ? 'dhcp' : route.protocol, metric: 100 });
      }),
      request(),
    );
    expect(argvs(stepOf(leased, 'keep-lease')?.commands).join('\n')).toContain('ipv4.route-metric 100');
    expect(leased.config[0]?.after).toContain('[ipv4]\nmethod=auto\ndhcp-client-id=');
    expect(leased.config[0]?.after).toMatch(/dhcp-client-id=[^\n]*\nroute-metric=100\n/);
    // Without a DHCP default route there is no metric to keep: NM's own default stays.
    expect(argvs(step?.commands).join('\n')).not.toContain('route-metric');
  });

  it('shares the UUIDs of the persisted keyfiles, so persisting swaps the profiles for the files', () => {
    const keyfile = plan.config.find((file) => file.path.endsWith('/fcbr0.nmconnection'));
    expect(keyfile?.after).toContain(`uuid=${BRIDGE_UUID}\n`);
    const port = plan.config.find((file) => file.path.endsWith('/fcbr0-port-ens18.nmconnection'));
    expect(port?.after).toContain(`uuid=${PORT_UUID}\n`);
  });

  it('is undone (after the revert batch deleted the bridge) by deleting both profiles and writing the hold back', () => {
    expect(argvs(step?.inverse)).toEqual([
      `nmcli connection delete uuid ${PORT_UUID}`,
      `nmcli connection delete uuid ${BRIDGE_UUID}`,
      'write-file',
    ]);
    const hold = stepOf(plan, 'renderer-hold');
    expect(step?.inverse[2]).toEqual(hold?.commands[0]);
  });

  it("makes the uplink managed again last, in the hold's inverse", () => {
    const hold = stepOf(plan, 'renderer-hold');
    expect(hold?.inverse).toEqual([
      { kind: 'remove-file', path: NETWORKMANAGER_HOLD_PATH },
      { kind: 'exec', argv: ['nmcli', 'device', 'set', 'ens18', 'managed', 'yes'] },
    ]);
  });

  it('promises the address on the bridge and the uplink as its port', () => {
    expect(step?.expect).toEqual([
      { kind: 'address-on', ifname: 'fcbr0', family: 4, local: HOST_ADDRESS, prefixlen: 24 },
      { kind: 'link-master', ifname: 'ens18', master: 'fcbr0' },
    ]);
  });

  it('every inverse passes the revert allowlist', () => {
    for (const candidate of plan.steps)
      for (const command of candidate.inverse) expect(revertCommandProblem(command)).toBeNull();
  });
});

describe('the DHCP identity NetworkManager sends on the bridge', () => {
  const addArgv = (snapshot: HostSnapshot) =>
    argvs(stepOf(buildPlan(snapshot, request()), 'keep-lease')?.commands).find((argv) =>
      argv.startsWith('nmcli connection add'),
    ) ?? '';

  it('sends an RFC 4361 client id (IAID + DUID) as the lease had it', () => {
    const clientId = 'ff:00:11:22:33:00:04:9b:0c:14:a5:de:ad:be:ef:00:01:02:03';
    const argv = addArgv(nmDhcpHost((s) => Object.assign(s.dhcpLeases?.[0] ?? {}, { clientId })));
    expect(argv).toContain(`ipv4.dhcp-client-id ${clientId} `);
  });

  it("leaves NM's default when the lease was obtained without a client id, and says so", () => {
    const snapshot = nmDhcpHost((s) => Object.assign(s.dhcpLeases?.[0] ?? {}, { clientId: null }));
    expect(addArgv(snapshot)).not.toContain('dhcp-client-id');
    expect(stepOf(buildPlan(snapshot, request()), 'keep-lease')?.detail).toMatch(/obtained without one/);
  });

  it('with no lease record at all, uses the default and tells the operator', () => {
    const plan = buildPlan(
      nmDhcpHost((s) => {
        s.dhcpLeases = [];
      }),
      request(),
    );
    expect(plan.blocked).toBe(false);
    expect(plan.verdicts.find((verdict) => verdict.id === 'lease-identity-default')?.level).toBe('info');
  });

  it('refuses a client id that is not hex bytes instead of passing it to nmcli', () => {
    const plan = buildPlan(
      nmDhcpHost((s) => Object.assign(s.dhcpLeases?.[0] ?? {}, { clientId: 'mac --offline' })),
      request(),
    );
    expect(plan.blocked).toBe(true);
    expect(plan.verdicts.find((verdict) => verdict.id === 'lease-no-keeper')?.reason).toMatch(
      /not hex bytes/,
    );
  });
});

describe('where NetworkManager cannot keep the lease', () => {
  it('blocks when NetworkManager is not running, naming that', () => {
    const plan = buildPlan(
      nmDhcpHost((s) => {
        s.renderer.networkManager.running = false;
      }),
      request(),
    );
    expect(plan.blocked).toBe(true);
    expect(plan.verdicts.find((verdict) => verdict.id === 'lease-no-keeper')?.reason).toMatch(
      /NetworkManager is not running/,
    );
  });

  it('blocks when no profile is active on the uplink (nothing to hand it back to)', () => {
    const plan = buildPlan(
      nmDhcpHost((s) => {
        const device = s.renderer.networkManager.devices.ens18;
        if (device) device.connection = null;
      }),
      request(),
    );
    expect(plan.verdicts.find((verdict) => verdict.id === 'lease-no-keeper')?.reason).toMatch(
      /no active profile on ens18/,
    );
  });

  it('a static NetworkManager uplink gets no keep-lease step and a hold without nmcli', () => {
    const plan = buildPlan(networkManagerServer(), request());
    expect(stepOf(plan, 'keep-lease')).toBeUndefined();
    expect(stepOf(plan, 'renderer-hold')?.inverse).toEqual([
      { kind: 'remove-file', path: NETWORKMANAGER_HOLD_PATH },
    ]);
  });
});

describe('the revert allowlist for nmcli', () => {
  const exec = (...argv: string[]): Command => ({ kind: 'exec', argv: ['nmcli', ...argv] });

  it('allows managed yes|no on an interface and deleting a profile by UUID', () => {
    expect(revertCommandProblem(exec('device', 'set', 'ens18', 'managed', 'no'))).toBeNull();
    expect(revertCommandProblem(exec('device', 'set', 'fcbr0', 'managed', 'yes'))).toBeNull();
    expect(revertCommandProblem(exec('connection', 'delete', 'uuid', BRIDGE_UUID))).toBeNull();
  });

  it('refuses every other nmcli a tampered journal could carry', () => {
    for (const argv of [
      ['connection', 'add', 'type', 'ethernet', 'ifname', 'ens18'],
      ['connection', 'modify', BRIDGE_UUID, 'ipv4.method', 'manual'],
      ['connection', 'delete', 'id', 'Wired connection 1'],
      ['connection', 'delete', 'uuid', BRIDGE_UUID, 'uuid', BRIDGE_UUID],
      ['connection', 'delete', 'uuid', '../../etc/passwd'],
      ['device', 'set', 'ens18', 'managed', 'yes', 'autoconnect', 'no'],
      ['device', 'set', '--offline', 'managed', 'no'],
      ['device', 'set', 'ens18', 'autoconnect', 'no'],
      ['--offline', 'device', 'set', 'ens18', 'managed', 'no'],
      ['general', 'reload'],
      [],
    ])
      expect(revertCommandProblem(exec(...argv)), argv.join(' ')).not.toBeNull();
  });
});
