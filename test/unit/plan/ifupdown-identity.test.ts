import { describe, expect, it } from 'vitest';
import type { DhcpLease, HostSnapshot } from '../../../source/host/snapshot.js';
import { buildPlan } from '../../../source/plan/build.js';
import { request, variant } from './fixtures.js';
import { ifupdownDhclient } from './hosts.js';

const MAC = 'bc:24:11:5e:2a:01';

function lease(client: DhcpLease['client'], clientId: string | null): DhcpLease {
  return {
    ifname: 'ens18',
    client,
    address: null,
    clientId,
    source: 'lease-file',
    file: null,
    expiresAt: null,
  };
}

/** A snapshot change that gives the uplink this lease. */
const leases =
  (...found: DhcpLease[]) =>
  (snapshot: HostSnapshot) => {
    snapshot.dhcpLeases = found;
  };

function planWith(change: (snapshot: HostSnapshot) => void) {
  return buildPlan(variant(change, ifupdownDhclient()), request({ persist: 'ifupdown' }));
}

/** The option lines of the bridge's stanza in the written file. */
function bridgeStanza(snapshot: (s: HostSnapshot) => void): string[] {
  const after = planWith(snapshot).config[0]?.after ?? '';
  const start = after.indexOf('iface fcbr0 inet');
  return (
    after
      .slice(start)
      .split('\n\n')[0]
      ?.split('\n')
      .slice(1)
      .map((line) => line.trim())
      .filter(Boolean) ?? []
  );
}

describe('ifupdown: the bridge keeps the lease identity', () => {
  it('writes `client no` when dhclient got the lease without a client id, so ifupdown drops -i', () => {
    expect(bridgeStanza(leases(lease('dhclient', null)))).toEqual([
      'client no',
      'bridge_ports ens18',
      'bridge_stp off',
      'bridge_fd 0',
      `hwaddress ether ${MAC}`,
    ]);
  });

  it('adds nothing for the RFC 4361 id `dhclient -i` sends (the DUID follows at handover) or the 01+MAC udhcpc sends', () => {
    const plain = ['bridge_ports ens18', 'bridge_stp off', 'bridge_fd 0', `hwaddress ether ${MAC}`];
    const duid = 'ff:5e:2a:01:00:00:01:00:01:2c:b1:4e:12:bc:24:11:5e:2a:01';
    expect(bridgeStanza(leases(lease('dhclient', duid)))).toEqual(plain);
    expect(bridgeStanza(leases(lease('udhcpc', `01:${MAC}`)))).toEqual(plain);
    expect(planWith(leases(lease('udhcpc', `01:${MAC}`))).verdicts.map((v) => v.id)).not.toContain(
      'ifupdown-lease-identity',
    );
  });

  it("passes dhcpcd's id as ifupdown's `client` option", () => {
    expect(bridgeStanza(leases(lease('dhcpcd', '01:02:03:04')))).toContain('client 01:02:03:04');
  });

  it('blocks an identity ifupdown cannot make its client send, saying which and what to do', () => {
    const plan = planWith(leases(lease('udhcpc', '01:aa:bb:cc:dd:ee:ff')));
    expect(plan.blocked).toBe(true);
    expect(plan.verdicts.find((verdict) => verdict.id === 'ifupdown-lease-identity')).toMatchObject({
      level: 'blocker',
      reason:
        "ens18's lease was obtained with client id 01:aa:bb:cc:dd:ee:ff, which is not 01:bc:24:11:5e:2a:01, the only id ifupdown's udhcpc sends, so fcbr0 would be given another address when ifupdown takes it over.",
    });
    expect(
      planWith(leases(lease('networkd', 'ff:00:00:00:01:00:04:aa'))).verdicts.map((v) => v.id),
    ).toContain('ifupdown-lease-identity');
  });

  it('refuses hostile values instead of writing them into the file', () => {
    const hostile = [
      leases(lease('dhcpcd', '01:02\n    up touch /tmp/x')),
      (s: HostSnapshot) => {
        const uplink = s.links.find((link) => link.name === 'ens18');
        if (uplink) uplink.mac = 'bc:24:11:5e:2a:01\n    up touch /tmp/x';
      },
    ];
    for (const change of hostile) {
      const plan = planWith(change);
      expect(plan.config).toEqual([]);
      expect(plan.verdicts.find((verdict) => verdict.id === 'unplannable')?.level).toBe('blocker');
    }
  });
});
