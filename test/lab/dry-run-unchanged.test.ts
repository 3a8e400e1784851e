import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, test } from 'vitest';
import { snapshotDifferences } from '../../source/lab/snapshot.js';
import type { Lab } from '../../source/lab/types.js';
import { withLab } from './helpers/lab-state.js';

// The real, built CLI runs inside a host namespace of the lab; the namespace's links, addresses,
// routes and rules must be byte-for-byte the same afterwards. Needs `npm run build` first (the
// test command in scripts/test-all.sh builds before it tests).

const cli = resolve(dirname(fileURLToPath(import.meta.url)), '../../dist/cli.js');
const staticHost = { kind: 'static' as const, addresses: ['198.51.100.240/24'] };
const CLI_TIMEOUT_MS = 30_000;

/** Runs the CLI in the lab's host namespace with stdin not a TTY (the Runner ignores stdin). */
function runCli(lab: Lab, args: string[]) {
  return lab.exec(lab.ns.host, [process.execPath, cli, ...args], { check: false, timeoutMs: CLI_TIMEOUT_MS });
}

describe('read-only commands leave the host as it was', () => {
  test('--dry-run and plan --json in a namespace change no link, address, route or rule', async () => {
    if (!existsSync(cli)) throw new Error(`${cli} is missing: run \`npm run build\` before the lab tests`);
    const scratch = mkdtempSync(join(tmpdir(), 'bm-dry-run-'));
    // A state dir that does not exist yet: a read-only run must not create it.
    const stateDir = join(scratch, 'state');
    try {
      await withLab({ host: staticHost }, async (lab) => {
        const before = await lab.snapshot(lab.ns.host);
        expect(JSON.parse(before.addresses)).toContainEqual(
          expect.objectContaining({
            ifname: 'ens18',
            addr_info: expect.arrayContaining([
              expect.objectContaining({ local: '198.51.100.240', prefixlen: 24 }),
            ]),
          }),
        );

        const dryRun = await runCli(lab, ['--dry-run', '--nic', 'ens18', '--state-dir', stateDir]);
        expect({ exitCode: dryRun.exitCode, stderr: dryRun.stderr }).toEqual({ exitCode: 0, stderr: '' });
        expect(dryRun.stdout).toContain('ens18');
        expect(dryRun.stdout).toContain('fcbr0');
        // The preview shows the exact commands it would run, yet ran none of them.
        expect(dryRun.stdout).toContain('ip link add name fcbr0 type bridge stp_state 0 forward_delay 0');
        expect(snapshotDifferences(before, await lab.snapshot(lab.ns.host))).toEqual([]);

        const planned = await runCli(lab, ['plan', '--json', '--nic', 'ens18', '--state-dir', stateDir]);
        expect(planned.exitCode).toBe(0);
        const plan = JSON.parse(planned.stdout) as { nic: string; bridge: string; steps: unknown[] };
        expect(plan.nic).toBe('ens18');
        expect(plan.bridge).toBe('fcbr0');
        expect(plan.steps.length).toBeGreaterThan(0);

        const after = await lab.snapshot(lab.ns.host);
        expect(after).toEqual(before);
        expect(existsSync(stateDir)).toBe(false);

        // The comparison is able to fail: one real change in the namespace shows up in it.
        await lab.exec(lab.ns.host, ['ip', 'addr', 'add', '198.51.100.241/24', 'dev', 'ens18']);
        expect(snapshotDifferences(before, await lab.snapshot(lab.ns.host))).toContain('addresses');
      });
    } finally {
      rmSync(scratch, { recursive: true, force: true });
    }
  });
});
