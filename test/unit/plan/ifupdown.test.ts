import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { HostSnapshot } from '../../../source/host/snapshot.js';
import { buildPlan } from '../../../source/plan/build.js';
import { request, variant } from './fixtures.js';
import { INTERFACES_DHCP, ifupdownDhclient, staticMulti } from './hosts.js';

function interfacesAfter(snapshot: HostSnapshot) {
  const plan = buildPlan(snapshot, request({ persist: 'ifupdown' }));
  expect(plan.persistWith).toBe('ifupdown');
  return plan.config;
}

const withInterfaces = (content: string, base = ifupdownDhclient()) =>
  variant((s) => {
    s.renderer.ifupdown = {
      files: [{ path: '/etc/network/interfaces', content }],
      uplinkMethod: null,
    };
  }, base);

describe('ifupdown config', () => {
  it('turns a DHCP uplink into a manual port of a DHCP bridge with its MAC, keeping the rest of the file', () => {
    const [file] = interfacesAfter(ifupdownDhclient());
    expect(file?.path).toBe('/etc/network/interfaces');
    expect(file?.before).toBe(INTERFACES_DHCP);
    expect(file?.after).toBe(
      INTERFACES_DHCP.replace(
        'iface ens18 inet dhcp\n',
        [
          'iface ens18 inet manual',
          '',
          'auto fcbr0',
          'iface fcbr0 inet dhcp',
          '    bridge_ports ens18',
          '    bridge_stp off',
          '    bridge_fd 0',
          '    hwaddress ether bc:24:11:5e:2a:01',
          '',
        ].join('\n'),
      ),
    );
    expect(file?.diff).toContain('-iface ens18 inet dhcp\n+iface ens18 inet manual');
  });

  it('moves static options to the bridge, keeps link options on the port, and moves the inet6 stanza', () => {
    const content = [
      'auto lo',
      'iface lo inet loopback',
      '',
      'auto ens18',
      'iface ens18 inet static',
      '\taddress 198.51.100.240/24',
      '\tgateway 198.51.100.1',
      '\tmtu 9000',
      '\tdns-nameservers 198.51.100.1',
      '# keep me',
      '',
      'iface ens18 inet6 auto',
      '\taccept_ra 1',
      '',
    ].join('\n');
    const [file] = interfacesAfter(withInterfaces(content, staticMulti()));
    expect(file?.after).toBe(
      [
        'auto lo',
        'iface lo inet loopback',
        '',
        'auto ens18',
        'iface ens18 inet manual',
        '\tmtu 9000',
        '# keep me',
        '',
        'auto fcbr0',
        'iface fcbr0 inet static',
        '\taddress 198.51.100.240/24',
        '\tgateway 198.51.100.1',
        '\tdns-nameservers 198.51.100.1',
        '\tbridge_ports ens18',
        '\tbridge_stp off',
        '\tbridge_fd 0',
        '\thwaddress ether bc:24:11:5e:2a:01',
        '\tmtu 9000',
        '',
        'iface fcbr0 inet6 auto',
        '\taccept_ra 1',
        '',
      ].join('\n'),
    );
  });

  it('replaces an old stanza of the bridge and takes it out of auto lines', () => {
    const content = `${INTERFACES_DHCP}\nauto lo fcbr0\niface fcbr0 inet static\n    address 203.0.113.1/24\n    bridge_ports none\n`;
    const after = interfacesAfter(withInterfaces(content))[0]?.after ?? '';
    expect(after).not.toContain('203.0.113.1');
    expect(after).toContain('\nauto lo\n');
    expect(after.match(/iface fcbr0 inet/g)).toHaveLength(1);
  });

  it('writes the uplink and a bridge from the running config when no stanza names the uplink', () => {
    const [file] = interfacesAfter(withInterfaces('auto lo\niface lo inet loopback\n', staticMulti()));
    expect(file?.after).toBe(
      [
        'auto lo',
        'iface lo inet loopback',
        '',
        'iface ens18 inet manual',
        '',
        'auto fcbr0',
        'iface fcbr0 inet static',
        '    address 198.51.100.240/24',
        '    gateway 198.51.100.1',
        '    dns-nameservers 198.51.100.1',
        '    bridge_ports ens18',
        '    bridge_stp off',
        '    bridge_fd 0',
        '    hwaddress ether bc:24:11:5e:2a:01',
        '    mtu 9000',
        '',
        'iface fcbr0 inet static',
        '    address 198.51.100.241/24',
        '',
        'iface fcbr0 inet static',
        '    address 203.0.113.9/28',
        '',
      ].join('\n'),
    );
  });

  it('warns when bridge-utils is missing', () => {
    const snapshot = variant((s) => {
      s.tools.brctl = false;
    }, ifupdownDhclient());
    const plan = buildPlan(snapshot, request());
    expect(plan.verdicts.find((verdict) => verdict.id === 'ifupdown-needs-bridge-utils')?.level).toBe(
      'warning',
    );
  });

  const IFQUERY = '/usr/sbin/ifquery';
  it.skipIf(!existsSync(IFQUERY))(
    `is read back by ifquery${existsSync(IFQUERY) ? '' : ` (skipped: ${IFQUERY} not installed)`}`,
    () => {
      const after = interfacesAfter(ifupdownDhclient())[0]?.after ?? '';
      const dir = mkdtempSync(join(tmpdir(), 'bmplanB-ifupdown-'));
      try {
        const path = join(dir, 'interfaces');
        // Without the source line, so only this file is read.
        writeFileSync(path, after.replace(/^source .*$/m, ''));
        const query = (...args: string[]) =>
          execFileSync(IFQUERY, ['-i', path, ...args], { encoding: 'utf8', timeout: 10_000 });
        expect(query('fcbr0')).toBe(
          'bridge_ports: ens18\nbridge_stp: off\nbridge_fd: 0\nhwaddress: bc:24:11:5e:2a:01\n',
        );
        expect(query('--list').split('\n')).toContain('fcbr0');
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
  );
});
