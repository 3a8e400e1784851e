/**
 * What the verdicts tell the operator in the cases that used to mislead: cloud-init's header on a
 * netplan file whose network config cloud-init no longer touches, Proxmox seen only through the
 * uplink's MAC, an uplink that another tool has bridged already, br_netfilter built into the
 * kernel, and the grammar of the sentences themselves.
 */
import { describe, expect, it } from 'vitest';
import type { HostSnapshot } from '../../../source/host/snapshot.js';
import { buildPlan } from '../../../source/plan/build.js';
import { CLOUD_INIT_DISABLE_PATH } from '../../../source/plan/persist/netplan.js';
import type { Plan, PlanRequest } from '../../../source/plan/types.js';
import { planFor } from '../recordings/replay.js';
import { baseSnapshot, link, request, uplinkOf, variant } from './fixtures.js';
import { dockerHost, ec2Instance, uplinkInBridge } from './hosts.js';

const verdict = (plan: Plan, id: string) => plan.verdicts.find((candidate) => candidate.id === id);
const planOf = (snapshot: HostSnapshot, fields: Partial<PlanRequest> = {}) =>
  buildPlan(snapshot, request(fields));

describe("cloud-init's netplan file", () => {
  it('is left alone when cloud-init network config is disabled, whatever the header says', () => {
    const plan = planOf(variant((s) => (s.renderer.cloudInitNetwork = false)));
    expect(verdict(plan, 'cloud-init-owns-netplan')).toBeUndefined();
    expect(plan.config.map((file) => file.path)).toEqual([
      '/etc/netplan/50-cloud-init.yaml',
      '/etc/systemd/network/10-netplan-fcbr0.network.d/50-bridge-migrate-dhcp-identity.conf',
    ]);
  });

  it('is warned about, and cloud-init network config disabled on confirm, while cloud-init manages it', () => {
    const plan = planOf(baseSnapshot());
    expect(verdict(plan, 'cloud-init-owns-netplan')?.reason).toBe(
      'cloud-init wrote /etc/netplan/50-cloud-init.yaml for ens18 and may write it again from its datasource, undoing the bridge.',
    );
    expect(plan.config.map((file) => file.path)).toEqual([
      '/etc/netplan/50-cloud-init.yaml',
      '/etc/systemd/network/10-netplan-fcbr0.network.d/50-bridge-migrate-dhcp-identity.conf',
      CLOUD_INIT_DISABLE_PATH,
    ]);
  });

  it('is still warned about when the uplink sits in another netplan file while cloud-init is active', () => {
    const plan = planOf(
      variant((s) => {
        const [file] = s.renderer.netplan.files;
        if (file) Object.assign(file, { path: '/etc/netplan/01-netcfg.yaml', cloudInit: false });
        s.renderer.netplan.uplinkFile = '/etc/netplan/01-netcfg.yaml';
      }),
    );
    expect(verdict(plan, 'cloud-init-owns-netplan')?.reason).toMatch(
      /^cloud-init's network config is enabled/,
    );
  });
});

describe('a Proxmox VM that DMI does not name (SeaBIOS)', () => {
  const seabios = (mac: string) =>
    variant((s) => {
      s.virt = {
        kind: 'kvm',
        dmi: { sysVendor: 'QEMU', productName: 'Standard PC (Q35 + ICH9, 2009)', biosVendor: 'SeaBIOS' },
        cloud: null,
        hypervisorHint: 'QEMU/KVM',
      };
      uplinkOf(s).mac = mac;
    });

  it("gives the Proxmox advice when the uplink's MAC carries Proxmox's OUI", () => {
    const kvm = verdict(planOf(seabios('bc:24:11:5e:2a:01')), 'hypervisor-kvm');
    expect(kvm?.reason).toContain(
      "(Proxmox VE, judging by ens18's MAC, which carries Proxmox's OUI BC:24:11)",
    );
    expect(kvm?.fix).toMatch(/^In Proxmox, turn off the MAC filter/);
  });

  it("gives the generic QEMU advice for QEMU's own 52:54:00 MACs", () => {
    const kvm = verdict(planOf(seabios('52:54:00:12:34:56')), 'hypervisor-kvm');
    expect(kvm?.reason).not.toContain('Proxmox');
    expect(kvm?.fix).toMatch(/^Allow foreign MACs/);
  });

  it('shows the Proxmox advice on the recorded Proxmox VM', async () => {
    const kvm = verdict(await planFor('ubuntu-proxmox-netplan-dhcp'), 'hypervisor-kvm');
    expect(kvm?.fix).toMatch(/^In Proxmox/);
  });
});

