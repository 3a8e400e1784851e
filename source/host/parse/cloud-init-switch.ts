/**
 * Whether cloud-init runs at all, as its systemd generator decides at every boot
 * (systemd/cloud-init-generator.tmpl, `main`): the first of these that gives an answer wins
 *   1. the kernel command line: the LAST ` cloud-init=` word, when its value is exactly `enabled`
 *      or `disabled` (any other value says nothing and the search goes on);
 *   2. /etc/cloud/cloud-init.enabled, then /etc/cloud/cloud-init.disabled, as regular files;
 *   3. enabled.
 * A cloud-init that does not run never writes its netplan file again, whatever cloud.cfg says.
 *
 * /proc/cmdline is hostile text like any other file: read with a cap, split into words only.
 */
import type { CloudInitDisabled } from '../snapshot.js';

export const CLOUD_INIT_ENABLED_FILE = '/etc/cloud/cloud-init.enabled';
export const CLOUD_INIT_DISABLED_FILE = '/etc/cloud/cloud-init.disabled';
export const KERNEL_CMDLINE = '/proc/cmdline';
/** Linux caps the command line at COMMAND_LINE_SIZE (2048 on x86, 4096 on arm64, at most 64 KiB). */
export const KERNEL_CMDLINE_MAX_BYTES = 64 * 1024;

export type CmdlineSwitch = 'enabled' | 'disabled' | 'unset';

/** What the kernel command line says about cloud-init, read as the generator reads it. */
export function cmdlineCloudInitSwitch(cmdline: string): CmdlineSwitch {
  // The generator's `read` turns the line into words separated by blanks; the last one wins.
  const words = cmdline.split(/[ \t\n]+/);
  let last: string | null = null;
  for (const word of words) if (word.startsWith('cloud-init=')) last = word.slice('cloud-init='.length);
  return last === 'enabled' || last === 'disabled' ? last : 'unset';
}

/**
 * The generator's decision from what was read: `cmdline` null when the command line is not known
 * (another --root-dir, or too long to be a real one). Undefined when it cannot be told without it.
 */
export function cloudInitDisabledBy(facts: {
  cmdline: CmdlineSwitch | null;
  enabledFile: boolean;
  disabledFile: boolean;
}): CloudInitDisabled | null | undefined {
  if (facts.cmdline === 'disabled') return { by: 'kernel-cmdline' };
  if (facts.cmdline === 'enabled') return null;
  if (facts.enabledFile) return null;
  if (facts.disabledFile) return { by: 'marker-file', path: CLOUD_INIT_DISABLED_FILE };
  return facts.cmdline === null ? undefined : null;
}
