/**
 * Whether cloud-init runs at all, decided as its systemd generator decides
 * (source/host/parse/cloud-init-switch.ts): the kernel command line's last `cloud-init=` word,
 * then the marker files, then enabled.
 */
import { describe, expect, it } from 'vitest';
import {
  cloudInitDisabledBy,
  cmdlineCloudInitSwitch,
  KERNEL_CMDLINE_MAX_BYTES,
} from '../../../source/host/parse/cloud-init-switch.js';

const UBUNTU = 'BOOT_IMAGE=/vmlinuz-6.8.0-49-generic root=UUID=0b3c4f6e ro console=tty1 console=ttyS0';

describe('the kernel command line', () => {
  it.each([
    [`${UBUNTU} cloud-init=disabled\n`, 'disabled'],
    [`cloud-init=disabled ${UBUNTU}\n`, 'disabled'],
    [`${UBUNTU}\tcloud-init=disabled`, 'disabled'],
    [`${UBUNTU} cloud-init=enabled\n`, 'enabled'],
    [`${UBUNTU}\n`, 'unset'],
    ['', 'unset'],
  ])('%j says %s', (cmdline, expected) => {
    expect(cmdlineCloudInitSwitch(cmdline)).toBe(expected);
  });

  it('takes cloud-init=disabled only as a whole word, never inside another one', () => {
    expect(cmdlineCloudInitSwitch(`${UBUNTU} xcloud-init=disabled`)).toBe('unset');
    expect(cmdlineCloudInitSwitch(`${UBUNTU} my.cloud-init=disabled`)).toBe('unset');
    expect(cmdlineCloudInitSwitch(`${UBUNTU} cloud-init=disabledx`)).toBe('unset');
    expect(cmdlineCloudInitSwitch(`${UBUNTU} cloud-init=disabled,quiet`)).toBe('unset');
    expect(cmdlineCloudInitSwitch(`${UBUNTU} ds=nocloud;s=cloud-init=disabled`)).toBe('unset');
    expect(cmdlineCloudInitSwitch(`${UBUNTU} "cloud-init=disabled"`)).toBe('unset');
  });

  it('lets the last cloud-init= word decide, as the generator does, even one it does not know', () => {
    expect(cmdlineCloudInitSwitch('cloud-init=disabled cloud-init=enabled')).toBe('enabled');
    expect(cmdlineCloudInitSwitch('cloud-init=enabled cloud-init=disabled')).toBe('disabled');
    expect(cmdlineCloudInitSwitch('cloud-init=disabled cloud-init=maybe')).toBe('unset');
  });

  it('reads a hostile line of the cap size word by word, without a pattern that backtracks', () => {
    const long = `${'a'.repeat(KERNEL_CMDLINE_MAX_BYTES - 40)} cloud-init=disabled ${'\u0000'.repeat(8)}`;
    expect(cmdlineCloudInitSwitch(long)).toBe('disabled');
    expect(cmdlineCloudInitSwitch(' '.repeat(KERNEL_CMDLINE_MAX_BYTES))).toBe('unset');
  });
});

describe("the generator's decision", () => {
  const none = { enabledFile: false, disabledFile: false };
  it('disables on the command line before any file is looked at', () => {
    expect(cloudInitDisabledBy({ ...none, cmdline: 'disabled', enabledFile: true })).toEqual({
      by: 'kernel-cmdline',
    });
  });

  it('lets cloud-init=enabled override the marker file, and cloud-init.enabled win over .disabled', () => {
    expect(cloudInitDisabledBy({ cmdline: 'enabled', enabledFile: false, disabledFile: true })).toBeNull();
    expect(cloudInitDisabledBy({ cmdline: 'unset', enabledFile: true, disabledFile: true })).toBeNull();
  });

  it('disables by the marker file when the command line says nothing, or is not known', () => {
    const marker = { by: 'marker-file', path: '/etc/cloud/cloud-init.disabled' };
    expect(cloudInitDisabledBy({ cmdline: 'unset', enabledFile: false, disabledFile: true })).toEqual(marker);
    expect(cloudInitDisabledBy({ cmdline: null, enabledFile: false, disabledFile: true })).toEqual(marker);
  });

  it('says nothing disables it only when the command line was read; unknown otherwise', () => {
    expect(cloudInitDisabledBy({ ...none, cmdline: 'unset' })).toBeNull();
    expect(cloudInitDisabledBy({ ...none, cmdline: null })).toBeUndefined();
  });
});
