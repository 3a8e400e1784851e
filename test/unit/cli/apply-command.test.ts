import { afterEach, describe, expect, it } from 'vitest';
import { runApplyCommand } from '../../../source/cli/apply-command.js';
import type { RevertOutcome } from '../../../source/txn/engine/engine-api.js';
import { check, type Fixture, fixture, run } from './command-fixture.js';

let current: Fixture | null = null;
afterEach(() => current?.remove());

function setup(options: Parameters<typeof fixture>[0] = {}): Fixture {
  current = fixture(options);
  return current;
}

const apply = (f: Fixture, yes = true) => run(f, () => runApplyCommand(f.deps, f.target, f.common, { yes }));

describe('apply --yes', () => {
  it('refuses without --yes: usage, exit 2, nothing started', async () => {
    const f = setup();
    expect(await apply(f, false)).toBe(2);
    expect(f.stderr()).toBe(
      `bridge-migrate: apply changes this host's network without asking; pass --yes to apply non-interactively, or run \`bridge-migrate --state-dir ${f.stateDir}\` to preview the plan and apply it with a key\n`,
    );
    expect(f.calls.start).toEqual([]);
  });

  it('refuses with --replay: a recording cannot be changed', async () => {
    const f = setup();
    const code = await run(f, () =>
      runApplyCommand(f.deps, f.target, { ...f.common, replay: 'host.json' }, { yes: true }),
    );
    expect(code).toBe(2);
    expect(f.stderr()).toContain('drop --replay to apply to this host');
  });

  it('refuses when not root: each blocker with its fix, exit 1, the engine never started', async () => {
    const f = setup({ uid: 1000 });
    expect(await apply(f)).toBe(1);
    expect(f.stderr()).toContain('blocked: Applying changes links, addresses and routes, which needs root');
    expect(f.stderr()).toContain('  fix: Run it again as root (sudo bridge-migrate) to apply.');
    expect(f.stderr()).toContain('apply refused; nothing was changed');
    expect(f.calls.start).toEqual([]);
    expect(f.stdout()).toBe('');
  });

  it('refuses while another migration is pending, naming it, and leaves its journal alone', async () => {
    const f = setup();
    await f.pendingJournal('applied');
    const before = await f.journal.load(f.stateDir);
    expect(await apply(f)).toBe(1);
    // The planner's own blocker, fed the journal's pending migration by the command.
    expect(f.stderr()).toMatch(/^blocked: Another migration \(ens18 into fcbr0\) .*applied/m);
    // ... with the commands for this state directory, which is not the default.
    expect(f.stderr()).toContain(
      `fix: Confirm it with \`bridge-migrate confirm --state-dir ${f.stateDir}\`, undo it with \`bridge-migrate rollback --yes --state-dir ${f.stateDir}\`, or see \`bridge-migrate status --state-dir ${f.stateDir}\`.`,
    );
    expect(f.calls.start).toEqual([]);
    expect(await f.journal.load(f.stateDir)).toEqual(before);
  });

  it('a second apply naming the uplink that is now a bridge port: the pending migration first, then the plan command with the options given', async () => {
    const f = setup();
    await f.pendingJournal('applied');
    // The host as the first apply left it: ens18 is a port of fcbr0.
    const replayed = f.deps.probe;
    f.deps.probe = async () => {
      const snapshot = await replayed();
      return {
        ...snapshot,
        links: snapshot.links.map((link) =>
          link.name === 'ens18' ? { ...link, master: 'fcbr0', masterKind: 'bridge' } : link,
        ),
      };
    };
    const target = { nic: 'ens18', bridge: 'br1', timeoutSec: 30 };
    const code = await run(f, () => runApplyCommand(f.deps, target, f.common, { yes: true }));
    expect(code).toBe(1);
    const lines = f.stderr().trimEnd().split('\n');
    expect(lines[0]).toMatch(/^blocked: Another migration \(ens18 into fcbr0\) is not finished/);
    expect(lines.at(-1)).toBe(
      `bridge-migrate: apply refused; nothing was changed. \`bridge-migrate plan --nic ens18 --bridge br1 --timeout 30 --state-dir ${f.stateDir}\` shows the whole plan.`,
    );
  });

  it('says on stderr when the probe waits for the uplink’s IPv6 DAD, and how that ended; no other probe lines', async () => {
    const f = setup();
    const replayed = f.deps.probe;
    f.deps.probe = async (listener) => {
      listener?.({ name: 'links', state: 'ok', note: 'nft is not installed' });
      listener?.({
        name: 'ipv6-dad',
        state: 'running',
        note: 'waiting up to 3 s for IPv6 duplicate address detection on ens18 (fe80::1)',
      });
      listener?.({
        name: 'ipv6-dad',
        state: 'ok',
        note: 'ens18: IPv6 duplicate address detection ended after 1.2 s',
      });
      return replayed();
    };
    expect(await apply(f)).toBe(0);
    expect(f.stderr()).toMatch(
      /^probe ipv6-dad: waiting up to 3 s for IPv6 duplicate address detection on ens18 \(fe80::1\)\nprobe ipv6-dad: ens18: IPv6 duplicate address detection ended after 1\.2 s\n/,
    );
    expect(f.stderr()).not.toContain('nft is not installed');
  });

  it('prints the warnings it accepts, progress per event on stderr, then the deadline and commands; exit 0', async () => {
    const f = setup();
    expect(await apply(f)).toBe(0);
    const stderr = f.stderr();
    expect(stderr).toMatch(/^warning \(accepted by --yes\): .*SSH/m);
    expect(stderr).toContain('applying ens18 -> fcbr0:');
    expect(stderr).toContain('journal written; taking the baseline checks');
    expect(stderr).toContain('+ baseline   gateway-arp check (via ens18): reply in 0.4 ms');
    expect(stderr).toMatch(/^> running +1\/\d Create bridge fcbr0/m);
    expect(stderr).toMatch(/^ {13}ip link add/m);
    expect(stderr).toMatch(/^\+ ok +1\/\d Create bridge fcbr0/m);
    expect(stderr).toContain('+ verify     gateway-arp check (via fcbr0)');

    const stdout = f.stdout().split('\n');
    expect(stdout[0]).toBe('+ Applied and verified: ens18 -> fcbr0 is live and pending confirmation.');
    expect(stdout[1]).toMatch(/^Deadline: \d\d:\d\d:\d\d by this host's clock, 115 s from now\.$/);
    expect(stdout).toContain(`  bridge-migrate confirm --state-dir ${f.stateDir}`);
    expect(stdout).toContain(`  bridge-migrate rollback --yes --state-dir ${f.stateDir}`);

    const [started] = f.calls.start;
    expect(started?.timeoutSec).toBe(120);
    expect(started?.plan.nic).toBe('ens18');
    expect(started?.preState.isRoot).toBe(true);
    expect((await f.journal.load(f.stateDir))?.phase).toBe('applied');
  });

  it('arms the guardian before the first change and names it', async () => {
    const guardian = { pid: 4242, mode: 'detached' as const, startedAt: 0, heartbeatAt: 0 };
    const f = setup({ guardian });
    expect(await apply(f)).toBe(0);
    expect(f.stderr()).toContain('guardian armed: pid 4242 (detached)');
    const armedAt = f.stderr().indexOf('guardian armed');
    expect(armedAt).toBeLessThan(f.stderr().indexOf('applying the steps'));
    expect(f.stdout()).toContain('The guardian (pid 4242, detached) reverts the change at the deadline');
  });

  it('a refusal from the engine (host changed since the plan) is one line, exit 1', async () => {
    const f = setup({
      script: {
        start: async () => {
          const { HostChangedSincePlan } = await import('../../../source/txn/engine/engine-errors.js');
          throw new HostChangedSincePlan(['route default via 198.51.100.1 dev ens18 is gone']);
        },
      },
    });
    expect(await apply(f)).toBe(1);
    expect(f.stderr()).toMatch(
      /bridge-migrate: the host changed since the plan was made \(route default via 198\.51\.100\.1 dev ens18 is gone\); nothing was changed; run plan\/apply again/,
    );
  });

  const revert = (overrides: Partial<RevertOutcome>): RevertOutcome => ({
    kind: 'reverted',
    reason: 'probe-failed',
    steps: [{ stepId: 'cutover', title: 'Move ens18 into fcbr0', state: 'reverted' }],
    differences: [],
    manualCommands: [],
    checks: [check('gateway-arp', 'ens18')],
    ...overrides,
  });

  it('a failed check after the cutover: what failed and the revert outcome, exit 3', async () => {
    const failure = 'checks that passed before the change fail through fcbr0: gateway-icmp: no reply';
    const f = setup({ script: { start: async () => ({ kind: 'reverted', failure, revert: revert({}) }) } });
    expect(await apply(f)).toBe(3);
    const stdout = f.stdout();
    expect(stdout).toContain('< Reverted (a check failed): the host matches its pre-state.');
    expect(stdout).toContain(`What happened: ${failure}`);
    expect(stdout).toContain('  < reverted: Move ens18 into fcbr0');
    expect(stdout).toContain(
      'Compared with the pre-state: links, addresses, routes and rules are as before.',
    );
    expect(stdout).toContain('  + after undo gateway-arp check (via ens18): reply in 0.4 ms');
    expect(f.stderr()).toContain('the change failed and was reverted');
  });

  it('an incomplete revert: the differences and the commands to finish by hand, exit 4', async () => {
    const incomplete = revert({
      kind: 'revert-incomplete',
      reason: 'apply-failed',
      steps: [
        {
          stepId: 'cutover',
          title: 'Move ens18 into fcbr0',
          state: 'revert-failed',
          message: 'Nexthop has invalid gateway',
        },
      ],
      differences: ['route default via 198.51.100.1 dev ens18 is missing'],
      manualCommands: [
        { kind: 'exec', argv: ['ip', 'route', 'replace', 'default', 'via', '198.51.100.1', 'dev', 'ens18'] },
      ],
    });
    const f = setup({
      script: {
        start: async () => ({
          kind: 'revert-incomplete',
          failure: 'ip -batch line 3 failed',
          revert: incomplete,
        }),
      },
    });
    expect(await apply(f)).toBe(4);
    const stdout = f.stdout();
    expect(stdout).toContain(
      'x Revert incomplete (a step failed): the host still differs from its pre-state.',
    );
    expect(stdout).toContain('  x not undone: Move ens18 into fcbr0 (Nexthop has invalid gateway)');
    expect(stdout).toContain('  * route default via 198.51.100.1 dev ens18 is missing');
    expect(stdout).toContain(
      'Run these as root to finish the revert by hand:\n  ip route replace default via 198.51.100.1 dev ens18\n',
    );
    expect(f.stderr()).toContain(
      `run the commands above as root, then check with \`bridge-migrate status --state-dir ${f.stateDir}\``,
    );
  });

  it('an incomplete revert with no command to print does not send the operator to "the commands above"', async () => {
    const incomplete = revert({
      kind: 'revert-incomplete',
      reason: 'apply-failed',
      differences: ['the host could not be read to compare it with the pre-state: ip: timed out'],
      manualCommands: [],
    });
    const f = setup({
      script: {
        start: async () => ({
          kind: 'revert-incomplete',
          failure: 'ip -batch line 3 failed',
          revert: incomplete,
        }),
      },
    });
    expect(await apply(f)).toBe(4);
    expect(f.stdout()).not.toContain('Run these as root');
    expect(f.stderr()).not.toContain('commands above');
    expect(f.stderr()).toContain(
      'no command can be printed for what is left: compare the host with the differences above',
    );
    expect(f.stderr()).toContain(`then check with \`bridge-migrate status --state-dir ${f.stateDir}\``);
  });
});
