import { defineConfig } from 'vitest/config';

// Two projects: fast tests with no OS side effects, and lab tests that build real network
// namespaces (root only). Lab files run one at a time: each builds its own namespaces with a
// unique prefix, but the 2-core machine gives steadier timings when they do not compete.
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
          // Fails the run when the lab tests leave namespaces, /etc/netns files, mounts or
          // processes behind (test/lab/hygiene.global.ts).
          globalSetup: ['test/lab/hygiene.global.ts'],
          fileParallelism: false,
          testTimeout: 120_000,
          hookTimeout: 60_000,
        },
      },
    ],
  },
});
