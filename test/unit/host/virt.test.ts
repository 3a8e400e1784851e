import { describe, expect, it } from 'vitest';
import {
  AZURE_ASSET_TAG,
  type Dmi,
  detectCloud,
  hasProxmoxOui,
  hypervisorHint,
} from '../../../source/host/parse/virt.js';

const dmi = (overrides: Partial<Dmi>): Dmi => ({
  sysVendor: null,
  productName: null,
  productVersion: null,
  biosVendor: null,
  biosVersion: null,
  chassisAssetTag: null,
  ...overrides,
});

describe('cloud and hypervisor detection (DMI strings as the clouds document them)', () => {
  it('recognises AWS on Nitro and on Xen', () => {
    expect(detectCloud(dmi({ sysVendor: 'Amazon EC2', productName: 'm5.large' }))).toBe('aws');
    expect(detectCloud(dmi({ sysVendor: 'Xen', productName: 'HVM domU', biosVersion: '4.11.amazon' }))).toBe(
      'aws',
    );
  });

  it('recognises GCP, Azure, Oracle and DigitalOcean', () => {
    expect(detectCloud(dmi({ sysVendor: 'Google', productName: 'Google Compute Engine' }))).toBe('gcp');
    expect(detectCloud(dmi({ sysVendor: 'Microsoft Corporation', chassisAssetTag: AZURE_ASSET_TAG }))).toBe(
      'azure',
    );
    expect(detectCloud(dmi({ sysVendor: 'QEMU', chassisAssetTag: 'OracleCloud.com' }))).toBe('oracle');
    expect(detectCloud(dmi({ sysVendor: 'DigitalOcean', productName: 'Droplet' }))).toBe('digitalocean');
  });

  it('does not call a Hyper-V VM on premises Azure', () => {
    const hyperV = dmi({
      sysVendor: 'Microsoft Corporation',
      productName: 'Virtual Machine',
      chassisAssetTag: '0000-0000',
    });
    expect(detectCloud(hyperV)).toBeNull();
    expect(hypervisorHint('microsoft', hyperV)).toBe('Hyper-V');
  });

  it('hints Proxmox from its firmware and plain QEMU otherwise', () => {
    const proxmox = dmi({
      sysVendor: 'QEMU',
      productName: 'Standard PC (Q35 + ICH9, 2009)',
      biosVendor: 'Proxmox distribution of EDK II',
    });
    expect(hypervisorHint('kvm', proxmox)).toBe('Proxmox VE (QEMU/KVM)');
    expect(hypervisorHint('kvm', dmi({ sysVendor: 'QEMU', biosVendor: 'SeaBIOS' }))).toBe('QEMU/KVM');
    expect(hypervisorHint('vmware', dmi({ sysVendor: 'VMware, Inc.' }))).toBe('VMware');
    expect(hypervisorHint('none', dmi({ sysVendor: 'Dell Inc.' }))).toBeNull();
    expect(detectCloud(proxmox)).toBeNull();
  });

  it("hints Proxmox from the uplink's MAC when DMI shows only QEMU and SeaBIOS (Proxmox's OUI BC:24:11)", () => {
    const seabios = dmi({
      sysVendor: 'QEMU',
      productName: 'Standard PC (Q35 + ICH9, 2009)',
      biosVendor: 'SeaBIOS',
    });
    expect(hypervisorHint('kvm', seabios, 'BC:24:11:5E:8A:01')).toBe('Proxmox VE (QEMU/KVM)');
    expect(hypervisorHint('kvm', seabios, '52:54:00:12:34:56')).toBe('QEMU/KVM');
    // A Proxmox-made MAC on bare metal or another hypervisor says nothing about the host.
    expect(hypervisorHint('none', dmi({ sysVendor: 'Dell Inc.' }), 'bc:24:11:00:00:01')).toBeNull();
    expect(hypervisorHint('vmware', dmi({ sysVendor: 'VMware, Inc.' }), 'bc:24:11:00:00:01')).toBe('VMware');
    expect([
      hasProxmoxOui('bc:24:11:aa:bb:cc'),
      hasProxmoxOui('bc:24:12:aa:bb:cc'),
      hasProxmoxOui(null),
    ]).toEqual([true, false, false]);
  });
});
