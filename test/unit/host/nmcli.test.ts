import { describe, expect, it } from 'vitest';
import { networkManagerManages, parseNmcliDevices, splitTerse } from '../../../source/host/parse/nmcli.js';

// Composed from nmcli(1) terse output: ":" separates fields, "\:" and "\\" are escaped values.
const DEVICES = [
  'ens18:ethernet:connected:Wired\\: office uplink',
  'wlp3s0:wifi:disconnected:',
  'docker0:bridge:connected (externally):docker0',
  'lo:loopback:unmanaged:--',
  'ens19:ethernet:unavailable:path\\\\name',
  '',
].join('\n');

describe('parseNmcliDevices (nmcli -t -f DEVICE,TYPE,STATE,CONNECTION device)', () => {
  const devices = parseNmcliDevices(DEVICES);

  it('unescapes colons and backslashes inside values', () => {
    expect(devices.ens18).toEqual({
      type: 'ethernet',
      state: 'connected',
      connection: 'Wired: office uplink',
    });
    expect(devices.ens19?.connection).toBe('path\\name');
  });

  it('reads an empty or "--" connection as none', () => {
    expect(devices.wlp3s0?.connection).toBeNull();
    expect(devices.lo?.connection).toBeNull();
  });

  it('treats unmanaged and externally connected devices as not held by NetworkManager', () => {
    expect(networkManagerManages(devices.ens18)).toBe(true);
    expect(networkManagerManages(devices.ens19)).toBe(true);
    expect(networkManagerManages(devices.lo)).toBe(false);
    expect(networkManagerManages(devices.docker0)).toBe(false);
    expect(networkManagerManages(undefined)).toBe(false);
  });

  it('splits terse fields, keeping an escaped colon', () => {
    expect(splitTerse('a\\:b:c::')).toEqual(['a:b', 'c', '', '']);
  });
});
