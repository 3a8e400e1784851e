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

const NO_SYSTEM_BUS =
  'networkctl list --no-legend --no-pager exited 1: Failed to connect system bus: No such file or directory';

export const PINS: Record<string, Pin> = {
  // Recorded before the lease probe: no networkd lease file, so the identity the bridge must
  // send is unknown and the plan is blocked (keep-lease-networkd.ts). Recapture to plan it.
  'ubuntu-proxmox-netplan-dhcp': {
    origin: 'composed',
    nic: 'ens18',
    persistWith: 'netplan',
    blockers: ['lease-identity-unknown'],
    warnings: ['cloud-init-owns-netplan', 'hypervisor-kvm', 'renderer-fights', 'ssh-over-uplink'],
    infos: [],
    steps: ['stage-bridge', 'renderer-hold', 'cutover'],
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
      'dhcp-leases':
        'ens192: lease identity unknown: NetworkManager holds its lease, and /var/lib/NetworkManager has no internal lease file for it',
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
    notes: {
      'dhcp-leases': 'eno1: lease identity unknown: dhclient (pid 612) has no lease file',
      firewall: 'iptables-save is not installed',
    },
  },
  // Recorded before the lease probe: no networkd lease file, so the identity the bridge must
  // send is unknown and the plan is blocked (keep-lease-networkd.ts). Recapture to plan it.
  'nat-fcbr0-taps': {
    origin: 'composed',
    nic: 'ens18',
    persistWith: 'netplan',
    blockers: ['lease-identity-unknown'],
    warnings: ['existing-nat', 'hypervisor-kvm', 'renderer-fights', 'ssh-over-uplink'],
    infos: [],
    steps: ['remove-nat', 'stage-bridge', 'renderer-hold', 'cutover'],
    notes: {},
  },
  // Recorded before the lease probe: no networkd lease file, so the identity the bridge must
  // send is unknown and the plan is blocked (keep-lease-networkd.ts). Recapture to plan it.
  'docker-host': {
    origin: 'composed',
    nic: 'eno1',
    persistWith: 'netplan',
    blockers: ['lease-identity-unknown'],
    warnings: ['docker-forward-drop', 'renderer-fights', 'ssh-over-uplink'],
    infos: [],
    steps: ['stage-bridge', 'renderer-hold', 'cutover'],
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
        'wlp2s0: lease identity unknown: NetworkManager holds its lease, and /var/lib/NetworkManager has no internal lease file for it',
      'ssh-path': 'not an SSH session',
    },
  },
  // Recorded before the lease probe: no networkd lease file, so the identity the bridge must
  // send is unknown and the plan is blocked (keep-lease-networkd.ts). Recapture to plan it.
  'aws-ec2': {
    origin: 'composed',
    nic: 'ens5',
    persistWith: 'netplan',
    blockers: ['lease-identity-unknown', 'public-cloud'],
    warnings: ['cloud-init-owns-netplan', 'renderer-fights', 'ssh-over-uplink'],
    infos: [],
    steps: ['stage-bridge', 'renderer-hold', 'cutover'],
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
