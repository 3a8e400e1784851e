/**
 * The renderer hold as the planner builds it: which hosts get one, the exact runtime file each
 * renderer is given, where the step sits, how the preview shows it, and that the step and the
 * `renderer-fights` verdict (which promises it) always come together.
 */
import { describe, expect, it } from 'vitest';
import { buildPlan } from '../../../source/plan/build.js';
import { commandText } from '../../../source/plan/command-text.js';
import {
  NETWORKD_HOLD_PATH,
  NETWORKMANAGER_HOLD_PATH,
} from '../../../source/plan/steps/renderer-hold-files.js';
import type { Plan, Step } from '../../../source/plan/types.js';
import { runtimePathProblem } from '../../../source/system/runtime-files.js';
import { planFor, recordingNames } from '../recordings/replay.js';
import { dhcpClient, NETWORKD_HAND_BACK, request, variant } from './fixtures.js';
import { ifupdownDhclient, networkManagerServer } from './hosts.js';

const hold = (plan: Plan): Step | undefined => plan.steps.find((step) => step.kind === 'renderer-hold');
const ids = (plan: Plan) => plan.verdicts.map((verdict) => verdict.id);

const NETWORKD_FILE = `# bridge-migrate: ens18 is moving into fcbr0 and the change is not confirmed yet.
# systemd-networkd leaves both alone until it is confirmed or reverted; this runtime file
# is removed then, and is gone after a reboot anyway.
[Match]
Name=ens18 fcbr0

[Link]
Unmanaged=yes
`;

const NETWORKMANAGER_FILE = `# bridge-migrate: ens18 is moving into fcbr0 and the change is not confirmed yet.
# NetworkManager leaves both alone until it is confirmed or reverted; this runtime file
# is removed then, and is gone after a reboot anyway.
[keyfile]
unmanaged-devices+=interface-name:=ens18;interface-name:=fcbr0
`;

describe('renderer-hold on a netplan/networkd host', () => {
  const plan = buildPlan(
    variant(() => {}),
    request(),
  );
  const step = hold(plan);

  it("writes a runtime .network file that sorts before netplan's and unmanages the uplink and the bridge", () => {
    expect(step?.commands).toEqual([
      { kind: 'write-file', path: NETWORKD_HOLD_PATH, content: NETWORKD_FILE, mode: 0o644 },
    ]);
    expect(NETWORKD_HOLD_PATH).toBe('/run/systemd/network/00-bridge-migrate-hold.network');
    // networkd takes the first matching file in name order; netplan's is 10-netplan-ens18.network.
    expect('00-bridge-migrate-hold.network' < '10-netplan-ens18.network').toBe(true);
    expect(runtimePathProblem(NETWORKD_HOLD_PATH)).toBeNull();
  });

  it('is undone by removing the file and reloading networkd, checked by reading it back, and is not disruptive', () => {
    // Without the reload a networkd that read the hold in the window leaves the uplink unmanaged;
    // without the link-local address announced again, networkd 252 leaves it "configuring".
    expect(step?.inverse).toEqual([{ kind: 'remove-file', path: NETWORKD_HOLD_PATH }, ...NETWORKD_HAND_BACK]);
    expect(step?.expect).toEqual([
      { kind: 'file-content', path: NETWORKD_HOLD_PATH, content: NETWORKD_FILE },
    ]);
    expect(step?.disruptive).toBe(false);
    expect(step?.title).toBe('Hold systemd-networkd off ens18 and fcbr0 until confirmed');
  });

  it('runs after the bridge is staged and before the cutover, and keeps the renderer-fights promise', () => {
    expect(plan.steps.map((candidate) => candidate.kind)).toEqual([
      'stage-bridge',
      'renderer-hold',
      'cutover',
      'keep-lease',
    ]);
    expect(ids(plan)).toContain('renderer-fights');
    expect(plan.verdicts.find((verdict) => verdict.id === 'renderer-fights')?.fix).toMatch(/under \/run/);
  });

  it('shows the file as a here-document a root shell could run, and its removal as rm -f', () => {
    const [write] = step?.commands ?? [];
    const [remove] = step?.inverse ?? [];
    if (!write || !remove) throw new Error('no hold commands');
    expect(commandText(write)).toEqual([
      "install -D -m 0644 /dev/stdin /run/systemd/network/00-bridge-migrate-hold.network <<'EOF'",
      ...NETWORKD_FILE.trimEnd().split('\n'),
      'EOF',
    ]);
    expect(commandText(remove)).toEqual(['rm -f /run/systemd/network/00-bridge-migrate-hold.network']);
  });

  it('is left out when networkd already leaves the uplink unmanaged (and so is the verdict)', () => {
    const unmanaged = buildPlan(
      variant((s) => {
        s.renderer.networkd.links.ens18 = { setupState: 'unmanaged', operationalState: 'routable' };
      }),
      request(),
    );
    expect(hold(unmanaged)).toBeUndefined();
    expect(ids(unmanaged)).not.toContain('renderer-fights');
  });

  it('refuses a name networkd would read as a glob instead of matching other links', () => {
    for (const bridge of ['br*0', 'br?0', 'br[0]', '!br0']) {
      const plan = buildPlan(
        variant(() => {}),
        request({ bridge }),
      );
      expect(hold(plan), bridge).toBeUndefined();
      expect(plan.blocked, bridge).toBe(true);
      expect(plan.verdicts.find((verdict) => verdict.id === 'unplannable')?.reason, bridge).toContain(
        `"${bridge}"`,
      );
    }
  });
});