describe('an uplink that is bridged already (Proxmox VE host, uplink-in-bridge)', () => {
  it('says so for vmbr0 and points at attaching the TAPs to it, not at another --nic', async () => {
    const plan = await planFor('uplink-in-bridge');
    const bridge = verdict(plan, 'uplink-is-bridge');
    expect(bridge?.reason).toBe(
      "vmbr0 is already a bridge with eno1 as its port, so this host's LAN is bridged already and there is nothing to migrate.",
    );
    expect(bridge?.fix).toContain('`ip link set dev TAP master vmbr0`');
    expect(bridge?.fix).not.toContain('--nic');
  });

  it('gives eno1 the same answer instead of "use --nic vmbr0" (which is refused)', async () => {
    const plan = await planFor('uplink-in-bridge', { nic: 'eno1' });
    for (const id of ['uplink-has-master', 'no-ipv4-on-uplink']) {
      expect(verdict(plan, id)?.fix, id).toContain("attach the guests' TAP devices to vmbr0");
      expect(verdict(plan, id)?.fix, id).not.toContain('--nic');
    }
  });

  it('with --bridge vmbr0 says nothing is left to do, and does not take the LAN address of vmbr0 for NAT', async () => {
    const plan = await planFor('uplink-in-bridge', { nic: 'eno1', bridge: 'vmbr0' });
    expect(verdict(plan, 'uplink-has-master')?.fix).toMatch(
      /^Nothing to migrate: attach the guests' TAP devices to vmbr0/,
    );
    expect(verdict(plan, 'existing-nat')).toBeUndefined();
  });

  it('still sends a bond member to its bond, which is a valid uplink', () => {
    const plan = planOf(
      variant((s) => {
        Object.assign(uplinkOf(s), { master: 'bond0', masterKind: 'bond' });
        s.links.push(link('bond0', { ifindex: 9, kind: 'bond', mac: '02:00:00:00:00:09' }));
      }),
    );
    expect(verdict(plan, 'uplink-has-master')?.fix).toBe('Move the bond instead with --nic bond0.');
  });

  it('treats a bridge without a physical port as not reaching the LAN', () => {
    const plan = planOf(
      variant((s) => {
        s.links.push(link('br9', { ifindex: 9, kind: 'bridge', mac: '02:00:00:00:00:09' }));
      }),
      { nic: 'br9' },
    );
    expect(verdict(plan, 'uplink-is-bridge')?.fix).toBe(
      'Name the physical NIC that reaches the LAN with --nic.',
    );
  });
});

describe('br_netfilter and a dropping forward chain', () => {
  it('warns when the sysctl could not be read (its default is 1)', () => {
    const plan = planOf(variant((s) => (s.netfilter.bridgeNfCallIptables = null), dockerHost()));
    expect(verdict(plan, 'docker-forward-drop')?.reason).toContain(
      'bridge-nf-call-iptables at its default of 1',
    );
  });

  it('does not warn when bridged traffic skips iptables (bridge-nf-call-iptables=0)', () => {
    const plan = planOf(variant((s) => (s.netfilter.bridgeNfCallIptables = false), dockerHost()));
    expect(verdict(plan, 'docker-forward-drop')).toBeUndefined();
  });

  it('suggests an nft rule for an nftables chain, not Docker’s iptables chain', () => {
    const plan = planOf(
      variant((s) => {
        s.netfilter.forwardPolicy = 'ACCEPT';
        s.netfilter.nftForwardDrop = ['inet filter forward'];
      }, dockerHost()),
    );
    const drop = verdict(plan, 'docker-forward-drop');
    expect(drop?.reason).not.toContain('Docker');
    expect(drop?.fix).toContain(
      '`nft insert rule inet filter forward iifname "fcbr0" oifname "fcbr0" accept`',
    );
  });
});

