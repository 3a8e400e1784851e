/**
 * A host that is itself a VM sends its guests' frames out with MACs its hypervisor never assigned;
 * each hypervisor drops them by default in its own way. (Public clouds are blockers instead.)
 */
import type { HostSnapshot } from '../../host/snapshot.js';
import type { Verdict } from '../types.js';
import { warning } from './verdict.js';

export function hypervisorWarnings(snapshot: Pick<HostSnapshot, 'virt'>): Verdict[] {
  const { kind, cloud, hypervisorHint, dmi } = snapshot.virt;
  if (cloud || !kind || kind === 'none') return [];
  const proxmox = /proxmox/i.test(`${hypervisorHint ?? ''} ${dmi.sysVendor ?? ''} ${dmi.productName ?? ''}`);
  if (kind === 'kvm' || kind === 'qemu') {
    return [
      warning(
        'hypervisor-kvm',
        `This host is a VM under KVM/QEMU${proxmox ? ' (Proxmox VE)' : ''}, which sees guest frames with MACs it did not assign to this VM.`,
        proxmox
          ? "In Proxmox, turn off the MAC filter of this VM's firewall (or the firewall on its NIC) and keep MAC learning on for the host bridge it is on."
          : "Allow foreign MACs on this VM's NIC in the hypervisor (no MAC filter on its bridge or macvtap port).",
      ),
    ];
  }
  if (kind === 'vmware') {
    return [
      warning(
        'hypervisor-vmware',
        "This host is a VMware VM, and the vSwitch drops frames whose MAC is not the VM adapter's own.",
        "Set Forged Transmits and MAC Address Changes to Accept, and Promiscuous Mode (or MAC learning on a vDS), on this VM's port group.",
      ),
    ];
  }
  if (kind === 'microsoft') {
    return [
      warning(
        'hypervisor-hyperv',
        "This host is a Hyper-V VM, and Hyper-V drops frames whose MAC is not the VM adapter's own.",
        'Enable MAC address spoofing on the VM adapter (Set-VMNetworkAdapter -VMName NAME -MacAddressSpoofing On).',
      ),
    ];
  }
  if (kind === 'oracle') {
    return [
      warning(
        'hypervisor-virtualbox',
        "This host is a VirtualBox VM, whose adapters pass only the VM's own MAC by default.",
        "Set the VM adapter's Promiscuous Mode to Allow All (bridged adapter) in VirtualBox.",
      ),
    ];
  }
  return [];
}