describe('renderer-hold on a NetworkManager host', () => {
  const plan = buildPlan(networkManagerServer(), request());

  it("appends the uplink and the bridge, matched literally, to NM's unmanaged devices in /run/NetworkManager/conf.d", () => {
    expect(hold(plan)?.commands).toEqual([
      { kind: 'write-file', path: NETWORKMANAGER_HOLD_PATH, content: NETWORKMANAGER_FILE, mode: 0o644 },
    ]);
    expect(NETWORKMANAGER_HOLD_PATH).toBe('/run/NetworkManager/conf.d/99-bridge-migrate-hold.conf');
    expect(runtimePathProblem(NETWORKMANAGER_HOLD_PATH)).toBeNull();
    expect(hold(plan)?.inverse).toEqual([{ kind: 'remove-file', path: NETWORKMANAGER_HOLD_PATH }]);
    expect(hold(plan)?.title).toBe('Hold NetworkManager off ens18 and fcbr0 until confirmed');
  });

  it('runs no nmcli: NetworkManager reads the file when it next starts, the event the hold guards', () => {
    const argv = plan.steps.flatMap((step) => [...step.commands, ...step.inverse]);
    expect(argv.some((command) => 'argv' in command && command.argv[0] === 'nmcli')).toBe(false);
  });

  it('refuses a name that NM would split into two device specs', () => {
    const split = buildPlan(networkManagerServer(), request({ bridge: 'br,0' }));
    expect(hold(split)).toBeUndefined();
    expect(ids(split)).toContain('unplannable');
  });
});

describe('hosts without a daemon to hold off', () => {
  it('ifupdown gets no hold, and an info verdict saying why none is needed', () => {
    const plan = buildPlan(ifupdownDhclient(), request());
    expect(hold(plan)).toBeUndefined();
    const note = plan.verdicts.find((verdict) => verdict.id === 'renderer-no-hold');
    expect(note?.level).toBe('info');
    expect(note?.reason).toMatch(/^ifupdown runs no daemon/);
  });

  it('an uplink nothing manages gets neither a hold nor a note', () => {
    const plan = buildPlan(
      variant((s) => {
        s.renderer.netplan.files = [];
        s.renderer.netplan.uplinkFile = null;
        s.renderer.cloudInitNetwork = false;
        s.renderer.networkd = { available: false, links: {} };
        // Its lease is renewed by a client of its own (without one the plan is blocked: lease-no-keeper).
        s.dhcpClients = [dhcpClient(640, ['udhcpc', '-f', '-i', 'ens18'])];
      }),
      request(),
    );
    expect(plan.blocked).toBe(false);
    expect(hold(plan)).toBeUndefined();
    expect(ids(plan)).not.toContain('renderer-no-hold');
    expect(ids(plan)).not.toContain('renderer-fights');
  });
});

describe('every recorded host', () => {
  it('gets the hold exactly when the plan warns that its renderer would fight the change', async () => {
    const seen = { held: 0, unheld: 0 };
    for (const name of recordingNames()) {
      const plan = await planFor(name);
      if (plan.steps.length === 0) continue;
      const fights = ids(plan).includes('renderer-fights');
      expect(hold(plan) !== undefined, name).toBe(fights);
      seen[fights ? 'held' : 'unheld'] += 1;
    }
    // Both kinds are among the recordings, so the comparison above can fail either way.
    expect(seen.held).toBeGreaterThan(0);
    expect(seen.unheld).toBeGreaterThan(0);
  });
});
