/**
 * `status` after confirm says whether the config was written, and who renews the bridge's lease and
 * until when (cli/kept-status.ts): a runtime-only change or a lease nobody renews is never passed
 * off as finished.
 */
import { describe, expect, it } from 'vitest';
import { keptStatus, keptStatusLines } from '../../../source/cli/kept-status.js';
import type { Address, HostSnapshot } from '../../../source/host/snapshot.js';
import { buildPlan } from '../../../source/plan/build.js';
import type { Plan } from '../../../source/plan/types.js';
import type { JournalPhase, TouchedFile } from '../../../source/txn/journal/journal-format.js';
import { baseSnapshot, request } from '../plan/fixtures.js';

const NOW = Date.parse('2026-12-02T12:00:00.000Z');

function journalOf(phase: JournalPhase, snapshot: HostSnapshot, files: TouchedFile[] = [], plan?: Plan) {
  return {
    phase,
    plan: plan ?? buildPlan(snapshot, request()),
    preState: snapshot,
    files,
    bridge: 'fcbr0',
    nic: 'ens18',
  };
}

function leasedSnapshot(): HostSnapshot {
  const snapshot = baseSnapshot();
  for (const address of snapshot.addresses)
    if (address.ifname === 'ens18' && address.family === 4)
      Object.assign(address, { dynamic: true, validLft: 3000 });
  return snapshot;
}

const onBridge = (validLft: number | null): Address[] =>
  leasedSnapshot()
    .addresses.filter((address) => address.ifname === 'ens18' && address.family === 4)
    .map((address) => ({ ...address, ifname: 'fcbr0', validLft }));

describe('status of a kept migration', () => {
  it('is not shown before the change is confirmed', () => {
    expect(keptStatus(journalOf('applied', leasedSnapshot()), [], NOW)).toBeNull();
  });

  it('confirmed, nothing written yet: runtime only, the window keeper renews, and when the lease ends', () => {
    const snapshot = leasedSnapshot();
    const journal = journalOf('confirmed', snapshot);
    expect(journal.plan.steps.map((step) => step.kind)).toContain('keep-lease');
    const kept = keptStatus(journal, onBridge(90), NOW);
    expect(kept?.config).toEqual({ state: 'runtime-only', files: [] });
    expect(kept?.lease).toEqual({
      renewedBy:
        'systemd-networkd, from the runtime file /run/systemd/network/00-bridge-migrate-bridge.network',
      endsAt: '2026-12-02T12:01:30.000Z',
      endsInSec: 90,
    });
    expect(keptStatusLines(kept!, 'fcbr0')).toEqual([
      '  config: runtime only, nothing written to disk: a reboot brings back the old network',
      "  lease: renewed by systemd-networkd, from the runtime file /run/systemd/network/00-bridge-migrate-bridge.network; the current lease ends 2026-12-02T12:01:30.000Z (in 90 s by this host's clock)",
    ]);
  });

  it('persisted: the files written with their backups, and the renderer renews from them', () => {
    const files: TouchedFile[] = [{ path: '/etc/netplan/50-cloud-init.yaml', backup: null }];
    const kept = keptStatus(journalOf('persisted', leasedSnapshot(), files), onBridge(null), NOW);
    expect(kept?.config).toEqual({ state: 'persisted', files: ['/etc/netplan/50-cloud-init.yaml (new)'] });
    expect(kept?.lease?.renewedBy).toBe('systemd-networkd, from the written netplan config');
    expect(keptStatusLines(kept!, 'fcbr0')[1]).toBe(
      '  lease: renewed by systemd-networkd, from the written netplan config; no end is shown on the address',
    );
  });

  it('a leased address with no keep-lease step says that nothing renews it', () => {
    const snapshot = leasedSnapshot();
    const plan = buildPlan(snapshot, request());
    const withoutKeeper = { ...plan, steps: plan.steps.filter((step) => step.kind !== 'keep-lease') };
    const kept = keptStatus(journalOf('persisted', snapshot, [], withoutKeeper), onBridge(60), NOW);
    expect(kept?.config.state).toBe('runtime-only');
    expect(keptStatusLines(kept!, 'fcbr0')[1]).toMatch(
      /^ {2}lease: NOT renewed: nothing renews fcbr0's DHCP lease/,
    );
  });

  it('a static uplink has no lease to speak of', () => {
    const snapshot = baseSnapshot();
    for (const address of snapshot.addresses) Object.assign(address, { dynamic: false, validLft: null });
    const plan = buildPlan(snapshot, request());
    const kept = keptStatus(
      journalOf('persisted', snapshot, [], {
        ...plan,
        steps: plan.steps.filter((s) => s.kind !== 'keep-lease'),
      }),
      [],
      NOW,
    );
    expect(kept?.lease).toBeNull();
  });
});
