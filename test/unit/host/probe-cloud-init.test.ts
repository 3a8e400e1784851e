/**
 * The probe reads whether cloud-init runs at all (its marker files under --root-dir, the kernel
 * command line of the machine itself), and a cloud-init that does not run no longer owns the
 * netplan file it once wrote (renderer.cloudInitNetwork). Older recordings lack these reads:
 * they replay as before, with the fact unknown.
 */
import { describe, expect, it } from 'vitest';
import { probeHost } from '../../../source/host/probe.js';
import type { ProbeEnv } from '../../../source/host/probe-api.js';
import { ReplayMiss } from '../../../source/system/capture.js';
import type { FileReader } from '../../../source/system/files.js';
import { fakeHost, type HostSpec } from './fake-host.js';
import { proxmoxVmSpec, SSH_CONNECTION } from './probe-host-spec.js';

const ROOT_ENV: ProbeEnv = { uid: 0, sshConnection: SSH_CONNECTION, rootDir: '/' };
const CMDLINE = 'BOOT_IMAGE=/vmlinuz-6.8.0-49-generic root=UUID=0b3c4f6e ro console=ttyS0\n';

async function rendererOf(
  files: Record<string, string>,
  env = ROOT_ENV,
  wrap?: (f: FileReader) => FileReader,
) {
  const spec: HostSpec = proxmoxVmSpec();
  spec.files = { ...spec.files, ...files };
  const host = fakeHost(spec);
  const snapshot = await probeHost({ runner: host.runner, files: wrap ? wrap(host.files) : host.files, env });
  return { renderer: snapshot.renderer, reads: host.reads, probes: snapshot.probes };
}

describe('cloud-init switched off', () => {
  it('by /etc/cloud/cloud-init.disabled: cloud-init no longer owns its netplan file', async () => {
    const { renderer } = await rendererOf({ '/proc/cmdline': CMDLINE, '/etc/cloud/cloud-init.disabled': '' });
    expect(renderer.netplan.files[0]?.cloudInit).toBe(true);
    expect(renderer.cloudInitDisabled).toEqual({ by: 'marker-file', path: '/etc/cloud/cloud-init.disabled' });
    expect(renderer.cloudInitNetwork).toBe(false);
  });

  it('by cloud-init=disabled on the kernel command line', async () => {
    const { renderer } = await rendererOf({ '/proc/cmdline': `${CMDLINE.trim()} cloud-init=disabled\n` });
    expect(renderer.cloudInitDisabled).toEqual({ by: 'kernel-cmdline' });
    expect(renderer.cloudInitNetwork).toBe(false);
  });

  it('not by a word that only contains cloud-init=disabled', async () => {
    const { renderer } = await rendererOf({ '/proc/cmdline': `${CMDLINE.trim()} xcloud-init=disabled\n` });
    expect(renderer.cloudInitDisabled).toBeNull();
    expect(renderer.cloudInitNetwork).toBe(true);
  });

  it('not when cloud-init=enabled overrides the marker file', async () => {
    const { renderer } = await rendererOf({
      '/proc/cmdline': `${CMDLINE.trim()} cloud-init=enabled\n`,
      '/etc/cloud/cloud-init.disabled': '',
    });
    expect(renderer.cloudInitDisabled).toBeNull();
    expect(renderer.cloudInitNetwork).toBe(true);
  });

  it('reads the marker files with a cap and the command line with the kernel cap', async () => {
    const caps: Record<string, number | undefined> = {};
    await rendererOf({ '/proc/cmdline': CMDLINE }, ROOT_ENV, (files) => ({
      ...files,
      readFile: (path, options) => {
        caps[path] = options?.maxBytes;
        return files.readFile(path, options);
      },
    }));
    expect(caps).toMatchObject({
      '/etc/cloud/cloud-init.enabled': 1,
      '/etc/cloud/cloud-init.disabled': 1,
      '/proc/cmdline': 64 * 1024,
    });
  });

  it('a command line longer than any kernel allows is not read as one: unknown, today’s behaviour kept', async () => {
    const hostile = `${'x'.repeat(64 * 1024)} cloud-init=disabled\n`;
    const { renderer, probes } = await rendererOf({ '/proc/cmdline': hostile });
    expect(renderer.cloudInitDisabled).toBeUndefined();
    expect(renderer.cloudInitNetwork).toBe(true);
    expect(probes.every((probe) => probe.ok)).toBe(true);
  });

  it('under another --root-dir: the marker file is read there, this machine’s command line never', async () => {
    const root = '/srv/target';
    const env = { ...ROOT_ENV, rootDir: root };
    const spec = proxmoxVmSpec();
    const rooted = Object.fromEntries(
      Object.entries(spec.files ?? {}).map(([path, text]) => [
        path.startsWith('/etc/') ? `${root}${path}` : path,
        text,
      ]),
    );
    const host = fakeHost({
      ...spec,
      files: {
        ...rooted,
        [`${root}/etc/cloud/cloud-init.disabled`]: '',
        '/proc/cmdline': 'cloud-init=enabled\n',
      },
      dirs: Object.fromEntries(
        Object.entries(spec.dirs ?? {}).map(([path, names]) => [
          path.startsWith('/etc/') ? `${root}${path}` : path,
          names,
        ]),
      ),
    });
    const snapshot = await probeHost({ runner: host.runner, files: host.files, env });
    expect(host.reads).toContain(`file ${root}/etc/cloud/cloud-init.disabled`);
    expect(host.reads).not.toContain('file /proc/cmdline');
    expect(snapshot.renderer.cloudInitDisabled).toEqual({
      by: 'marker-file',
      path: '/etc/cloud/cloud-init.disabled',
    });
  });

  it('a recording made before the probe read them replays as before: unknown, cloud-init owns the file', async () => {
    const { renderer } = await rendererOf({}, ROOT_ENV, (files) => ({
      ...files,
      readFile: (path, options) => {
        if (path === '/proc/cmdline' || path.startsWith('/etc/cloud/cloud-init.'))
          return Promise.reject(new ReplayMiss(`the file ${path}`, 'old.json'));
        return files.readFile(path, options);
      },
    }));
    expect(renderer).not.toHaveProperty('cloudInitDisabled');
    expect(renderer.cloudInitNetwork).toBe(true);
  });

  it('is not asked about on a host without cloud-init', async () => {
    const spec = proxmoxVmSpec();
    for (const path of Object.keys(spec.files ?? {}))
      if (path.startsWith('/etc/cloud')) delete spec.files?.[path];
    for (const path of Object.keys(spec.dirs ?? {}))
      if (path.startsWith('/etc/cloud')) delete spec.dirs?.[path];
    const host = fakeHost(spec);
    const snapshot = await probeHost({ runner: host.runner, files: host.files, env: ROOT_ENV });
    expect(host.reads).not.toContain('file /proc/cmdline');
    expect(host.reads).not.toContain('file /etc/cloud/cloud-init.disabled');
    expect(snapshot.renderer).not.toHaveProperty('cloudInitDisabled');
  });
});
