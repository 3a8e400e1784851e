/**
 * A small plan and pre-state for journal tests, plus a temp state directory per test. The journal
 * stores the snapshot without looking inside it, so the snapshot here carries only a few fields.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { HostSnapshot } from '../../../source/host/snapshot.js';
import type { Plan, Step } from '../../../source/plan/types.js';

export function makeStep(id: string, kind: Step['kind']): Step {
  return {
    id,
    kind,
    title: `step ${id}`,
    detail: 'test step',
    disruptive: kind === 'cutover',
    commands: [{ kind: 'exec', argv: ['ip', 'link', 'add', 'fcbr0', 'type', 'bridge'] }],
    inverse: [{ kind: 'exec', argv: ['ip', 'link', 'del', 'fcbr0'] }],
    expect: [],
  };
}

export function makePlan(): Plan {
  return {
    request: { nic: 'ens18', bridge: 'fcbr0', timeoutSec: 120, persist: 'none' },
    nic: 'ens18',
    bridge: 'fcbr0',
    verdicts: [],
    blocked: false,
    steps: [makeStep('stage-bridge', 'stage-bridge'), makeStep('cutover', 'cutover')],
    config: [],
    persistWith: 'none',
    topology: { before: [], after: [] },
    deadlineSec: 120,
    snapshotTakenAt: '2024-01-02T03:04:05.000Z',
  };
}

export function makePreState(): HostSnapshot {
  const partial = {
    takenAt: '2024-01-02T03:04:05.000Z',
    hostname: 'lab-host',
    // The lists a revert reads are there (the journal refuses a pre-state without them), empty.
    links: [],
    routes: [],
    rules: [],
    defaultGateways: [],
    dhcpClients: [],
    dns: { nameservers: [], search: [], source: null },
    ssh: null,
    addresses: [
      {
        ifname: 'ens18',
        family: 4,
        local: '198.51.100.10',
        prefixlen: 24,
        scope: 'global',
        dynamic: true,
        validLft: 3600,
        preferredLft: 3600,
        broadcast: '198.51.100.255',
        peer: null,
        label: null,
        flags: [],
      },
    ],
  } satisfies Partial<HostSnapshot>;
  return partial as unknown as HostSnapshot;
}

/** A fresh state directory path (not yet created) inside a fresh temp dir; `cleanup` removes both. */
export function makeTempStateDir(): { root: string; stateDir: string; cleanup: () => void } {
  const root = mkdtempSync(join(tmpdir(), 'bm-journal-'));
  return {
    root,
    stateDir: join(root, 'state'),
    cleanup: () => rmSync(root, { recursive: true, force: true }),
  };
}

/** A clock the test moves by hand. */
export function manualClock(start = Date.UTC(2024, 0, 2, 3, 4, 5)) {
  let now = start;
  return {
    now: () => now,
    advance(ms: number) {
      now += ms;
    },
  };
}
