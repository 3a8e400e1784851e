import { describe, expect, it } from 'vitest';
import type { HostSnapshot } from '../../../source/host/snapshot.js';
import { buildPlan } from '../../../source/plan/build.js';
import type { PlanRequest } from '../../../source/plan/types.js';
import { address, dhcpClient, request, uplinkOf, variant } from './fixtures.js';
import {
  baseSnapshot,
  bondUplink,
  bridgeWithPorts,
  dockerHost,
  ec2Instance,
  ifupdownDhclient,
  natSetup,
  networkManagerServer,
  slaacHost,
  staticMulti,
  uplinkInBridge,
  vlanUplink,
  wifiLaptop,
} from './hosts.js';

interface Row {
  host: string;
  snapshot: () => HostSnapshot;
  request?: Partial<PlanRequest>;
  blockers: string[];
  warnings: string[];
}

const PROXMOX = ['ssh-over-uplink', 'hypervisor-kvm'];
const NETWORKD_CLOUD_INIT = ['renderer-fights', 'cloud-init-owns-netplan'];

const table: Row[] = [
  {
    host: 'Ubuntu VM under Proxmox (DHCP, netplan)',
    snapshot: baseSnapshot,
    blockers: [],
    warnings: [...PROXMOX, ...NETWORKD_CLOUD_INIT],
  },
  // The laptop's lease is NetworkManager's, which keeps it on the bridge (keep-lease-nm.ts): only Wi-Fi blocks.
  {
    host: 'Wi-Fi laptop',
    snapshot: wifiLaptop,
    blockers: ['wifi-uplink'],
    warnings: ['renderer-fights'],
  },
  {
    host: 'bond uplink',
    snapshot: bondUplink,
    blockers: [],
    warnings: [...PROXMOX, 'bond-or-vlan-uplink', ...NETWORKD_CLOUD_INIT],
  },
  {
    host: 'VLAN uplink',
    snapshot: vlanUplink,
    blockers: [],
    warnings: [...PROXMOX, 'bond-or-vlan-uplink', ...NETWORKD_CLOUD_INIT],
  },
  {
    host: 'uplink already in a bridge',
    snapshot: uplinkInBridge,
    blockers: ['uplink-has-master'],
    warnings: [...PROXMOX, ...NETWORKD_CLOUD_INIT],
  },
  {
    host: 'bridge with other ports',
    snapshot: bridgeWithPorts,
    blockers: ['bridge-has-other-ports'],
    warnings: [...PROXMOX, ...NETWORKD_CLOUD_INIT],
  },
  {
    host: 'AWS EC2',
    snapshot: ec2Instance,
    // Its address is leased, and neither a renderer nor a DHCP client renews it: it would lapse.
    blockers: ['public-cloud', 'lease-no-keeper'],
    warnings: ['ssh-over-uplink', 'persist-unsupported'],
  },
  {
    host: 'Docker host',
    snapshot: dockerHost,
    blockers: [],
    warnings: [...PROXMOX, 'docker-forward-drop', ...NETWORKD_CLOUD_INIT],
  },
  {
    host: 'NetworkManager server',
    snapshot: networkManagerServer,
    blockers: [],
    warnings: [...PROXMOX, 'renderer-fights'],
  },
  {
    host: 'Debian ifupdown with dhclient',
    snapshot: ifupdownDhclient,
    blockers: [],
    warnings: ['ssh-over-uplink'],
  },
  {
    host: 'NAT fcbr0 with MASQUERADE and TAPs',
    snapshot: natSetup,
    blockers: [],
    warnings: [...PROXMOX, ...NETWORKD_CLOUD_INIT, 'existing-nat'],
  },
  {
    host: 'static multi-address',
    snapshot: staticMulti,
    blockers: [],
    warnings: [...PROXMOX, 'renderer-fights'],
  },
  {
    host: 'IPv6 SLAAC',
    snapshot: slaacHost,
    blockers: [],
    warnings: [...PROXMOX, 'ipv6-slaac', ...NETWORKD_CLOUD_INIT],
  },
  {
    host: 'not root',
    snapshot: () => variant((s) => Object.assign(s, { isRoot: false })),
    blockers: ['not-root'],
    warnings: [...PROXMOX, ...NETWORKD_CLOUD_INIT],
  },
  {
    host: 'another migration pending',
    snapshot: () =>
      variant((s) =>
        Object.assign(s, { pendingMigration: { phase: 'applied', bridge: 'fcbr0', nic: 'ens18' } }),
      ),
    blockers: ['migration-pending'],
    warnings: [...PROXMOX, ...NETWORKD_CLOUD_INIT],
  },
  {
    host: 'no IPv4 on the uplink',
    snapshot: () =>
      variant((s) => {
        s.addresses = s.addresses.filter((a) => !(a.ifname === 'ens18' && a.family === 4));
      }),
    request: { nic: 'ens18' },
    blockers: ['no-ipv4-on-uplink'],
    warnings: [...PROXMOX, ...NETWORKD_CLOUD_INIT],
  },
  {
    host: 'lease shorter than the deadline',
    snapshot: () =>
      variant((s) =>
        Object.assign(s.addresses.find((a) => a.local === '198.51.100.240') ?? {}, { validLft: 200 }),
      ),
    blockers: [],
    warnings: [...PROXMOX, 'short-dhcp-lease', ...NETWORKD_CLOUD_INIT],
  },
  {
    host: 'VMware guest without netplan',
    snapshot: () =>
      variant((s) => {
        s.virt = {
          kind: 'vmware',
          dmi: { sysVendor: 'VMware, Inc.', productName: 'VMware7,1', biosVendor: 'VMware' },
          cloud: null,
          hypervisorHint: null,
        };
        s.renderer.netplan.files = [];
        s.renderer.cloudInitNetwork = false;
        s.renderer.networkd.links = {};
      }),
    // Without netplan nothing renews its leased address (no renderer, no DHCP client running).
    blockers: ['lease-no-keeper'],
    warnings: ['ssh-over-uplink', 'hypervisor-vmware', 'persist-unsupported'],
  },
  {
    host: 'Hyper-V guest, persist none',
    snapshot: () =>
      variant((s) => {
        s.virt = { ...s.virt, kind: 'microsoft', hypervisorHint: null };
      }),
    request: { persist: 'none' },
    blockers: [],
    // The leased address lives on only while networkd's runtime file renews it.
    warnings: ['ssh-over-uplink', 'hypervisor-hyperv', ...NETWORKD_CLOUD_INIT, 'no-persist-lease'],
  },
  {
    host: 'global dhclient',
    snapshot: () =>
      variant((s) => {
        s.dhcpClients = [dhcpClient(90, ['/sbin/dhclient'], { ifname: null })];
      }),
    blockers: [],
    warnings: [...PROXMOX, ...NETWORKD_CLOUD_INIT, 'dhcp-client-global'],
  },
];

