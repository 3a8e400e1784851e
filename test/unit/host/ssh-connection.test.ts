import { describe, expect, it } from 'vitest';
import { cloudNetworkDisabled } from '../../../source/host/parse/cloud-cfg.js';
import { globMatches } from '../../../source/host/parse/glob.js';
import { parseSshConnection } from '../../../source/host/parse/ssh-connection.js';

describe('parseSshConnection', () => {
  it('reads client and server address and port', () => {
    expect(parseSshConnection('198.51.100.10 51234 198.51.100.240 22')).toEqual({
      clientAddr: '198.51.100.10',
      clientPort: 51234,
      serverAddr: '198.51.100.240',
      serverPort: 22,
      zone: null,
    });
    expect(parseSshConnection('2001:db8::10 40000 2001:db8::1 22')?.clientAddr).toBe('2001:db8::10');
  });

  it('keeps the zone of a link-local client', () => {
    expect(parseSshConnection('fe80::1%ens18 40000 fe80::2%ens18 22')).toMatchObject({
      clientAddr: 'fe80::1',
      zone: 'ens18',
    });
  });

  it('refuses anything that could smuggle text into argv', () => {
    expect(parseSshConnection(null)).toBeNull();
    expect(parseSshConnection('198.51.100.10 51234 198.51.100.240')).toBeNull();
    expect(parseSshConnection('-c 1 198.51.100.240 22')).toBeNull();
    expect(parseSshConnection('198.51.100.10 99999 198.51.100.240 22')).toBeNull();
  });
});

describe('cloud-init network setting', () => {
  it('follows the last file that sets network.config', () => {
    expect(cloudNetworkDisabled(['datasource_list: [NoCloud]', 'network: {config: disabled}\n'])).toBe(true);
    expect(
      cloudNetworkDisabled(['network: {config: disabled}', 'network:\n  version: 2\n  config: {}\n']),
    ).toBe(false);
    expect(cloudNetworkDisabled(['not: [valid'])).toBe(false);
  });
});

describe('globMatches', () => {
  it('matches shell globs as netplan and ifupdown use them', () => {
    expect(globMatches('en*', 'ens18')).toBe(true);
    expect(globMatches('eth?', 'eth10')).toBe(false);
    expect(globMatches('ens[0-9]*', 'ens18')).toBe(true);
    expect(globMatches('ens[!1]*', 'ens18')).toBe(false);
    expect(globMatches('*.cfg', 'a.cfg')).toBe(true);
    expect(globMatches('*.cfg', 'acfg')).toBe(false);
  });
});
