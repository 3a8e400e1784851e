import { defineConfig } from 'vitest/config';

/**
 * Lab files that wait on real DHCP leases (2-minute leases, two periods and more): they spend
 * minutes asleep, so they run side by side, each in its own namespaces (scripts/test-all.sh runs
 * this project beside the lab project).
 */
const LEASE_FILES = [
  'test/lab/keep-lease-client.test.ts',
  'test/lab/keep-lease-client-revert.test.ts',
  'test/lab/keep-lease-ifupdown.test.ts',
  'test/lab/networkd-keep-lease.test.ts',
  'test/lab/networkd-keep-revert.test.ts',
  'test/lab/nm-keep-lease.test.ts',
  'test/lab/nm-persist-handover.test.ts',
  'test/lab/ifupdown-persist.test.ts',
  'test/lab/persist-networkd.test.ts',
  'test/lab/undo-networkd.test.ts',
  'test/lab/lease-identity.test.ts',
];

const LAB = {
  // Fails the run when the lab tests leave namespaces, /etc/netns files, mounts or
  // processes behind (test/lab/hygiene.global.ts).
  globalSetup: ['test/lab/hygiene.global.ts'],
  testTimeout: 120_000,
  hookTimeout: 60_000,
};

// Three projects: fast tests with no OS side effects; lab tests that build real network
// namespaces (root only), one file at a time, since each builds its own namespaces with a unique
// prefix but the 2-core machine gives steadier timings when they do not compete; and the lease
// files, which mostly sleep, all at once.
export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'unit',
          include: ['test/unit/**/*.test.{ts,tsx}', 'test/ui/**/*.test.{ts,tsx}'],
          testTimeout: 20_000,
        },
      },
      {
        test: {
          name: 'lab',
          include: ['test/lab/**/*.test.{ts,tsx}', 'test/e2e/**/*.test.{ts,tsx}'],
          exclude: LEASE_FILES,
          fileParallelism: false,
          ...LAB,
        },
      },
      {
        test: {
          name: 'lease',
          include: LEASE_FILES,
          fileParallelism: true,
          // Bounded: ten labs with their daemons at once starved the lab project's timing on 2 cores.
          maxWorkers: 4,
          ...LAB,
        },
      },
    ],
  },
});
