/**
 * Hand-written data for the UI tests: a realistic plan for the original host shape (a Proxmox VM
 * whose ens18 has 198.51.100.240/24 by DHCP via 198.51.100.1, moved into fcbr0), variants of it,
 * and a minimal snapshot for fake probes. Every builder returns a fresh object.
 */
import { createTwoFilesPatch } from 'diff';
import type { HostSnapshot } from '../../source/host/snapshot.js';
import type { Plan, Step, Verdict } from '../../source/plan/types.js';

export const NETPLAN_BEFORE = `# This file is generated from information provided by the datasource.
network:
  version: 2
  ethernets:
    ens18:
      match:
        macaddress: "52:54:00:12:34:56"
      dhcp4: true
      set-name: ens18
`;

export const NETPLAN_AFTER = `# This file is generated from information provided by the datasource.
network:
  version: 2
  ethernets:
    ens18:
      match:
        macaddress: "52:54:00:12:34:56"
      dhcp4: false
      dhcp6: false
      set-name: ens18
  bridges:
    fcbr0:
      interfaces: [ens18]
      macaddress: "52:54:00:12:34:56"
      dhcp4: true
      dhcp-identifier: mac
      parameters:
        stp: false
        forward-delay: 0
`;

export function sshWarning(): Verdict {
  return {
    id: 'ssh-over-uplink',
    level: 'warning',
    reason:
      'Your SSH session from 198.51.100.23 arrives over ens18; it pauses for a moment during the cutover.',
    fix: 'Expected: keep this session open; the change is reverted at the deadline unless you confirm it.',
  };
}

export function proxmoxWarning(): Verdict {
  return {
    id: 'hypervisor-kvm',
    level: 'warning',
    reason:
      'This host is a KVM/QEMU guest (Proxmox): the VM firewall MAC filter can drop frames from guest MACs.',
    fix: "Allow the guests' MACs on this VM's NIC in Proxmox (or turn the MAC filter off) before starting VMs.",
  };
}

export function dhcpInfo(): Verdict {
  return {
    id: 'dhcp-uplink',
    level: 'info',
    reason:
      'ens18 has 198.51.100.240/24 by DHCP; fcbr0 takes the MAC 52:54:00:12:34:56 so the router keeps the lease.',
    fix: 'Nothing to do.',
  };
}

export function wifiBlocker(): Verdict {
  return {
    id: 'wifi-uplink',
    level: 'blocker',
    reason: 'ens18 is a Wi-Fi interface; access points drop frames from MACs that did not associate.',
    fix: 'Use a wired uplink, or keep the VMs behind NAT (routed mode).',
  };
}

function stageStep(): Step {
  return {
    id: 'stage-bridge',
    kind: 'stage-bridge',
    title: 'Create bridge fcbr0 with the MAC and MTU of ens18',
    detail: 'No outage: the bridge is created empty, STP off, forward delay 0, and brought up.',
    disruptive: false,
    commands: [
      {
        kind: 'exec',
        argv: [
          'ip',
          'link',
          'add',
          'name',
          'fcbr0',
          'type',
          'bridge',
          'stp_state',
          '0',
          'forward_delay',
          '0',
        ],
      },
      {
        kind: 'exec',
        argv: ['ip', 'link', 'set', 'dev', 'fcbr0', 'address', '52:54:00:12:34:56', 'mtu', '1500'],
      },
      { kind: 'exec', argv: ['ip', 'link', 'set', 'dev', 'fcbr0', 'up'] },
    ],
    inverse: [{ kind: 'exec', argv: ['ip', 'link', 'del', 'dev', 'fcbr0'] }],
    expect: [{ kind: 'link-exists', ifname: 'fcbr0', mac: '52:54:00:12:34:56', mtu: 1500, up: true }],
  };
}

function cutoverStep(): Step {
  return {
    id: 'cutover',
    kind: 'cutover',
    title: 'Move ens18 into fcbr0 with its address and routes',
    detail:
      'One ip -batch: enslave ens18, add the address to fcbr0, replace the routes, remove the old address.',
    disruptive: true,
    commands: [
      {
        kind: 'ip-batch',
        lines: [
          ['link', 'set', 'dev', 'ens18', 'master', 'fcbr0'],
          ['address', 'add', '198.51.100.240/24', 'dev', 'fcbr0', 'broadcast', '198.51.100.255'],
          [
            'route',
            'replace',
            'default',
            'via',
            '198.51.100.1',
            'dev',
            'fcbr0',
            'proto',
            'dhcp',
            'src',
            '198.51.100.240',
            'metric',
            '100',
          ],
          [
            'route',
            'replace',
            '198.51.100.0/24',
            'dev',
            'fcbr0',
            'proto',
            'kernel',
            'scope',
            'link',
            'src',
            '198.51.100.240',
            'metric',
            '100',
          ],
          ['address', 'del', '198.51.100.240/24', 'dev', 'ens18'],
        ],
      },
    ],
    inverse: [
      {
        kind: 'ip-batch',
        lines: [
          ['address', 'add', '198.51.100.240/24', 'dev', 'ens18', 'broadcast', '198.51.100.255'],
          [
            'route',
            'replace',
            'default',
            'via',
            '198.51.100.1',
            'dev',
            'ens18',
            'proto',
            'dhcp',
            'src',
            '198.51.100.240',
            'metric',
            '100',
          ],
          [
            'route',
            'replace',
            '198.51.100.0/24',
            'dev',
            'ens18',
            'proto',
            'kernel',
            'scope',
            'link',
            'src',
            '198.51.100.240',
            'metric',
            '100',
          ],
          ['address', 'del', '198.51.100.240/24', 'dev', 'fcbr0'],
          ['link', 'set', 'dev', 'ens18', 'nomaster'],
        ],
      },
    ],
    expect: [
      { kind: 'link-master', ifname: 'ens18', master: 'fcbr0' },
      { kind: 'address-on', ifname: 'fcbr0', family: 4, local: '198.51.100.240', prefixlen: 24 },
      {
        kind: 'route-via',
        family: 4,
        table: 'main',
        dst: 'default',
        dev: 'fcbr0',
        gateway: '198.51.100.1',
        metric: 100,
      },
    ],
  };
}

