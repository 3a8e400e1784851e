import { describe, expect, it } from 'vitest';
import { networkdManages, parseNetworkctlList } from '../../../source/host/parse/networkctl.js';

// Composed from networkctl(1)'s documented table (systemd 219 to 256), as printed with --no-legend.
const LIST = [
  '  1 lo      loopback carrier     unmanaged',
  '  2 ens18   ether    routable    configured',
  '  3 fcbr0   bridge   no-carrier  configuring',
  '  4 docker0 bridge   no-carrier  unmanaged',
  '',
].join('\n');

describe('parseNetworkctlList', () => {
  it('reads the operational and setup state of each link', () => {
    const links = parseNetworkctlList(LIST);
    expect(Object.keys(links)).toEqual(['lo', 'ens18', 'fcbr0', 'docker0']);
    expect(links.ens18).toEqual({ operationalState: 'routable', setupState: 'configured' });
  });

  it('ignores a header and footer if they are printed after all', () => {
    const withLegend = `IDX LINK  TYPE  OPERATIONAL SETUP\n${LIST}\n4 links listed.\n`;
    expect(Object.keys(parseNetworkctlList(withLegend))).toHaveLength(4);
  });

  it('counts configured, configuring and failed links as held by networkd', () => {
    const links = parseNetworkctlList(LIST);
    expect(networkdManages(links.ens18)).toBe(true);
    expect(networkdManages(links.fcbr0)).toBe(true);
    expect(networkdManages(links.docker0)).toBe(false);
    expect(networkdManages(undefined)).toBe(false);
  });
});
