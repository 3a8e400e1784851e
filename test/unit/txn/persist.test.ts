/**
 * The persist transaction against the in-memory host (engine-fake-host.ts) and real files under a
 * temp --root-dir: the plan is the real planner's with a netplan config file added, the journal
 * real files; `netplan` and `networkctl` are answered by the test (its verdicts are what is
 * injected), everything the kernel does by the fake host.
 */
import { chmodSync, existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { probeHost } from '../../../source/host/probe.js';
import type { HostSnapshot } from '../../../source/host/snapshot.js';
import { buildPlan } from '../../../source/plan/build.js';
import { configFile } from '../../../source/plan/persist/diff.js';
import { CLOUD_INIT_DISABLE_PATH } from '../../../source/plan/persist/netplan.js';
import type { ConfigFile, Plan } from '../../../source/plan/types.js';
import { silentLog } from '../../../source/system/debug-log.js';
import type { Runner, RunResult } from '../../../source/system/runner.js';
import { createEngine } from '../../../source/txn/engine/engine.js';
import type { EngineDeps, EngineEvent } from '../../../source/txn/engine/engine-api.js';
import { createJournalStore } from '../../../source/txn/journal/journal.js';
import { dhcpHost, type FakeState, fakeHost, OUR_NETNS, stateView } from './engine-fake-host.js';
import { makeTempStateDir, manualClock } from './journal-fixture.js';

const REQUEST = { nic: 'ens18', bridge: 'fcbr0', timeoutSec: 120, persist: 'none' as const };
const OLD_YAML = 'network:\n  version: 2\n  ethernets:\n    ens18:\n      dhcp4: true\n';
const NEW_YAML =
  'network:\n  version: 2\n  ethernets:\n    ens18:\n      dhcp4: false\n  bridges:\n    fcbr0:\n      interfaces: [ens18]\n      dhcp4: true\n';
const ADDED_YAML = 'network:\n  version: 2\n';
const HOLD = '/run/systemd/network/00-bridge-migrate-hold.network';
const NETPLAN_OUTPUT = '/run/systemd/network/10-netplan-ens18.network';

interface Verdicts {
  /** `netplan generate --root-dir SCRATCH` (the validation). */
  validate?: RunResult['exitCode'];
  reload?: RunResult['exitCode'] | 'missing';
  /** networkd's setup state of the bridge after the reload. */
  bridgeState?: string;
  /** A firewall file's own check (`iptables-restore --test`, `nft -c -f -`). */
  check?: RunResult['exitCode'];
}

let temp: ReturnType<typeof makeTempStateDir>;
let rootDir: string;
beforeEach(() => {
  temp = makeTempStateDir();
  rootDir = join(temp.root, 'root');
  mkdirSync(join(rootDir, 'etc/netplan'), { recursive: true });
  mkdirSync(join(rootDir, 'run/systemd/network'), { recursive: true });
  writeFileSync(join(rootDir, 'etc/netplan/50-cloud-init.yaml'), OLD_YAML, { mode: 0o640 });
  chmodSync(join(rootDir, 'etc/netplan/50-cloud-init.yaml'), 0o640);
  writeFileSync(join(rootDir, HOLD), '[Match]\nName=ens18 fcbr0\n[Link]\nUnmanaged=yes\n');
  writeFileSync(join(rootDir, NETPLAN_OUTPUT), 'old output\n');
});
afterEach(() => temp.cleanup());

/** netplan and networkctl as the test decides; the rest goes to the fake host. */
function withRenderer(inner: Runner, verdicts: Verdicts, seen: string[][]): Runner {
  const result = (argv: readonly string[], exitCode: number, stdout = '', notFound = false): RunResult => ({
    argv: [...argv],
    exitCode,
    stdout,
    stderr: exitCode === 0 ? '' : `${argv[0]}: refused by the test\n`,
    durationMs: 1,
    timedOut: false,
    notFound,
  });
  return {
    async run(argv, options) {
      if (argv[0] === 'netplan') {
        seen.push([...argv]);
        const scratch = argv[3] !== rootDir;
        if (scratch) return result(argv, verdicts.validate ?? 0);
        writeFileSync(
          join(rootDir, NETPLAN_OUTPUT),
          readFileSync(join(rootDir, 'etc/netplan/50-cloud-init.yaml')),
        );
        return result(argv, 0);
      }
      if (argv[0] === 'iptables-restore' || (argv[0] === 'nft' && argv[1] === '-c')) {
        seen.push([...argv, `stdin: ${options?.input ?? '(none)'}`]);
        return result(argv, verdicts.check ?? 0);
      }
      if (argv[0] === 'networkctl') {
        seen.push([...argv]);
        if (verdicts.reload === 'missing') return result(argv, 127, '', true);
        if (argv[1] === 'reload') return result(argv, verdicts.reload ?? 0);
        const state = verdicts.bridgeState ?? 'configured';
        return result(argv, 0, `  2 ens18 ether carrier configured\n  3 fcbr0 bridge routable ${state}\n`);
      }
      return inner.run(argv, options);
    },
  };
}

async function setup(
  verdicts: Verdicts = {},
  state: FakeState = dhcpHost(),
  plannedConfig?: (snapshot: HostSnapshot) => ConfigFile[],
  extra: ConfigFile[] = [],
) {
  const host = fakeHost(state);
  const seen: string[][] = [];
  const runner = withRenderer(host.runner, verdicts, seen);
  const env = { uid: 0, sshConnection: '198.51.100.50 40000 198.51.100.240 22', rootDir };
  const snapshot = await probeHost({ runner: host.runner, files: host.files, env });
  const base = buildPlan(snapshot, REQUEST);
  const plan: Plan = {
    ...base,
    persistWith: 'netplan',
    config: plannedConfig?.(snapshot) ?? [
      configFile('/etc/netplan/50-cloud-init.yaml', 'netplan', OLD_YAML, NEW_YAML, 'bridge'),
      configFile('/etc/netplan/90-bridge-migrate.yaml', 'netplan', null, ADDED_YAML, 'new'),
      ...extra,
    ],
  };
  const events: EngineEvent[] = [];
  const journal = createJournalStore({ clock: manualClock(Date.now()).now });
  const deps: EngineDeps = {
    runner,
    files: host.files,
    env,
    stateDir: temp.stateDir,
    runtimeDir: `${temp.root}/run`,
    journal,
    clock: { now: () => Date.now() },
    log: silentLog,
    listener: (event) => events.push(event),
    spawnDetached: async (argv) => {
      state.processes.set(5001, { argv: [...argv], netns: OUR_NETNS });
      return { pid: 5001 };
    },
    queryDns: async () => ({ ok: true, rcode: 0, durationMs: 1 }),
  };
  const engine = createEngine(deps);
  const before = stateView(state);
  const applied = await engine.start({ plan, preState: snapshot, timeoutSec: 120 });
  expect(applied.kind).toBe('pending');
  await engine.confirm();
  events.length = 0;
  return { host, engine, events, journal, seen, before, state };
}

const parts = (events: EngineEvent[]) =>
  events.flatMap((event) => (event.kind === 'persist' ? [`${event.part}:${event.state}`] : []));
const file = (path: string) => join(rootDir, path);

describe('persist', () => {
  test('validates in a scratch copy, backs up, writes, hands over to networkd and verifies: persisted', async () => {
    const { engine, events, journal, seen } = await setup();
    const outcome = await engine.persist({ sleep: async () => {} });

    expect(outcome.kind).toBe('persisted');
    expect(parts(events)).toEqual([
      'validate:running',
      'validate:ok',
      'back-up:running',
      'back-up:ok',
      'write:running',
      'write:ok',
      'hand-over:running',
      'hand-over:ok',
      'verify:running',
      'verify:ok',
    ]);
    // Validation ran on a copy elsewhere, then the real generate, then networkd over D-Bus.
    expect(seen[0]?.slice(0, 3)).toEqual(['netplan', 'generate', '--root-dir']);
    expect(seen[0]?.[3]).not.toBe(rootDir);
    expect(seen.slice(1, 3)).toEqual([
      ['netplan', 'generate', '--root-dir', rootDir],
      ['networkctl', 'reload'],
    ]);
    expect(readFileSync(file('etc/netplan/50-cloud-init.yaml'), 'utf8')).toBe(NEW_YAML);
    // The original's mode stays; a new netplan file is root-only (netplan warns otherwise).
    expect(statSync(file('etc/netplan/50-cloud-init.yaml')).mode & 0o777).toBe(0o640);
    expect(statSync(file('etc/netplan/90-bridge-migrate.yaml')).mode & 0o777).toBe(0o600);
    // The window's hold is gone (netplan's files take over); netplan's own output is kept.
    expect(existsSync(file(HOLD))).toBe(false);
    expect(existsSync(file(NETPLAN_OUTPUT))).toBe(true);

    const saved = await journal.load(temp.stateDir);
    expect(saved?.phase).toBe('persisted');
    expect(saved?.files.map((entry) => [entry.path, entry.backup === null])).toEqual([
      ['/etc/netplan/50-cloud-init.yaml', false],
      ['/etc/netplan/90-bridge-migrate.yaml', true],
    ]);
    const backup = saved?.files[0]?.backup;
    expect(readFileSync(backup?.backup as string, 'utf8')).toBe(OLD_YAML);
    expect(backup?.mode).toBe(0o640);
  });

  test.each([
    ['validation refused', { validate: 1 }, 'validate'],
    ['networkctl missing', { reload: 'missing' as const }, 'hand-over'],
    ['networkctl reload fails', { reload: 1 }, 'hand-over'],
    ['networkd never configures the bridge', { bridgeState: 'failed' }, 'hand-over'],
  ])('%s: every file byte-exact, the runtime reverted, persist-failed', async (_name, verdicts, part) => {
    const { engine, journal, host, before, state } = await setup(verdicts);
    const modeBefore = statSync(file('etc/netplan/50-cloud-init.yaml')).mode;
    const outcome = await engine.persist({ sleep: async () => {} });

    expect(outcome.kind).toBe('failed');
    if (outcome.kind !== 'failed') return;
    expect(outcome.part).toBe(part);
    expect(outcome.revert.kind).toBe('reverted');
    expect(readFileSync(file('etc/netplan/50-cloud-init.yaml'), 'utf8')).toBe(OLD_YAML);
    expect(statSync(file('etc/netplan/50-cloud-init.yaml')).mode).toBe(modeBefore);
    expect(existsSync(file('etc/netplan/90-bridge-migrate.yaml'))).toBe(false);
    expect(stateView(state)).toEqual(before);
    expect(host.state.links.some((link) => link.name === 'fcbr0')).toBe(false);
    const saved = await journal.load(temp.stateDir);
    expect(saved?.phase).toBe('reverted');
    expect(saved?.outcome?.reason).toBe('persist-failed');
  });

  test('the address lost after the hand-over: verify fails, the files come back and the runtime is reverted', async () => {
    const { engine, journal, state, before } = await setup();
    // As if networkd had taken the bridge over and dropped the address: what verify must catch.
    state.addresses = state.addresses.filter((address) => address.ifname !== 'fcbr0');
    const outcome = await engine.persist({ sleep: async () => {} });

    expect(outcome.kind).toBe('failed');
    if (outcome.kind !== 'failed') return;
    expect(outcome.part).toBe('verify');
    expect(outcome.failure).toContain('198.51.100.240/24 is not on fcbr0');
    expect(readFileSync(file('etc/netplan/50-cloud-init.yaml'), 'utf8')).toBe(OLD_YAML);
    expect(existsSync(file('etc/netplan/90-bridge-migrate.yaml'))).toBe(false);
    expect(stateView(state)).toEqual(before);
    expect((await journal.load(temp.stateDir))?.outcome?.reason).toBe('persist-failed');
  });

  test('a file changed since the plan is refused before anything is written', async () => {
    const { engine } = await setup();
    writeFileSync(file('etc/netplan/50-cloud-init.yaml'), `${OLD_YAML}# edited\n`);
    const outcome = await engine.persist({ sleep: async () => {} });

    expect(outcome.kind === 'failed' && outcome.part).toBe('back-up');
    expect(readFileSync(file('etc/netplan/50-cloud-init.yaml'), 'utf8')).toBe(`${OLD_YAML}# edited\n`);
    expect(existsSync(file('etc/netplan/90-bridge-migrate.yaml'))).toBe(false);
  });

  test('rollback of a persisted migration restores the files, hands back, then reverts the runtime', async () => {
    const { engine, journal, seen, state, before } = await setup();
    expect((await engine.persist({ sleep: async () => {} })).kind).toBe('persisted');
    seen.length = 0;
    const outcome = await engine.revert('operator');

    expect(outcome.kind).toBe('reverted');
    expect(readFileSync(file('etc/netplan/50-cloud-init.yaml'), 'utf8')).toBe(OLD_YAML);
    expect(existsSync(file('etc/netplan/90-bridge-migrate.yaml'))).toBe(false);
    expect(seen).toEqual([
      ['netplan', 'generate', '--root-dir', rootDir],
      ['networkctl', 'reload'],
    ]);
    // netplan's output follows the restored file again.
    expect(readFileSync(file(NETPLAN_OUTPUT), 'utf8')).toBe(OLD_YAML);
    expect(stateView(state)).toEqual(before);
    expect((await journal.load(temp.stateDir))?.phase).toBe('reverted');
  });

  test.each([
    ['runs: the cloud-init drop-in is written too', null, true],
    [
      'is disabled by its marker file',
      { by: 'marker-file', path: '/etc/cloud/cloud-init.disabled' } as const,
      false,
    ],
  ])(
    'cloud-init wrote the netplan file and %s (the planner’s config through persist)',
    async (_name, off, dropIn) => {
      // The planner's own config for cloud-init's file, as the probe would have read it from the root.
      const planned = (snapshot: HostSnapshot) => {
        const netplanFile = { path: '/etc/netplan/50-cloud-init.yaml', content: OLD_YAML, cloudInit: true };
        snapshot.renderer.netplan.files = [netplanFile];
        snapshot.renderer.cloudInitNetwork = off === null;
        snapshot.renderer.cloudInitDisabled = off;
        const config = buildPlan(snapshot, { ...REQUEST, persist: 'netplan' }).config;
        expect(config.map((file) => file.path).includes(CLOUD_INIT_DISABLE_PATH)).toBe(dropIn);
        return config;
      };
      const { engine, journal } = await setup({}, dhcpHost(), planned);
      expect((await engine.persist({ sleep: async () => {} })).kind).toBe('persisted');

      expect(readFileSync(file('etc/netplan/50-cloud-init.yaml'), 'utf8')).toContain('bridges:');
      const written = join(rootDir, CLOUD_INIT_DISABLE_PATH);
      expect(existsSync(written)).toBe(dropIn);
      if (dropIn) {
        expect(readFileSync(written, 'utf8')).toContain('\nnetwork: {config: disabled}\n');
        // A new file: its backup says there was none, so undo deletes it.
        const saved = await journal.load(temp.stateDir);
        expect(saved?.files.find((entry) => entry.path === CLOUD_INIT_DISABLE_PATH)?.backup).toBeNull();
        expect((await engine.revert('operator')).kind).toBe('reverted');
        expect(existsSync(written)).toBe(false);
      }
    },
  );
});

describe('persist with firewall files (plan/persist/firewall.ts)', () => {
  const RULES = '/etc/iptables/rules.v4';
  const NFT = '/etc/nftables.conf';
  const OLD_RULES = '*nat\n-A POSTROUTING -s 203.0.113.0/24 -o ens18 -j MASQUERADE\n# kept\nCOMMIT\n';
  const NEW_RULES = '*nat\n# kept\nCOMMIT\n';
  const OLD_NFT = 'table ip fcnat {\n\tchain p {\n\t\tiifname "fcbr0" masquerade\n\t}\n}\n';
  const NEW_NFT = 'table ip fcnat {\n\tchain p {\n\t}\n}\n';
  const firewallFiles = (): ConfigFile[] => {
    mkdirSync(file('etc/iptables'), { recursive: true });
    writeFileSync(file(RULES.slice(1)), OLD_RULES, { mode: 0o640 });
    chmodSync(file(RULES.slice(1)), 0o640);
    writeFileSync(file(NFT.slice(1)), OLD_NFT, { mode: 0o755 });
    chmodSync(file(NFT.slice(1)), 0o755);
    return [
      { ...configFile(RULES, 'firewall', OLD_RULES, NEW_RULES, 'nat'), check: 'iptables-restore' },
      { ...configFile(NFT, 'firewall', OLD_NFT, NEW_NFT, 'nat'), check: 'nft' },
    ];
  };

  test('each file is checked by its own tool on stdin (nothing loaded), backed up, written; no hand-over of its own', async () => {
    const { engine, journal, seen, events } = await setup({}, dhcpHost(), undefined, firewallFiles());
    expect((await engine.persist({ sleep: async () => {} })).kind).toBe('persisted');
    // The operator sees what was checked besides the renderer's files.
    expect(events).toContainEqual({
      kind: 'persist',
      part: 'validate',
      state: 'ok',
      detail:
        'also checked: /etc/iptables/rules.v4 (iptables-restore --test), /etc/nftables.conf (nft -c -f -)',
    });

    // netplan checks its files in a scratch copy first, then each firewall file its tool, in order.
    expect(seen.slice(0, 3).map((argv) => argv.slice(0, 2))).toEqual([
      ['netplan', 'generate'],
      ['iptables-restore', '--test'],
      ['nft', '-c'],
    ]);
    expect(seen[1]).toEqual(['iptables-restore', '--test', `stdin: ${NEW_RULES}`]);
    expect(seen[2]).toEqual(['nft', '-c', '-f', '-', `stdin: ${NEW_NFT}`]);
    // The hand-over is networkd's alone: no firewall tool runs after the check.
    expect(seen.slice(3).some((argv) => argv[0] === 'iptables-restore' || argv[0] === 'nft')).toBe(false);

    expect(readFileSync(file(RULES.slice(1)), 'utf8')).toBe(NEW_RULES);
    expect(statSync(file(RULES.slice(1))).mode & 0o777).toBe(0o640);
    expect(readFileSync(file(NFT.slice(1)), 'utf8')).toBe(NEW_NFT);
    expect(statSync(file(NFT.slice(1))).mode & 0o777).toBe(0o755);
    const saved = await journal.load(temp.stateDir);
    const backups = saved?.files.filter((entry) => entry.path === RULES || entry.path === NFT) ?? [];
    expect(backups.map((entry) => readFileSync(entry.backup?.backup as string, 'utf8'))).toEqual([
      OLD_RULES,
      OLD_NFT,
    ]);
  });

  test('a check that refuses: nothing is written, every file byte-exact, the runtime reverted', async () => {
    const { engine, state, before, seen } = await setup({ check: 2 }, dhcpHost(), undefined, firewallFiles());
    const outcome = await engine.persist({ sleep: async () => {} });

    expect(outcome.kind === 'failed' && [outcome.part, outcome.failure]).toEqual([
      'validate',
      'iptables-restore --test refused the new /etc/iptables/rules.v4: iptables-restore: refused by the test',
    ]);
    // The first refusal ends the checks.
    expect(seen.some((argv) => argv[0] === 'nft')).toBe(false);
    expect(readFileSync(file(RULES.slice(1)), 'utf8')).toBe(OLD_RULES);
    expect(readFileSync(file(NFT.slice(1)), 'utf8')).toBe(OLD_NFT);
    expect(readFileSync(file('etc/netplan/50-cloud-init.yaml'), 'utf8')).toBe(OLD_YAML);
    expect(stateView(state)).toEqual(before);
  });

  test('rollback of the persisted migration puts the firewall files back byte-exact with their modes', async () => {
    const { engine } = await setup({}, dhcpHost(), undefined, firewallFiles());
    expect((await engine.persist({ sleep: async () => {} })).kind).toBe('persisted');
    expect((await engine.revert('operator')).kind).toBe('reverted');

    expect(readFileSync(file(RULES.slice(1)), 'utf8')).toBe(OLD_RULES);
    expect(statSync(file(RULES.slice(1))).mode & 0o777).toBe(0o640);
    expect(readFileSync(file(NFT.slice(1)), 'utf8')).toBe(OLD_NFT);
    expect(statSync(file(NFT.slice(1))).mode & 0o777).toBe(0o755);
  });
});