describe('grammar', () => {
  it('says "an AWS EC2 instance" and "a Google Cloud instance"', () => {
    expect(verdict(planOf(ec2Instance()), 'public-cloud')?.reason).toMatch(/^This is an AWS EC2 instance,/);
    const gcp = variant((s) => (s.virt.cloud = 'gcp'), ec2Instance());
    expect(verdict(planOf(gcp), 'public-cloud')?.reason).toMatch(/^This is a Google Cloud instance,/);
  });

  it('agrees the verb with the number of foreign DHCP clients', () => {
    const foreign = (pid: number) => ({
      pid,
      program: 'udhcpc' as const,
      argv: ['udhcpc', '-i', 'ens18'],
      ifname: 'ens18',
      sameNetns: false,
      uid: 0,
      euid: 0,
      exe: '/bin/busybox',
    });
    const one = planOf(variant((s) => (s.dhcpClients = [foreign(41)])));
    const two = planOf(variant((s) => (s.dhcpClients = [foreign(41), foreign(42)])));
    expect(verdict(one, 'dhcp-client-other-netns')?.reason).toContain('udhcpc (pid 41) serves an interface');
    expect(verdict(two, 'dhcp-client-other-netns')?.reason).toContain('udhcpc (pid 42) serve an interface');
    expect(verdict(two, 'dhcp-client-other-netns')?.fix).toContain('they belong');
  });

  it('does not claim two owners when nothing manages the uplink and a renderer is chosen', () => {
    const plan = planOf(
      variant((s) => {
        s.renderer.netplan.files = [];
        s.renderer.netplan.uplinkFile = null;
        s.renderer.cloudInitNetwork = false;
        s.renderer.networkd.links = {};
      }),
      { persist: 'netplan' },
    );
    expect(plan.persistWith).toBe('netplan');
    expect(verdict(plan, 'persist-not-owner')).toBeUndefined();
  });
});

describe('another migration pending', () => {
  const pending = (phase: string) => (s: HostSnapshot) =>
    Object.assign(s, { pendingMigration: { phase, nic: 'ens18', bridge: 'br0' } });

  it('is said first even when the uplink is a bridge already (what the first apply left)', () => {
    // The second apply without --nic: the default route's device is the bridge the first one made.
    const snapshot = variant(pending('applied'), uplinkInBridge());
    const plan = buildPlan(snapshot, request({ nic: 'br0', bridge: 'fcbr0' }));
    expect(plan.verdicts.map((v) => v.id).slice(0, 2)).toEqual(['migration-pending', 'uplink-is-bridge']);
  });

  it('a revert that stopped half way is finished by its revert, not confirmed (confirm refuses it)', () => {
    const plan = buildPlan(variant(pending('revert-incomplete')), request());
    expect(plan.verdicts.find((v) => v.id === 'migration-pending')?.fix).toBe(
      'Finish its revert with the commands `bridge-migrate status` shows, then retry `bridge-migrate rollback --yes`.',
    );
    const applied = buildPlan(variant(pending('applied')), request());
    expect(applied.verdicts.find((v) => v.id === 'migration-pending')?.fix).toBe(
      'Confirm it with `bridge-migrate confirm`, undo it with `bridge-migrate rollback --yes`, or see `bridge-migrate status`.',
    );
  });
});
