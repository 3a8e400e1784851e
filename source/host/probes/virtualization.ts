/**
 * Hypervisor and cloud: `systemd-detect-virt` (prints "none" and exits 1 on bare metal, so its
 * output matters, not its exit code) and the DMI strings in /sys/class/dmi/id.
 */
import { type Dmi, detectCloud, hypervisorHint } from '../parse/virt.js';
import type { Virtualization } from '../snapshot.js';
import { type ProbeContext, type ProbeOutcome, runTool, whyNot } from './context.js';

export const DETECT_VIRT_ARGV = ['systemd-detect-virt'] as const;

export const DMI_FILES: Record<keyof Dmi, string> = {
  sysVendor: '/sys/class/dmi/id/sys_vendor',
  productName: '/sys/class/dmi/id/product_name',
  productVersion: '/sys/class/dmi/id/product_version',
  biosVendor: '/sys/class/dmi/id/bios_vendor',
  biosVersion: '/sys/class/dmi/id/bios_version',
  chassisAssetTag: '/sys/class/dmi/id/chassis_asset_tag',
};

export async function probeVirtualization(context: ProbeContext): Promise<ProbeOutcome<Virtualization>> {
  const keys = Object.keys(DMI_FILES) as Array<keyof Dmi>;
  const [detect, ...values] = await Promise.all([
    runTool(context, DETECT_VIRT_ARGV),
    ...keys.map((key) => context.files.readFile(DMI_FILES[key])),
  ]);
  const dmi = Object.fromEntries(
    keys.map((key, index) => [key, values[index]?.trim() || null]),
  ) as unknown as Dmi;
  const answer = detect.stdout.trim();
  const kind = !detect.notFound && !detect.timedOut && answer !== '' ? answer : null;
  return {
    value: { kind, dmi, cloud: detectCloud(dmi), hypervisorHint: hypervisorHint(kind, dmi) },
    note: kind === null ? whyNot(detect) : null,
  };
}
