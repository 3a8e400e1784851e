/**
 * An apply right after the uplink came up, while its IPv6 link-local address is still in duplicate
 * address detection (tentative, and without the `local fe80::… table local` route the kernel adds
 * only when DAD ends). The kernel finishing DAD during the change is not a failed revert: the
 * BUILT tool (dist/cli.js) in a static lab's host namespace applies at once, DAD ends while the
 * change is pending, `rollback --yes` ends "reverted" (exit 3, not 4: before, the kernel's new
 * local route was "a difference" with no command to fix it), and the host is exactly as it was.
 * Needs root and `npm run build`. The guardian that apply starts is ended by pid afterwards.
 */
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import { expect, test } from 'vitest';
import { waitFor } from '../../source/lab/wait.js';
import { comparable } from './helpers/engine-lab.js';
import { APPLY_PENDING, killAlive, requireBuiltCli, runCliIn } from './helpers/guardian-cli.js';
import { withLab } from './helpers/lab-state.js';

test('apply at once after the uplink came up (link-local tentative), roll back: exit 3 and the host exact', async () => {
  requireBuiltCli();
  const scratch = mkdtempSync(join(tmpdir(), 'bm-fresh-uplink-'));
  const stateDir = join(scratch, 'state');
  const rootDir = join(scratch, 'root');
  mkdirSync(rootDir);
  const guardians = new Set<number>();
  try {
    await withLab({ host: { kind: 'static', addresses: ['198.51.100.240/24'] } }, async (lab) => {
      const host = lab.ns.host;
      const cli = (args: readonly string[]) =>
        runCliIn(host, [...args, '--state-dir', stateDir, '--root-dir', rootDir], { timeoutMs: 90_000 });
      try {
        const settled = comparable(await lab.snapshot(host));

        // Ten DAD probes a second apart (about 10 s): DAD outlasts the tool's bounded wait for it
        // (3 s, after node's start-up and the first look), so the pre-state is taken with the
        // link-local address tentative and DAD ends while the change is pending.
        await lab.exec(host, ['sysctl', '-q', '-w', 'net.ipv6.conf.ens18.dad_transmits=10']);
        // The uplink comes up: a down/up flushes the IPv4 routes through it (the kernel puts the
        // prefix route back by itself, the default route is the operator's) and restarts DAD.
        await lab.exec(host, ['ip', 'link', 'set', 'ens18', 'down']);
        await lab.exec(host, ['ip', 'link', 'set', 'ens18', 'up']);
        await lab.exec(host, ['ip', 'route', 'add', 'default', 'via', lab.gateway, 'dev', 'ens18']);
        const tentative = await lab.exec(host, ['ip', '-6', 'addr', 'show', 'dev', 'ens18', 'tentative']);
        // What this test is about: the apply starts while DAD is still running.
        expect(tentative.stdout).toMatch(/inet6 fe80::\S+ scope link tentative/);

        const apply = await cli(APPLY_PENDING);
        expect(apply.code, `${apply.stdout}\n${apply.stderr}`).toBe(0);
        // The probe waited for DAD, bounded, and said so; it took the host as it was after that.
        expect(apply.stderr).toMatch(
          /^probe ipv6-dad: waiting up to 3 s for IPv6 duplicate address detection on ens18 \(fe80::/m,
        );
        expect(apply.stderr).toMatch(
          /^probe ipv6-dad: ens18: fe80::\S+ still tentative after [\d.]+ s; taken as it is$/m,
        );
        const guardian = /guardian armed: pid (\d+)/.exec(apply.stderr)?.[1];
        if (guardian) guardians.add(Number(guardian));

        // The kernel ends DAD while the change is pending: ens18's link-local gets its local route.
        await lab.settle(host);
        const rollback = await cli(['rollback', '--yes']);
        expect(rollback.code, `${rollback.stdout}\n${rollback.stderr}`).toBe(3);
        expect(rollback.stdout).toMatch(/Reverted \(operator's choice\): the host matches its pre-state\./);
        expect(rollback.stdout).toContain(
          'Compared with the pre-state: links, addresses, routes and rules are as before.',
        );
        expect(rollback.stderr).not.toContain('commands above');

        await waitFor(
          'the settled pre-state',
          { attempts: 50, intervalMs: 100, timeoutMs: 10_000 },
          async (problem) =>
            isDeepStrictEqual(comparable(await lab.snapshot(host)), settled)
              ? true
              : problem('still different'),
        );
        expect(comparable(await lab.snapshot(host))).toEqual(settled);
      } finally {
        killAlive(guardians);
      }
    });
  } finally {
    killAlive(guardians);
    rmSync(scratch, { recursive: true, force: true });
  }
});
