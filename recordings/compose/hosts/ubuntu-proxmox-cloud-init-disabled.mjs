/**
 * The original plan's host after its owner switched cloud-init off with its documented marker
 * file (cloud-init docs, "How to disable cloud-init": `touch /etc/cloud/cloud-init.disabled`;
 * cloud-init-generator then never starts it). The netplan file keeps cloud-init's header, but
 * nothing writes it again: the tool edits it itself and writes no cloud-init drop-in.
 */
import proxmox from './ubuntu-proxmox-netplan-dhcp.mjs';

export default {
  ...proxmox,
  description:
    'Composed: the ubuntu-proxmox-netplan-dhcp host (see its description; same addresses, same ' +
    'tools\' output) on which cloud-init was then disabled with its documented marker file, an empty ' +
    '/etc/cloud/cloud-init.disabled (cloud-init docs, "How to disable cloud-init"). ' +
    "/etc/netplan/50-cloud-init.yaml still carries cloud-init's header; the kernel command line has no " +
    'cloud-init= word.',
  files: { ...proxmox.files, '/etc/cloud/cloud-init.disabled': '' },
};
