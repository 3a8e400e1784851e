/**
 * A host that is itself a VM sends its guests' frames out with MACs its hypervisor never assigned;
 * each hypervisor drops them by default in its own way. (Public clouds are blockers instead.)
 */
import { hasProxmoxOui, PROXMOX_OUI } from '../../host/parse/virt.js';
import type { HostSnapshot, Link } from '../../host/snapshot.js';
import type { Verdict } from '../types.js';
import { warning } from './verdict.js';

export function hypervisorWarnings(
  snapshot: Pick<HostSnapshot, 'virt'>,
  uplink: Pick<Link, 'name' | 'mac' | 'permanentMac'>,
): Verdict[] {
  const { kind, cloud, hypervisorHint, dmi } = snapshot.virt;
  if (cloud || !kind || kind === 'none') return [];
  const named = /proxmox/i.test(`${dmi.biosVendor ?? ''} ${dmi.sysVendor ?? ''} ${dmi.productName ?? ''}`);
  // Proxmox VE generates guest MACs under its own OUI, the only trace of it inside a SeaBIOS VM.
  const byMac = hasProxmoxOui(uplink.permanentMac ?? uplink.mac);
  const proxmox = named || byMac || /proxmox/i.test(hypervisorHint ?? '');
  if (kind === 'kvm' || kind === 'qemu') {
    const where = !proxmox
      ? ''
      : named || !byMac
        ? ' (Proxmox VE)'
        : ` (Proxmox VE, judging by ${uplink.name}'s MAC, which carries Proxmox's OUI ${PROXMOX_OUI.toUpperCase()})`;
    return [
      warning(
        'hypervisor-kvm',
        `This host is a VM under KVM/QEMU${where}, and the hypervisor may drop frames from guest MACs it did not assign to this VM.`,
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
