import { describe, expect, it } from 'vitest';
import { isCloudInitFile } from '../../../source/host/parse/netplan.js';
import { rendererOwnerFor } from '../../../source/host/renderer-owner.js';
import type { Link, Renderer } from '../../../source/host/snapshot.js';
import { CLOUD_INIT_NETPLAN } from './probe-host-spec.js';

const link = (name: string, mac: string): Link => ({
  ifindex: 2,
  name,
  kind: null,
  tunType: null,
  mac,
  permanentMac: null,
  mtu: 1500,
  operstate: 'UP',
  flags: [],
  master: null,
  masterKind: null,
  parent: null,
  vlanId: null,
  wireless: false,
  driver: 'virtio_net',
  bridge: null,
});

const facts = (overrides: Partial<Renderer> = {}): Renderer => ({
  owner: 'none',
  evidence: [],
  netplan: { files: [], renderer: null, uplinkConfig: null, uplinkFile: null },
  networkd: { available: false, links: {} },
  networkManager: { available: false, running: false, devices: {} },
  ifupdown: { files: [], uplinkMethod: null },
  cloudInitNetwork: false,
  ...overrides,
});

const netplanFile = (path: string, content: string) => ({
  path,
  content,
  cloudInit: isCloudInitFile(path, content),
});
const links = [link('ens18', 'bc:24:11:5e:8a:01'), link('ens19', 'bc:24:11:5e:8a:02')];

describe('rendererOwnerFor', () => {
  it('answers per interface: netplan for the named NIC, nothing for another', () => {
    const renderer = facts({
      netplan: {
        files: [netplanFile('/etc/netplan/50-cloud-init.yaml', CLOUD_INIT_NETPLAN)],
        renderer: null,
        uplinkConfig: null,
        uplinkFile: null,
      },
    });
    const uplink = rendererOwnerFor({ renderer, links }, 'ens18');
    expect(uplink.owner).toBe('netplan');
    expect(uplink.netplan.uplinkFile).toBe('/etc/netplan/50-cloud-init.yaml');
    const other = rendererOwnerFor({ renderer, links }, 'ens19');
    expect(other.owner).toBe('none');
    expect(other.netplan.uplinkConfig).toBeNull();
    expect(other.evidence).toEqual(['nothing found that manages ens19']);
  });

  it('finds ifupdown from a stanza or from a bridge port list', () => {
    const content =
      'auto lo\niface lo inet loopback\n\nallow-hotplug ens18\niface ens18 inet dhcp\n\nauto vmbr0\niface vmbr0 inet manual\n  bridge-ports ens19\n';
    const renderer = facts({
      ifupdown: { files: [{ path: '/etc/network/interfaces', content }], uplinkMethod: null },
    });
    expect(rendererOwnerFor({ renderer, links }, 'ens18')).toMatchObject({
      owner: 'ifupdown',
      ifupdown: { uplinkMethod: 'dhcp' },
    });
    const port = rendererOwnerFor({ renderer, links }, 'ens19');
    expect(port.owner).toBe('ifupdown');
    expect(port.evidence).toContain('ifupdown: vmbr0 lists ens19 as a port');
  });

  it('finds NetworkManager from nmcli, and not for an unmanaged device', () => {
    const renderer = facts({
      networkManager: {
        available: true,
        running: true,
        devices: {
          ens18: { type: 'ethernet', state: 'connected', connection: 'Wired connection 1' },
          ens19: { type: 'ethernet', state: 'unmanaged', connection: null },
        },
      },
    });
    const uplink = rendererOwnerFor({ renderer, links }, 'ens18');
    expect(uplink.owner).toBe('networkmanager');
    expect(uplink.evidence).toContain('NetworkManager: ens18 connected (Wired connection 1)');
    expect(rendererOwnerFor({ renderer, links }, 'ens19').owner).toBe('none');
  });

  it('finds networkd without netplan from its setup state', () => {
    const renderer = facts({
      networkd: {
        available: true,
        links: { ens18: { setupState: 'configured', operationalState: 'routable' } },
      },
    });
    expect(rendererOwnerFor({ renderer, links }, 'ens18').owner).toBe('networkd');
  });

  it('uses netplan’s global NetworkManager renderer only when nmcli could not answer', () => {
    const nmAll = netplanFile(
      '/etc/netplan/01-network-manager-all.yaml',
      'network:\n  version: 2\n  renderer: NetworkManager\n',
    );
    const netplan = { files: [nmAll], renderer: null, uplinkConfig: null, uplinkFile: null };
    const fromFiles = rendererOwnerFor({ renderer: facts({ netplan }), links }, 'ens18');
    expect(fromFiles).toMatchObject({
      owner: 'networkmanager',
      netplan: { renderer: 'NetworkManager', uplinkFile: null },
    });
    const answered = facts({
      netplan,
      networkManager: {
        available: true,
        running: true,
        devices: { ens18: { type: 'ethernet', state: 'unmanaged', connection: null } },
      },
    });
    expect(rendererOwnerFor({ renderer: answered, links }, 'ens18').owner).toBe('none');
  });

  it('prefers the netplan stanza over the runtime daemons it configures', () => {
    const renderer = facts({
      netplan: {
        files: [netplanFile('/etc/netplan/50-cloud-init.yaml', CLOUD_INIT_NETPLAN)],
        renderer: null,
        uplinkConfig: null,
        uplinkFile: null,
      },
      networkd: {
        available: true,
        links: { ens18: { setupState: 'configured', operationalState: 'routable' } },
      },
    });
    const decided = rendererOwnerFor({ renderer, links }, 'ens18');
    expect(decided.owner).toBe('netplan');
    expect(decided.evidence).toEqual([
      'netplan ethernets.ens18 in /etc/netplan/50-cloud-init.yaml matches and renames ens18 (renderer networkd)',
      '/etc/netplan/50-cloud-init.yaml is written by cloud-init',
      'networkd: ens18 configured',
    ]);
  });
});
