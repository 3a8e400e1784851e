import { describe, expect, it } from 'vitest';
import {
  findNetplanStanza,
  isCloudInitFile,
  netplanFileOrder,
  netplanGlobalRenderer,
  netplanNetwork,
  netplanPortOf,
  netplanTrue,
} from '../../../source/host/parse/netplan.js';
import type { NetplanFile } from '../../../source/host/snapshot.js';

// As cloud-init writes it on an Ubuntu 24.04 VM (Proxmox, NoCloud datasource).
const CLOUD_INIT = `# This file is generated from information provided by the datasource.  Changes
# to it will not persist across an instance reboot.  To disable cloud-init's
# network configuration capabilities, write a file
# /etc/cloud/cloud.cfg.d/99-disable-network-config.cfg with the following:
# network: {config: disabled}
network:
    ethernets:
        ens18:
            dhcp4: true
            match:
                macaddress: bc:24:11:5e:8a:01
            set-name: ens18
    version: 2
`;

// As the Ubuntu server installer (subiquity) writes a static address.
const SUBIQUITY = `# This is the network config written by 'subiquity'
network:
  ethernets:
    ens18:
      addresses:
      - 192.168.18.240/24
      nameservers:
        addresses:
        - 192.168.18.1
        search: []
      routes:
      - to: default
        via: 192.168.18.1
  version: 2
`;

const NM_ALL = `# Let NetworkManager manage all devices on this system
network:
  version: 2
  renderer: NetworkManager
`;

const file = (path: string, content: string): NetplanFile => ({
  path,
  content,
  cloudInit: isCloudInitFile(path, content),
});
const ens18 = { name: 'ens18', mac: 'bc:24:11:5e:8a:01', permanentMac: null, driver: 'virtio_net' };

describe('netplan files', () => {
  it('orders files by name with /run shadowing /etc shadowing /lib', () => {
    expect(
      netplanFileOrder({
        '/lib/netplan': ['00-base.yaml', '50-cloud-init.yaml'],
        '/etc/netplan': ['50-cloud-init.yaml', '01-netcfg.yaml', 'README'],
        '/run/netplan': ['50-cloud-init.yaml'],
      }),
    ).toEqual([
      '/lib/netplan/00-base.yaml',
      '/etc/netplan/01-netcfg.yaml',
      '/run/netplan/50-cloud-init.yaml',
    ]);
    expect(netplanFileOrder({ '/etc/netplan': null })).toEqual([]);
  });

  it('recognises cloud-init files by name or header', () => {
    expect(isCloudInitFile('/etc/netplan/50-cloud-init.yaml', 'network: {}')).toBe(true);
    expect(isCloudInitFile('/etc/netplan/90-custom.yaml', CLOUD_INIT)).toBe(true);
    expect(isCloudInitFile('/etc/netplan/00-installer-config.yaml', SUBIQUITY)).toBe(false);
  });

  it('finds a cloud-init stanza that matches by MAC and renames', () => {
    const stanza = findNetplanStanza([file('/etc/netplan/50-cloud-init.yaml', CLOUD_INIT)], ens18);
    expect(stanza).toMatchObject({
      section: 'ethernets',
      id: 'ens18',
      via: 'set-name',
      renderer: 'networkd',
    });
    expect(stanza?.config).toMatchObject({ dhcp4: true, 'set-name': 'ens18' });
  });

  it('does not take a MAC-matched stanza for another NIC with the same name', () => {
    const other = { ...ens18, mac: '52:54:00:00:00:99' };
    expect(findNetplanStanza([file('/etc/netplan/50-cloud-init.yaml', CLOUD_INIT)], other)).toBeNull();
  });

  it('matches the permanent MAC when the current one differs (a bond port)', () => {
    const port = { name: 'ens18', mac: '02:00:00:00:00:01', permanentMac: 'BC:24:11:5E:8A:01', driver: null };
    expect(findNetplanStanza([file('/etc/netplan/50-cloud-init.yaml', CLOUD_INIT)], port)?.via).toBe(
      'set-name',
    );
  });

  it('keeps MAC addresses and static config as strings and lists', () => {
    const stanza = findNetplanStanza([file('/etc/netplan/00-installer-config.yaml', SUBIQUITY)], ens18);
    expect(stanza?.via).toBe('id');
    expect(stanza?.config.addresses).toEqual(['192.168.18.240/24']);
    expect(stanza?.config.routes).toEqual([{ to: 'default', via: '192.168.18.1' }]);
  });

  it('merges a stanza over files and points at the last one to edit', () => {
    const override =
      'network:\n  version: 2\n  ethernets:\n    ens18:\n      mtu: 9000\n      nameservers:\n        search: [lan]\n';
    const stanza = findNetplanStanza(
      [file('/etc/netplan/00-installer-config.yaml', SUBIQUITY), file('/etc/netplan/90-mtu.yaml', override)],
      ens18,
    );
    expect(stanza?.file).toBe('/etc/netplan/90-mtu.yaml');
    expect(stanza?.files).toEqual(['/etc/netplan/00-installer-config.yaml', '/etc/netplan/90-mtu.yaml']);
    expect(stanza?.config).toMatchObject({ mtu: 9000, addresses: ['192.168.18.240/24'] });
    expect(stanza?.config.nameservers).toEqual({ addresses: ['192.168.18.1'], search: ['lan'] });
  });

  it('matches by name glob and driver, and resolves the renderer stanza > section > global', () => {
    const text = `network:
  version: 2
  renderer: NetworkManager
  ethernets:
    renderer: networkd
    uplink:
      match:
        name: "en*"
        driver: ["virtio_net", "e1000"]
      dhcp4: yes
`;
    const stanza = findNetplanStanza([file('/etc/netplan/01.yaml', text)], { ...ens18, name: 'ens18' });
    expect(stanza).toMatchObject({ id: 'uplink', via: 'match', renderer: 'networkd' });
    expect(netplanTrue(stanza?.config.dhcp4)).toBe(true);
    expect(findNetplanStanza([file('/etc/netplan/01.yaml', text)], { ...ens18, driver: 'ixgbe' })).toBeNull();
  });

  it('takes the global renderer when no stanza names one', () => {
    const files = [
      file('/etc/netplan/01-network-manager-all.yaml', NM_ALL),
      file('/etc/netplan/02.yaml', SUBIQUITY),
    ];
    expect(findNetplanStanza(files, ens18)?.renderer).toBe('NetworkManager');
    expect(netplanGlobalRenderer(files)).toBe('NetworkManager');
    expect(netplanGlobalRenderer([file('/etc/netplan/02.yaml', SUBIQUITY)])).toBeNull();
  });

  it('finds the bridge that already has the interface as a port', () => {
    const bridged = `network:
  version: 2
  ethernets:
    ens18: {dhcp4: false}
  bridges:
    br0:
      interfaces: [ens18]
      dhcp4: true
`;
    expect(netplanPortOf([file('/etc/netplan/01-br.yaml', bridged)], 'ens18')).toEqual([
      { id: 'br0', file: '/etc/netplan/01-br.yaml' },
    ]);
  });

  it('reports invalid YAML instead of throwing, and skips it when searching', () => {
    expect(netplanNetwork('network:\n  ethernets: [\n').error).toBeTruthy();
    expect(
      findNetplanStanza([file('/etc/netplan/bad.yaml', 'network:\n  ethernets: [\n')], ens18),
    ).toBeNull();
    expect(netplanNetwork('').network).toBeNull();
  });
});
