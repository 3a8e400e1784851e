/**
 * br_netfilter seen by the probe: built into the kernel (no /sys/module/br_netfilter, sysctls
 * present), as a module (both), as a module seen from a namespace of an old kernel (module only),
 * or absent (neither). The sysctls are the primary sign; the module directory is secondary.
 */
import { describe, expect, it } from 'vitest';
import { probeHost } from '../../../source/host/probe.js';
import {
  BR_NETFILTER_MODULE,
  brNetfilterLoaded,
  SYSCTL_FILES,
} from '../../../source/host/probes/firewall.js';
import { cmd, fakeHost } from './fake-host.js';
import { proxmoxVmSpec, SSH_CONNECTION } from './probe-host-spec.js';

const MODULE_ENTRIES = ['coresize', 'holders', 'initsize', 'initstate', 'refcnt', 'sections', 'uevent'];

async function netfilterOf(files: Record<string, string>, dirs: Record<string, string[]>) {
  const spec = proxmoxVmSpec();
  spec.files = { ...spec.files, ...files };
  spec.dirs = { ...spec.dirs, ...dirs };
  spec.commands[cmd('iptables-save')] = {
    stdout: '*filter\n:INPUT ACCEPT [0:0]\n:FORWARD DROP [0:0]\n:OUTPUT ACCEPT [0:0]\nCOMMIT\n',
  };
  const host = fakeHost(spec);
  const snapshot = await probeHost({
    runner: host.runner,
    files: host.files,
    env: { uid: 0, sshConnection: SSH_CONNECTION, rootDir: '/' },
  });
  return { netfilter: snapshot.netfilter, reads: host.reads };
}

describe('br_netfilter', () => {
  it('is loaded when built into the kernel: the sysctls exist without /sys/module/br_netfilter', async () => {
    const { netfilter, reads } = await netfilterOf(
      { [SYSCTL_FILES.callIptables]: '1\n', [SYSCTL_FILES.callIp6tables]: '0\n' },
      {},
    );
    expect(netfilter).toMatchObject({
      brNetfilterLoaded: true,
      bridgeNfCallIptables: true,
      bridgeNfCallIp6tables: false,
      forwardPolicy: 'DROP',
    });
    // The read list does not depend on what is found: recordings answer a fixed set.
    expect(reads).toContain(`dir ${BR_NETFILTER_MODULE}`);
  });

  it('is loaded as a module: module directory and sysctls', async () => {
    const { netfilter } = await netfilterOf(
      { [SYSCTL_FILES.callIptables]: '0\n', [SYSCTL_FILES.callIp6tables]: '0\n' },
      { [BR_NETFILTER_MODULE]: MODULE_ENTRIES },
    );
    expect(netfilter).toMatchObject({ brNetfilterLoaded: true, bridgeNfCallIptables: false });
  });

  it('counts the module alone when a namespace cannot see the sysctls (Linux before 5.3), values unknown', async () => {
    const { netfilter } = await netfilterOf({}, { [BR_NETFILTER_MODULE]: MODULE_ENTRIES });
    expect(netfilter).toMatchObject({
      brNetfilterLoaded: true,
      bridgeNfCallIptables: null,
      bridgeNfCallIp6tables: null,
    });
  });

  it('is not loaded when neither exists', async () => {
    const { netfilter } = await netfilterOf({}, {});
    expect(netfilter).toMatchObject({ brNetfilterLoaded: false, bridgeNfCallIptables: null });
    expect(brNetfilterLoaded(null, null, null)).toBe(false);
  });
});
