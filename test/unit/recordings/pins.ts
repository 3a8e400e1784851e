/**
 * What each recorded host must yield with the default request (--nic from the default route,
 * bridge fcbr0, 120 s, --persist auto): the uplink, the verdict ids by level, the step kinds in
 * order, the renderer the config is written for, and the probe notes (a tool the host lacks is a
 * note, never a failed probe). A new recording needs its entry here, so none goes unpinned.
 *
 * Two pins describe the behaviour DESIGN.md asks for where the planner differs today (reported to
 * the lead): ubuntu-netplan-static has cloud-init's network config disabled, so cloud-init does not
 * own its netplan file; see host-shapes.test.ts for the NetworkManager prefix route.
 */
import type { Plan, StepKind } from '../../../source/plan/types.js';

export interface Pin {
  origin: 'captured' | 'composed';
  nic: string;
  persistWith: Plan['persistWith'];
  blockers: string[];
  warnings: string[];
  infos: string[];
  steps: StepKind[];
  /** Probe name → note; probes not listed have none. */
  notes: Record<string, string>;
}

// The lab host namespace has no system bus: networkctl and nmcli (installed on the build machine
// since the NetworkManager lab) both say so.
const NO_SYSTEM_BUS =
  'networkctl list --no-legend --no-pager exited 1: Failed to connect system bus: No such file or directory; ' +
  'nmcli -t -f DEVICE,TYPE,STATE,CONNECTION device exited 1: Error: Could not create NMClient object: Could not connect: No such file or directory.';