describe('preflight verdicts by host shape', () => {
  for (const row of table) {
    it(row.host, () => {
      const plan = buildPlan(row.snapshot(), request(row.request));
      const ids = (level: string) =>
        plan.verdicts.filter((verdict) => verdict.level === level).map((verdict) => verdict.id);
      expect(ids('blocker')).toEqual(row.blockers);
      expect(ids('warning')).toEqual(row.warnings);
      expect(plan.blocked).toBe(row.blockers.length > 0);
    });
  }

  it('gives every verdict one sentence of reason and one of fix', () => {
    for (const row of table) {
      for (const verdict of buildPlan(row.snapshot(), request(row.request)).verdicts) {
        for (const sentence of [verdict.reason, verdict.fix]) {
          expect(sentence, `${row.host}: ${verdict.id}`).toMatch(/^\S.*\.$/s);
          expect(sentence.split(/[.!?] (?=[A-Z])/).length, `${row.host}: ${verdict.id}: ${sentence}`).toBe(1);
        }
      }
    }
  });

  it('names the bridge the uplink is already in', () => {
    const plan = buildPlan(
      variant((s) => Object.assign(uplinkOf(s), { master: 'fcbr0', masterKind: 'bridge' })),
      request(),
    );
    const verdict = plan.verdicts.find((candidate) => candidate.id === 'uplink-has-master');
    expect(verdict?.reason).toBe('ens18 is already a port of fcbr0: the host is already bridged.');
  });

  it('reports foreign DHCP clients as information and leaves them out of the steps', () => {
    const snapshot = variant((s) => {
      s.dhcpClients = [
        {
          pid: 4242,
          program: 'udhcpc',
          argv: ['udhcpc', '-i', 'ens18'],
          ifname: 'ens18',
          sameNetns: false,
          uid: 0,
          euid: 0,
          exe: '/bin/busybox',
        },
      ];
    });
    const plan = buildPlan(snapshot, request());
    expect(plan.verdicts.find((verdict) => verdict.id === 'dhcp-client-other-netns')?.level).toBe('info');
    expect(plan.steps.map((step) => step.kind)).not.toContain('stop-dhcp');
  });

  it('counts only IPv6 global dynamic addresses as SLAAC', () => {
    const snapshot = variant((s) => s.addresses.push(address('ens18', '2001:db8:18::10/64')));
    expect(buildPlan(snapshot, request()).verdicts.map((verdict) => verdict.id)).not.toContain('ipv6-slaac');
  });
});
