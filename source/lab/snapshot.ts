import { expectSuccess, type Runner } from '../system/runner.js';

/**
 * The state a migration must restore exactly, as the kernel reports it: the JSON text of each
 * `ip -j` listing, unparsed, so two snapshots can be compared byte for byte. Neighbour entries
 * and statistics are left out on purpose: traffic changes them without anyone changing the host.
 */
export interface NetnsSnapshot {
  links: string;
  addresses: string;
  routes4: string;
  routes6: string;
  rules4: string;
  rules6: string;
}

export const SNAPSHOT_COMMANDS: Readonly<Record<keyof NetnsSnapshot, readonly string[]>> = {
  links: ['-j', 'link', 'show'],
  addresses: ['-j', 'addr', 'show'],
  routes4: ['-4', '-j', 'route', 'show', 'table', 'all'],
  routes6: ['-6', '-j', 'route', 'show', 'table', 'all'],
  rules4: ['-4', '-j', 'rule', 'show'],
  rules6: ['-6', '-j', 'rule', 'show'],
};

export async function snapshotNamespace(runner: Runner, ns: string): Promise<NetnsSnapshot> {
  const entries = await Promise.all(
    Object.entries(SNAPSHOT_COMMANDS).map(async ([key, args]) => {
      const result = expectSuccess(await runner.run(['ip', '-n', ns, ...args]));
      return [key, result.stdout] as const;
    }),
  );
  return Object.fromEntries(entries) as unknown as NetnsSnapshot;
}

/** Names of the parts that differ; empty when the two snapshots are identical. */
export function snapshotDifferences(before: NetnsSnapshot, after: NetnsSnapshot): (keyof NetnsSnapshot)[] {
  return (Object.keys(SNAPSHOT_COMMANDS) as (keyof NetnsSnapshot)[]).filter(
    (key) => before[key] !== after[key],
  );
}
