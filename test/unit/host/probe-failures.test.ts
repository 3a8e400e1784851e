/**
 * When a probe counts as failed: a tool that is absent is a fact (a note), a tool that ran and
 * failed, or printed what does not parse, fails its probe. Firewall tools need root to read the
 * rules at all, so without root their errors stay notes (the not-root blocker covers apply).
 */
import { describe, expect, it } from 'vitest';
import { probeHost } from '../../../source/host/probe.js';
import type { ProbeEnv } from '../../../source/host/probe-api.js';
import { cmd, fakeHost, type HostSpec, NOT_FOUND } from './fake-host.js';
import { proxmoxVmSpec, SSH_CONNECTION } from './probe-host-spec.js';

const ROOT_ENV: ProbeEnv = { uid: 0, sshConnection: SSH_CONNECTION, rootDir: '/' };
const PS = cmd('ps', '-eo', 'pid=,netns=,args=');

async function records(spec: HostSpec, env: ProbeEnv = ROOT_ENV) {
  const host = fakeHost(spec);
  const snapshot = await probeHost({ runner: host.runner, files: host.files, env });
  return Object.fromEntries(snapshot.probes.map(({ name, ok, note }) => [name, { ok, note }]));
}

describe('the dhcp-clients probe', () => {
  it('fails when ps exits non-zero, with its error', async () => {
    const spec = proxmoxVmSpec();
    spec.commands[PS] = { exitCode: 1, stderr: 'ps: fatal library error, lookup self\n' };
    expect((await records(spec))['dhcp-clients']).toEqual({
      ok: false,
      note: 'ps -eo pid=,netns=,args= exited 1: ps: fatal library error, lookup self',
    });
  });

  it('fails when ps prints what is not "PID NETNS COMMAND"', async () => {
    const spec = proxmoxVmSpec();
    spec.commands[PS] = { stdout: 'PID NETNS COMMAND\n    1 - /sbin/init\n' };
    expect((await records(spec))['dhcp-clients']?.ok).toBe(false);
  });

  it('notes a host without ps as a fact', async () => {
    const spec = proxmoxVmSpec();
    spec.commands[PS] = NOT_FOUND;
    expect((await records(spec))['dhcp-clients']).toEqual({
      ok: true,
      note: 'DHCP clients unknown: ps is not installed',
    });
  });
});

describe('the firewall probe, as root', () => {
  it('fails when iptables-save exits non-zero', async () => {
    const spec = proxmoxVmSpec();
    spec.commands[cmd('iptables-save')] = { exitCode: 1, stderr: 'iptables-save: line 12 failed\n' };
    expect((await records(spec)).firewall).toEqual({
      ok: false,
      note: 'iptables-save exited 1: iptables-save: line 12 failed',
    });
  });

  it('fails when nft prints JSON that is cut short', async () => {
    const spec = proxmoxVmSpec();
    spec.commands[cmd('nft', '-j', 'list', 'ruleset')] = { stdout: '{"nftables": [{"metainfo": {"vers' };
    expect((await records(spec)).firewall?.note).toMatch(/^could not parse nft -j list ruleset: /);
  });

  it('is fine without nft or iptables installed: no rules there', async () => {
    const spec = proxmoxVmSpec();
    spec.commands[cmd('nft', '-j', 'list', 'ruleset')] = NOT_FOUND;
    spec.commands[cmd('nft', '-a', 'list', 'ruleset')] = NOT_FOUND;
    spec.commands[cmd('iptables-save')] = NOT_FOUND;
    expect((await records(spec)).firewall).toEqual({ ok: true, note: 'iptables-save is not installed' });
  });

  it('keeps errors as notes without root, where the tools cannot read the rules', async () => {
    const spec = proxmoxVmSpec();
    spec.commands[cmd('iptables-save')] = { exitCode: 4, stderr: 'Permission denied (you must be root)\n' };
    expect((await records(spec, { ...ROOT_ENV, uid: 1000 })).firewall).toEqual({
      ok: true,
      note: 'iptables-save exited 4: Permission denied (you must be root)',
    });
  });
});