function stopDhcpStep(): Step {
  return {
    id: 'stop-dhcp',
    kind: 'stop-dhcp',
    title: 'Stop dhclient on ens18 without releasing the lease',
    detail: 'SIGTERM makes dhclient exit without a DHCPRELEASE; netplan takes the lease over on fcbr0 later.',
    disruptive: false,
    commands: [
      {
        kind: 'signal',
        pid: 812,
        signal: 'TERM',
        startTime: '4100',
        argv: ['dhclient', '-4', '-pf', '/run/dhclient.ens18.pid', 'ens18'],
      },
    ],
    inverse: [
      { kind: 'spawn-detached', argv: ['dhclient', '-4', '-pf', '/run/dhclient.ens18.pid', 'ens18'] },
    ],
    expect: [{ kind: 'process-gone', pid: 812 }],
  };
}

export function proxmoxPlan(): Plan {
  return {
    request: { nic: 'ens18', bridge: 'fcbr0', timeoutSec: 120, persist: 'auto' },
    nic: 'ens18',
    bridge: 'fcbr0',
    verdicts: [dhcpInfo(), sshWarning(), proxmoxWarning()],
    blocked: false,
    steps: [stageStep(), cutoverStep(), stopDhcpStep()],
    config: [
      {
        path: '/etc/netplan/50-cloud-init.yaml',
        renderer: 'netplan',
        before: NETPLAN_BEFORE,
        after: NETPLAN_AFTER,
        diff: createTwoFilesPatch(
          '/etc/netplan/50-cloud-init.yaml',
          '/etc/netplan/50-cloud-init.yaml',
          NETPLAN_BEFORE,
          NETPLAN_AFTER,
        ),
        note: 'ens18 becomes a port of fcbr0; the bridge asks DHCP with the same MAC.',
      },
    ],
    persistWith: 'netplan',
    topology: {
      before: [
        { name: 'ens18', role: 'uplink', addresses: ['198.51.100.240/24'], master: null, defaultRoute: true },
      ],
      after: [
        { name: 'fcbr0', role: 'bridge', addresses: ['198.51.100.240/24'], master: null, defaultRoute: true },
        { name: 'ens18', role: 'port', addresses: [], master: 'fcbr0', defaultRoute: false },
      ],
    },
    deadlineSec: 120,
    snapshotTakenAt: '2025-01-15T10:00:00.000Z',
  };
}

/** The same host with a blocker: nothing may be applied. */
export function blockedPlan(): Plan {
  return { ...proxmoxPlan(), verdicts: [wifiBlocker(), sshWarning()], blocked: true, steps: [], config: [] };
}

/** No warnings at all: Enter goes straight to the question. */
export function quietPlan(): Plan {
  return { ...proxmoxPlan(), verdicts: [dhcpInfo()] };
}

/** Plan text as the preview would show typographic punctuation from a planner. */
export function typographicPlan(): Plan {
  const plan = proxmoxPlan();
  plan.verdicts[1] = { ...sshWarning(), reason: 'SSH arrives over ens18 — expect a short pause… “normal”.' };
  return plan;
}

export function fakeSnapshot(): HostSnapshot {
  return {
    takenAt: '2025-01-15T10:00:00.000Z',
    hostname: 'fc-host',
    links: [],
    addresses: [],
    routes: [],
    rules: [],
    defaultGateways: [{ family: 4, gateway: '198.51.100.1', dev: 'ens18', metric: 100, protocol: 'dhcp' }],
    dns: { nameservers: ['198.51.100.1'], search: [], source: '/etc/resolv.conf' },
    renderer: {
      owner: 'netplan',
      evidence: [],
      netplan: { files: [], renderer: 'networkd', uplinkConfig: null, uplinkFile: null },
      networkd: { available: true, links: {} },
      networkManager: { available: false, running: false, devices: {} },
      ifupdown: { files: [], uplinkMethod: null },
      cloudInitNetwork: true,
    },
    dhcpClients: [],
    virt: {
      kind: 'kvm',
      dmi: { sysVendor: 'QEMU', productName: 'Standard PC (i440FX + PIIX, 1996)', biosVendor: 'SeaBIOS' },
      cloud: null,
      hypervisorHint: 'proxmox',
    },
    netfilter: {
      brNetfilterLoaded: false,
      bridgeNfCallIptables: null,
      bridgeNfCallIp6tables: null,
      forwardPolicy: 'ACCEPT',
      ipForward: false,
      natRules: [],
      iptablesAvailable: true,
      nftAvailable: true,
    },
    ssh: null,
    tools: { ip: true },
    probes: [],
    isRoot: true,
    pendingMigration: null,
  };
}
