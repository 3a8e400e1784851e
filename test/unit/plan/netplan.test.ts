import { execFileSync } from 'node:child_process';
import {
  chmodSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { buildPlan } from '../../../source/plan/build.js';
import { CLOUD_INIT_DISABLE_PATH, NEW_NETPLAN_PATH } from '../../../source/plan/persist/netplan.js';
import { identityDropIn } from '../../../source/plan/persist/netplan-identity.js';
import type { ConfigFile } from '../../../source/plan/types.js';
import { baseSnapshot, CLOUD_INIT_NETPLAN, request, UPLINK_MAC, variant } from './fixtures.js';
import { natSetup, networkManagerServer, staticMulti } from './hosts.js';

const NETPLAN = '/usr/sbin/netplan';

function netplanFiles(snapshot = baseSnapshot()): ConfigFile[] {
  const plan = buildPlan(snapshot, request({ persist: 'netplan' }));
  expect(plan.persistWith).toBe('netplan');
  return plan.config;
}

const network = (file: ConfigFile | undefined) =>
  (parse(file?.after ?? '') as { network: Record<string, Record<string, Record<string, unknown>>> }).network;

describe('netplan config', () => {
  it("edits cloud-init's file in place: comments, indentation and match stay, the bridge takes DHCP", () => {
    const [file, identity, disable] = netplanFiles();
    expect(file?.path).toBe('/etc/netplan/50-cloud-init.yaml');
    // What netplan cannot say of the DUID+IAID identity goes into a networkd drop-in.
    expect(identity?.after).toContain('[DHCPv4]\nIAID=');
    expect(file?.before).toBe(CLOUD_INIT_NETPLAN);
    expect(file?.after).toContain(
      '# network: {config: disabled}\nnetwork:\n    ethernets:\n        ens18:\n            dhcp4: false\n',
    );
    const { ethernets, bridges } = network(file);
    expect(ethernets?.ens18).toEqual({
      dhcp4: false,
      match: { macaddress: UPLINK_MAC },
      'set-name': 'ens18',
      dhcp6: false,
    });
    expect(bridges?.fcbr0).toEqual({
      interfaces: ['ens18'],
      macaddress: UPLINK_MAC,
      parameters: { stp: false, 'forward-delay': 0 },
      dhcp4: true,
      // The base host's networkd lease was DUID+IAID (networkd's default): the bridge sends the same.
      'dhcp-identifier': 'duid',
      critical: true,
    });
    expect(file?.diff).toContain(
      '--- a/etc/netplan/50-cloud-init.yaml\n+++ b/etc/netplan/50-cloud-init.yaml',
    );
    expect(file?.diff).toContain('-            dhcp4: true\n+            dhcp4: false');
    expect(file?.after).toContain('macaddress: "bc:24:11:5e:2a:01"');

    expect(disable?.path).toBe(CLOUD_INIT_DISABLE_PATH);
    expect(disable?.before).toBeNull();
    expect(parse(disable?.after ?? '')).toEqual({ network: { config: 'disabled' } });
    expect(disable?.diff).toContain(
      '--- /dev/null\n+++ b/etc/cloud/cloud.cfg.d/99-bridge-migrate-disable-network-config.cfg',
    );
  });

  it('moves static addresses, routes with metric and table, and nameservers as written', () => {
    const [file, ...rest] = netplanFiles(staticMulti());
    expect(rest).toEqual([]);
    const { ethernets, bridges } = network(file);
    expect(ethernets?.ens18).toEqual({ mtu: 9000, dhcp4: false, dhcp6: false });
    expect(bridges?.fcbr0).toMatchObject({
      interfaces: ['ens18'],
      mtu: 9000,
      addresses: ['198.51.100.240/24', '198.51.100.241/24', '203.0.113.9/28'],
      routes: [
        { to: 'default', via: '198.51.100.1', metric: 10 },
        { to: '192.0.2.0/24', via: '203.0.113.14', metric: 50, table: 100 },
      ],
      nameservers: { addresses: ['198.51.100.1'] },
    });
    expect(bridges?.fcbr0).not.toHaveProperty('dhcp-identifier');
    expect(file?.after).toContain('addresses: [198.51.100.1]');
    expect(file?.after).toContain('# static uplink, kept by hand');
  });

  it('leaves dhcp-identifier out under NetworkManager, which ignores it', () => {
    const snapshot = variant((s) => {
      const file = s.renderer.netplan.files[0];
      if (file) file.content = file.content.replace('network:\n', 'network:\n    renderer: NetworkManager\n');
    });
    const { bridges } = network(netplanFiles(snapshot)[0]);
    expect(bridges?.fcbr0).toMatchObject({ dhcp4: true });
    expect(bridges?.fcbr0).not.toHaveProperty('dhcp-identifier');
  });

  it('writes a new file from the running config when no netplan file names the uplink', () => {
    const files = netplanFiles(networkManagerServer());
    expect(files.map((file) => file.path)).toEqual([NEW_NETPLAN_PATH]);
    const { ethernets, bridges } = network(files[0]);
    expect(files[0]?.before).toBeNull();
    expect(ethernets?.ens18).toEqual({ dhcp4: false, dhcp6: false });
    expect(bridges?.fcbr0).toMatchObject({
      addresses: ['198.51.100.240/24'],
      routes: [{ to: 'default', via: '198.51.100.1', metric: 100 }],
      nameservers: { addresses: ['198.51.100.53'], search: ['lab.example'] },
    });
  });

  it.each([
    [
      { by: 'marker-file', path: '/etc/cloud/cloud-init.disabled' } as const,
      '(/etc/cloud/cloud-init.disabled)',
    ],
    [{ by: 'kernel-cmdline' } as const, '(cloud-init=disabled on the kernel command line)'],
  ])('with cloud-init disabled (%j) edits its file itself, writes no drop-in and says why', (off, named) => {
    // What the probe makes of a host where cloud-init does not run (probe-cloud-init.test.ts).
    const snapshot = variant((s) => {
      s.renderer.cloudInitNetwork = false;
      s.renderer.cloudInitDisabled = off;
    });
    const plan = buildPlan(snapshot, request({ persist: 'netplan' }));
    const paths = plan.config.map((file) => file.path);
    expect(paths[0]).toBe('/etc/netplan/50-cloud-init.yaml');
    expect(paths).not.toContain(CLOUD_INIT_DISABLE_PATH);
    expect(plan.config[0]?.note).toBe(
      `fcbr0 takes ens18's addresses and routes; ens18 becomes its port with DHCP off. cloud-init is disabled ${named}: the file is edited here, no cloud-init drop-in.`,
    );
    expect(network(plan.config[0]).bridges?.fcbr0).toMatchObject({ dhcp4: true, interfaces: ['ens18'] });
    const ids = plan.verdicts.map((verdict) => `${verdict.level} ${verdict.id}`);
    expect(ids).not.toContain('warning cloud-init-owns-netplan');
    expect(plan.verdicts.find((verdict) => verdict.id === 'cloud-init-disabled')).toEqual({
      id: 'cloud-init-disabled',
      level: 'info',
      reason: `cloud-init is disabled ${named}, so it does not write /etc/netplan/50-cloud-init.yaml again and does not own it.`,
      fix: 'On confirm the tool edits /etc/netplan/50-cloud-init.yaml itself and writes no cloud-init drop-in; if you enable cloud-init again, disable its network config in /etc/cloud/cloud.cfg.d first.',
    });
  });

  it('with cloud-init running, or not known to be off, writes the drop-in and warns, without the disabled note', () => {
    for (const off of [null, undefined]) {
      const snapshot = variant((s) => {
        if (off === undefined) delete s.renderer.cloudInitDisabled;
        else s.renderer.cloudInitDisabled = off;
      });
      const plan = buildPlan(snapshot, request({ persist: 'netplan' }));
      expect(plan.config.map((file) => file.path)).toContain(CLOUD_INIT_DISABLE_PATH);
      expect(plan.config[0]?.note).not.toContain('cloud-init is disabled');
      expect(plan.verdicts.map((verdict) => verdict.id)).toContain('cloud-init-owns-netplan');
      expect(plan.verdicts.map((verdict) => verdict.id)).not.toContain('cloud-init-disabled');
    }
  });

  it('replaces an old definition of the bridge in another file', () => {
    const snapshot = variant((s) => {
      s.renderer.netplan.files.push({
        path: '/etc/netplan/60-fcbr0.yaml',
        content: 'network:\n  version: 2\n  bridges:\n    fcbr0:\n      addresses: [203.0.113.1/24]\n',
        cloudInit: false,
      });
    }, natSetup());
    const files = netplanFiles(snapshot);
    const old = files.find((file) => file.path === '/etc/netplan/60-fcbr0.yaml');
    expect(parse(old?.after ?? '')).toEqual({ network: { version: 2 } });
  });

  it.skipIf(!existsSync(NETPLAN))(
    `is accepted by netplan generate${existsSync(NETPLAN) ? '' : ` (skipped: ${NETPLAN} not installed)`}`,
    () => {
      for (const snapshot of [baseSnapshot(), staticMulti(), networkManagerServer()]) {
        const generated = netplanGenerate(netplanFiles(snapshot));
        expect(generated['10-netplan-fcbr0.netdev']).toContain('Kind=bridge');
        expect(generated['10-netplan-fcbr0.netdev']).toContain(`MACAddress=${UPLINK_MAC}`);
        expect(generated['10-netplan-fcbr0.netdev']).toContain('STP=false');
        expect(generated['10-netplan-ens18.network']).toContain('Bridge=fcbr0');
      }
    },
  );
});

/** Runs `netplan generate --root-dir` on the files; returns the networkd files it wrote. */
function netplanGenerate(files: ConfigFile[]): Record<string, string> {
  const root = mkdtempSync(join(tmpdir(), 'bmplanB-netplan-'));
  try {
    for (const file of files) {
      if (file.after === null) continue;
      const target = join(root, file.path);
      mkdirSync(dirname(target), { recursive: true });
      writeFileSync(target, file.after);
      chmodSync(target, 0o600);
    }
    execFileSync(NETPLAN, ['generate', '--root-dir', root], { stdio: 'pipe', timeout: 20_000 });
    const dir = join(root, 'run/systemd/network');
    return Object.fromEntries(readdirSync(dir).map((name) => [name, readFileSync(join(dir, name), 'utf8')]));
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}

describe('the DHCP identity netplan cannot say', () => {
  it('goes into a networkd drop-in beside netplan file for the bridge, and none is written when not needed', () => {
    expect(identityDropIn('fcbr0', { identifier: 'mac', dropIn: [] })).toBeNull();
    const file = identityDropIn('fcbr0', {
      identifier: 'duid',
      dropIn: ['IAID=305419896', 'DUIDType=link-layer', 'DUIDRawData=52:54:00:12:34:56'],
    });
    expect(file?.path).toBe(
      '/etc/systemd/network/10-netplan-fcbr0.network.d/50-bridge-migrate-dhcp-identity.conf',
    );
    expect(file?.before).toBeNull();
    expect(file?.after).toContain(
      '[DHCPv4]\nIAID=305419896\nDUIDType=link-layer\nDUIDRawData=52:54:00:12:34:56\n',
    );
  });
});
