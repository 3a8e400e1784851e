/**
 * cloud-init switched off as a whole (the probe read its marker file and the kernel command line,
 * host/parse/cloud-init-switch.ts): it never writes its netplan file again, so the tool edits that
 * file itself and writes no cloud-init drop-in. The preview says so, in the verdicts and beside
 * the file.
 */
import type { CloudInitDisabled, Renderer } from '../../host/snapshot.js';

/** The reason cloud-init does not own the uplink's netplan file, when it is switched off. */
export function cloudInitOff(renderer: Renderer): CloudInitDisabled | null {
  return renderer.cloudInitNetwork ? null : (renderer.cloudInitDisabled ?? null);
}

/** "cloud-init is disabled (/etc/cloud/cloud-init.disabled)". */
export function describeCloudInitDisabled(disabled: CloudInitDisabled): string {
  return disabled.by === 'marker-file'
    ? `cloud-init is disabled (${disabled.path})`
    : 'cloud-init is disabled (cloud-init=disabled on the kernel command line)';
}
