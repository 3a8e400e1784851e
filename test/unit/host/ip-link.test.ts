import { describe, expect, it } from 'vitest';
import { parseIpLinks, withMasterKinds } from '../../../source/host/parse/ip-link.js';
import { fixture } from './fixture.js';

describe('parseIpLinks (ip -j -d link)', () => {
  const lab = parseIpLinks(fixture('ip-link-lab.json'));
  const byName = (name: string) => lab.find((link) => link.name === name);

  it('reads a veth as kind veth with MAC, MTU and flags, and does not take its peer for a parent', () => {
    expect(byName('ens18')).toMatchObject({
      ifindex: 3,
      kind: 'veth',
      mac: '9e:0f:66:a8:77:38',
      mtu: 1500,
      operstate: 'UP',
      parent: null,
      master: null,
      permanentMac: null,
    });
    expect(byName('ens18')?.flags).toContain('LOWER_UP');
  });

  it('reads bridge STP state and forward delay (centiseconds)', () => {
    expect(byName('fcbr0')).toMatchObject({ kind: 'bridge', bridge: { stpState: 0, forwardDelay: 0 } });
  });

  it('tells a TAP from a TUN and sees a TAP port of a bridge', () => {
    expect(byName('fctap0')).toMatchObject({
      kind: 'tun',
      tunType: 'tap',
      master: 'fcbr0',
      masterKind: 'bridge',
    });
    expect(byName('tun5')).toMatchObject({ kind: 'tun', tunType: 'tun', mac: null });
  });

  it('gives a plain loopback no kind', () => {
    expect(byName('lo')).toMatchObject({ kind: null, bridge: null, tunType: null });
  });

  // Composed: bonds and VLANs cannot be built on the capture machine's kernel.
  const composed = parseIpLinks(fixture('ip-link-bond-vlan-wifi.json'));
  const find = (name: string) => composed.find((link) => link.name === name);

  it('reads bond ports with their master and permanent MAC', () => {
    expect(find('enp2s0')).toMatchObject({
      master: 'bond0',
      masterKind: 'bond',
      mac: '52:54:00:aa:bb:01',
      permanentMac: '52:54:00:aa:bb:02',
      mtu: 9000,
    });
    expect(find('bond0')).toMatchObject({ kind: 'bond', master: null });
  });

  it('reads a VLAN id and its parent from "link"', () => {
    expect(find('bond0.100')).toMatchObject({ kind: 'vlan', vlanId: 100, parent: 'bond0' });
  });

  it('leaves wireless and driver for the /sys reads', () => {
    expect(find('wlp3s0')).toMatchObject({ kind: null, wireless: false, driver: null });
  });

  it('fills a missing masterKind from the master link', () => {
    const [port] = withMasterKinds(
      parseIpLinks(
        JSON.stringify([
          { ifindex: 2, ifname: 'ens18', master: 'br0', mtu: 1500, operstate: 'UP', flags: [] },
          {
            ifindex: 3,
            ifname: 'br0',
            mtu: 1500,
            operstate: 'UP',
            flags: [],
            linkinfo: { info_kind: 'bridge' },
          },
        ]),
      ),
    );
    expect(port?.masterKind).toBe('bridge');
  });

  it('reads an empty output as no links and refuses non-JSON', () => {
    expect(parseIpLinks('')).toEqual([]);
    expect(() => parseIpLinks('Object "link" is unknown')).toThrow(/could not parse ip -j -d link/);
  });
});
