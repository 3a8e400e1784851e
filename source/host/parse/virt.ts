/**
 * Hypervisor and cloud from `systemd-detect-virt` and the DMI strings the firmware reports
 * (/sys/class/dmi/id). Public clouds drop frames from MAC addresses they did not assign, so a
 * bridge with guests on it cannot work there; the cloud is recognised by its documented DMI values.
 */
import type { CloudProvider } from '../snapshot.js';

export interface Dmi {
  sysVendor: string | null;
  productName: string | null;
  productVersion: string | null;
  biosVendor: string | null;
  biosVersion: string | null;
  chassisAssetTag: string | null;
}

/** Azure puts this fixed asset tag in every VM's chassis (Azure docs, "Detect Azure VM"). */
export const AZURE_ASSET_TAG = '7783-7084-3265-9085-8269-3286-77';

export function detectCloud(dmi: Dmi): CloudProvider {
  const vendor = dmi.sysVendor ?? '';
  // Nitro instances say "Amazon EC2"; older Xen instances only show it in the BIOS version ("4.11.amazon").
  if (vendor === 'Amazon EC2' || /amazon/i.test(dmi.biosVersion ?? '')) return 'aws';
  if (dmi.productName === 'Google Compute Engine' || vendor === 'Google') return 'gcp';
  if (vendor === 'Microsoft Corporation' && dmi.chassisAssetTag === AZURE_ASSET_TAG) return 'azure';
  if (dmi.chassisAssetTag === 'OracleCloud.com') return 'oracle';
  if (vendor === 'DigitalOcean') return 'digitalocean';
  return null;
}

/**
 * The OUI the IEEE assigned to Proxmox Server Solutions GmbH (MA-L), which Proxmox VE uses by
 * default for the MACs it generates for guest NICs (`mac_prefix` in datacenter.cfg, default
 * BC:24:11; pve-cluster src/PVE/DataCenterConfig.pm). Inside a Proxmox VM nothing in DMI says
 * Proxmox (SeaBIOS, "Standard PC (Q35 + ICH9, 2009)"), but the NIC's MAC usually does.
 */
export const PROXMOX_OUI = 'bc:24:11';

/** Whether a MAC starts with Proxmox's OUI (an administrator may have set another prefix). */
export function hasProxmoxOui(mac: string | null | undefined): boolean {
  return (mac ?? '').toLowerCase().startsWith(`${PROXMOX_OUI}:`);
}

export const PROXMOX_HINT = 'Proxmox VE (QEMU/KVM)';

/**
 * A human hint about the hypervisor's own switch, which decides whether guest MACs get through:
 * Proxmox (its OVMF build names it in DMI; otherwise the uplink's MAC prefix), plain QEMU/KVM,
 * VMware, Hyper-V.
 */
export function hypervisorHint(
  kind: string | null,
  dmi: Dmi,
  uplinkMac: string | null = null,
): string | null {
  const vendor = dmi.sysVendor ?? '';
  const bios = `${dmi.biosVendor ?? ''} ${dmi.biosVersion ?? ''}`;
  if (/proxmox/i.test(bios) || /proxmox/i.test(dmi.productName ?? '')) return PROXMOX_HINT;
  const qemu = vendor === 'QEMU' || kind === 'qemu' || kind === 'kvm';
  if (qemu && hasProxmoxOui(uplinkMac)) return PROXMOX_HINT;
  if (qemu) return 'QEMU/KVM';
  if (kind === 'vmware' || /vmware/i.test(vendor)) return 'VMware';
  if (
    kind === 'microsoft' ||
    (vendor === 'Microsoft Corporation' && /virtual machine/i.test(dmi.productName ?? ''))
  ) {
    return 'Hyper-V';
  }
  if (kind === 'oracle') return 'VirtualBox';
  if (kind === 'xen') return 'Xen';
  return null;
}
