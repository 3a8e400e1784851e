import { describe, expect, it } from 'vitest';
import {
  ifupdownMethod,
  ifupdownPortOf,
  parseInterfaces,
  resolveSourcePath,
  sourceDirectoryIncludes,
} from '../../../source/host/parse/ifupdown.js';

// Composed: a Debian server as the installer writes it, and a Proxmox-style bridge.
const DEBIAN = `# This file describes the network interfaces available on your system
# and how to activate them. For more information, see interfaces(5).

source /etc/network/interfaces.d/*

# The loopback network interface
auto lo
iface lo inet loopback

# The primary network interface
allow-hotplug ens18
iface ens18 inet dhcp
# This is an autoconfigured IPv6 interface
iface ens18 inet6 auto
`;

const PROXMOX = `auto lo
iface lo inet loopback

iface eno1 inet manual

auto vmbr0
iface vmbr0 inet static
	address 198.51.100.240/24
	gateway 198.51.100.1
	bridge-ports eno1 \\
	  eno2
	bridge-stp off
	bridge-fd 0

source-directory interfaces.d
`;

describe('parseInterfaces', () => {
  it('reads stanzas, auto lines and source lines', () => {
    const file = parseInterfaces(DEBIAN);
    expect(file.auto).toEqual(['lo', 'ens18']);
    expect(file.sources).toEqual([{ kind: 'source', path: '/etc/network/interfaces.d/*' }]);
    expect(file.stanzas.map((stanza) => `${stanza.name} ${stanza.family} ${stanza.method}`)).toEqual([
      'lo inet loopback',
      'ens18 inet dhcp',
      'ens18 inet6 auto',
    ]);
  });

  it('prefers the inet method of an interface and falls back to inet6', () => {
    expect(ifupdownMethod([parseInterfaces(DEBIAN)], 'ens18')).toBe('dhcp');
    expect(
      ifupdownMethod([parseInterfaces('iface ens19 inet6 static\n  address 2001:db8::2/64\n')], 'ens19'),
    ).toBe('static');
    expect(ifupdownMethod([parseInterfaces(DEBIAN)], 'ens20')).toBeNull();
  });

  it('joins continued lines and finds the bridge that lists a port', () => {
    const file = parseInterfaces(PROXMOX);
    const bridge = file.stanzas.find((stanza) => stanza.name === 'vmbr0');
    expect(bridge?.options).toContainEqual(['bridge-ports', 'eno1 eno2']);
    expect(ifupdownPortOf([file], 'eno2')).toEqual(['vmbr0']);
    expect(ifupdownMethod([file], 'eno1')).toBe('manual');
    expect(file.sources).toEqual([{ kind: 'source-directory', path: 'interfaces.d' }]);
  });

  it('resolves relative source paths against the including file', () => {
    expect(resolveSourcePath('interfaces.d', '/etc/network/interfaces')).toBe('/etc/network/interfaces.d');
    expect(resolveSourcePath('/etc/network/x/*', '/etc/network/interfaces')).toBe('/etc/network/x/*');
  });

  it('includes only run-parts names from a source-directory', () => {
    expect(sourceDirectoryIncludes('50-cloud-init')).toBe(true);
    expect(sourceDirectoryIncludes('ens18.cfg')).toBe(false);
    expect(sourceDirectoryIncludes('old~')).toBe(false);
  });
});