export const PINS: Record<string, Pin> = {
  // networkd's lease file gives the DUID+IAID identity: the bridge keeps the lease (keep-lease).
  'ubuntu-proxmox-netplan-dhcp': {
    origin: 'composed',
    nic: 'ens18',
    persistWith: 'netplan',
    blockers: [],
    warnings: ['cloud-init-owns-netplan', 'hypervisor-kvm', 'renderer-fights', 'ssh-over-uplink'],
    infos: [],
    steps: ['stage-bridge', 'renderer-hold', 'cutover', 'keep-lease'],
    notes: {},
  },
  // The same host with /etc/cloud/cloud-init.disabled: cloud-init does not own its netplan file.
  'ubuntu-proxmox-cloud-init-disabled': {
    origin: 'composed',
    nic: 'ens18',
    persistWith: 'netplan',
    blockers: [],
    warnings: ['hypervisor-kvm', 'renderer-fights', 'ssh-over-uplink'],
    infos: ['cloud-init-disabled'],
    steps: ['stage-bridge', 'renderer-hold', 'cutover', 'keep-lease'],
    notes: {},
  },
  'ubuntu-netplan-static': {
    origin: 'composed',
    nic: 'eth0',
    persistWith: 'netplan',
    blockers: [],
    // No cloud-init-owns-netplan: subiquity-disable-cloudinit-networking.cfg disables cloud-init's network config.
    warnings: ['hypervisor-hyperv', 'renderer-fights', 'ssh-over-uplink'],
    infos: [],
    steps: ['stage-bridge', 'renderer-hold', 'cutover'],
    notes: {},
  },
  'networkmanager-server': {
    origin: 'composed',
    nic: 'ens192',
    persistWith: 'networkmanager',
    blockers: [],
    warnings: ['hypervisor-vmware', 'ipv6-slaac', 'renderer-fights', 'ssh-over-uplink'],
    // NetworkManager renews the lease on the bridge (keep-lease-nm.ts); the recording has no lease record.
    infos: ['lease-identity-default'],
    steps: ['stage-bridge', 'renderer-hold', 'cutover', 'keep-lease'],
    notes: {
      // nettools' lease file records the address only; the profile decides the identity.
      'dhcp-leases':
        "ens192: lease identity unknown: /var/lib/NetworkManager/internal-4f2a8c1e-7b3d-4e59-a0c6-2d91e5b7f304-ens192.lease records no client id (NetworkManager's profile decides it: ipv4.dhcp-client-id)",
      firewall: 'iptables-save is not installed',
    },
  },
  'debian-ifupdown-dhclient': {
    origin: 'composed',
    nic: 'eno1',
    persistWith: 'ifupdown',
    blockers: [],
    warnings: ['ssh-over-uplink'],
    infos: ['ifupdown-bridge-utils', 'renderer-no-hold'],
    steps: ['stage-bridge', 'stop-dhcp', 'keep-lease', 'cutover'],
    notes: { firewall: 'iptables-save is not installed' },
  },
  'nat-fcbr0-taps': {
    origin: 'composed',
    nic: 'ens18',
    persistWith: 'netplan',
    blockers: [],
    warnings: ['existing-nat', 'hypervisor-kvm', 'renderer-fights', 'ssh-over-uplink'],
    infos: [],
    steps: ['remove-nat', 'stage-bridge', 'renderer-hold', 'cutover', 'keep-lease'],
    notes: {},
  },
  'docker-host': {
    origin: 'composed',
    nic: 'eno1',
    persistWith: 'netplan',
    blockers: [],
    warnings: ['docker-forward-drop', 'renderer-fights', 'ssh-over-uplink'],
    infos: [],
    steps: ['stage-bridge', 'renderer-hold', 'cutover', 'keep-lease'],
    notes: {},
  },
  'wifi-laptop': {
    origin: 'composed',
    nic: 'wlp2s0',
    persistWith: 'networkmanager',
    blockers: ['wifi-uplink'],
    warnings: ['renderer-fights'],
    infos: ['lease-identity-default'],
    steps: ['stage-bridge', 'renderer-hold', 'cutover', 'keep-lease'],
    notes: {
      'dhcp-leases':
        "wlp2s0: lease identity unknown: /var/lib/NetworkManager/internal-b7e4d2a9-3c51-4f86-9e0b-61a8c7d5f213-wlp2s0.lease records no client id (NetworkManager's profile decides it: ipv4.dhcp-client-id)",
      'ssh-path': 'not an SSH session',
    },
  },
  'aws-ec2': {
    origin: 'composed',
    nic: 'ens5',
    persistWith: 'netplan',
    blockers: ['public-cloud'],
    warnings: ['cloud-init-owns-netplan', 'renderer-fights', 'ssh-over-uplink'],
    infos: [],
    steps: ['stage-bridge', 'renderer-hold', 'cutover', 'keep-lease'],
    notes: {},
  },
  'uplink-in-bridge': {
    origin: 'composed',
    nic: 'vmbr0',
    persistWith: 'none',
    blockers: ['uplink-is-bridge'],
    warnings: [],
    infos: [],
    steps: [],
    notes: {},
  },
  'bond-uplink': {
    origin: 'composed',
    nic: 'bond0',
    persistWith: 'netplan',
    blockers: [],
    warnings: ['bond-or-vlan-uplink', 'renderer-fights', 'ssh-over-uplink'],
    infos: [],
    steps: ['stage-bridge', 'renderer-hold', 'cutover'],
    notes: {},
  },
  'lab-dhcp-host': {
    origin: 'captured',
    nic: 'ens18',
    persistWith: 'none',
    blockers: [],
    // Nothing is written: only the udhcpc started on the bridge renews the lease (no-persist-lease).
    warnings: ['no-persist-lease', 'persist-unsupported', 'ssh-over-uplink'],
    infos: [],
    steps: ['stage-bridge', 'stop-dhcp', 'keep-lease', 'cutover'],
    notes: { renderer: NO_SYSTEM_BUS },
  },
  'lab-static-host': {
    origin: 'captured',
    nic: 'ens18',
    persistWith: 'none',
    blockers: [],
    warnings: ['persist-unsupported', 'ssh-over-uplink'],
    infos: [],
    steps: ['stage-bridge', 'cutover'],
    notes: { renderer: NO_SYSTEM_BUS },
  },
};
