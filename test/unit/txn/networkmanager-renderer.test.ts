/**
 * NetworkManager's persist renderer with a fake runner that answers by argv: keyfiles checked by
 * `nmcli --offline` (and its output read back for dropped keys), the hand-over that swaps the
 * in-memory bridge profile for the written one by removing the /run file and reloading, and the
 * hand-back that restores the window's profile. The nmcli outputs are NM 1.42's, seen in the lab.
 */
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { buildPlan } from '../../../source/plan/build.js';
import type { ConfigFile, Plan } from '../../../source/plan/types.js';
import type { Runner, RunResult } from '../../../source/system/runner.js';
import { networkManagerRenderer } from '../../../source/txn/persist/networkmanager-renderer.js';
import { keysNmDropped } from '../../../source/txn/persist/nm-keyfile-check.js';
import type { PersistContext } from '../../../source/txn/persist/persist-renderer.js';
import { HOST_ADDRESS, request, variant } from '../plan/fixtures.js';
import { networkManagerServer } from '../plan/hosts.js';

type Answer = Partial<RunResult> | undefined;

function scene(answer: (argv: string) => Answer = () => undefined) {
  const rootDir = mkdtempSync(join(tmpdir(), 'bm-nm-renderer-'));
  roots.push(rootDir);
  const calls: Array<{ argv: string; input?: string }> = [];
  const notes: string[] = [];
  const runner: Runner = {
    async run(argv, options) {
      const text = argv.join(' ');
      calls.push({ argv: text, ...(options?.input !== undefined ? { input: options.input } : {}) });
      return {
        argv,
        exitCode: 0,
        stdout: '',
        stderr: '',
        durationMs: 1,
        timedOut: false,
        notFound: false,
        ...answer(text),
      };
    },
  };
  const context: PersistContext = {
    runner,
    rootDir,
    stateDir: join(rootDir, 'state'),
    note: (t) => notes.push(t),
  };
  return { context, calls, notes, rootDir };
}
const roots: string[] = [];
afterEach(() => {
  for (const root of roots.splice(0)) rmSync(root, { recursive: true, force: true });
});

/** ens18 leased through NetworkManager: the plan keeps the lease with an in-memory profile. */
function leasedPlan(): Plan {
  const snapshot = variant((s) => {
    const own = s.addresses.find((a) => a.local === HOST_ADDRESS);
    Object.assign(own ?? {}, { dynamic: true, validLft: 3456, preferredLft: 3456 });
  }, networkManagerServer());
  return buildPlan(snapshot, request());
}

const BRIDGE_KEYFILE = `[connection]
id=fcbr0
uuid=5e0a8a2c-1111-5222-8333-444455556688
type=bridge
interface-name=fcbr0
autoconnect=true

[bridge]
mac-address=02:62:6d:00:00:18
stp=false
forward-delay=0

[ipv4]
method=auto
`;
/** What `nmcli --offline connection modify` printed for it (NM 1.42): sorted, MAC upper-cased, defaults left out. */
const BRIDGE_NORMALISED = `[connection]
id=fcbr0
uuid=5e0a8a2c-1111-5222-8333-444455556688
type=bridge
interface-name=fcbr0

[ethernet]

[bridge]
forward-delay=0
mac-address=02:62:6D:00:00:18
stp=false

[ipv4]
method=auto

[ipv6]
method=ignore

[proxy]
`;

const file = (
  path: string,
  after: string | null,
  renderer: ConfigFile['renderer'] = 'networkmanager',
): ConfigFile => ({
  path,
  renderer,
  before: null,
  after,
  diff: '',
  note: '',
});

describe('keysNmDropped', () => {
  it('accepts a keyfile NM normalised (order, MAC case, a default left out)', () => {
    expect(keysNmDropped(BRIDGE_KEYFILE, BRIDGE_NORMALISED)).toEqual([]);
  });

  it('names the keys NM dropped because it could not read their value', () => {
    const written = BRIDGE_KEYFILE.replace('forward-delay=0', 'forward-delay=99\nstp=maybe');
    const normalised = BRIDGE_NORMALISED.replace('forward-delay=0\n', '').replace('stp=false\n', '');
    expect(keysNmDropped(written, normalised)).toEqual(['bridge.stp=maybe', 'bridge.forward-delay=99']);
  });

  it('does not excuse a non-default value NM left out', () => {
    const written = BRIDGE_KEYFILE.replace('autoconnect=true', 'autoconnect=false');
    expect(keysNmDropped(written, BRIDGE_NORMALISED)).toEqual(['connection.autoconnect=false']);
  });
});

describe('validate', () => {
  const path = '/etc/NetworkManager/system-connections/fcbr0.nmconnection';

  it("feeds each NetworkManager keyfile to nmcli --offline on stdin, and skips other renderers' files", async () => {
    const { context, calls } = scene(() => ({ stdout: BRIDGE_NORMALISED }));
    const problem = await networkManagerRenderer.validate(context, [
      file(path, BRIDGE_KEYFILE),
      file('/etc/netplan/90-bridge.yaml', 'network: {}\n', 'netplan'),
      file('/etc/NetworkManager/system-connections/old.nmconnection', null),
    ]);
    expect(problem).toBeNull();
    expect(calls).toEqual([{ argv: 'nmcli --offline connection modify', input: BRIDGE_KEYFILE }]);
  });

  it('reports what NetworkManager refuses, with the file', async () => {
    const { context } = scene(() => ({
      exitCode: 1,
      stderr: "Error: Error writing connection: connection.uuid: 'zz' is not a valid UUID\n",
    }));
    expect(await networkManagerRenderer.validate(context, [file(path, BRIDGE_KEYFILE)])).toBe(
      `NetworkManager refuses ${path}: Error: Error writing connection: connection.uuid: 'zz' is not a valid UUID`,
    );
  });

  it('reports a key NM would silently ignore', async () => {
    const { context } = scene(() => ({ stdout: BRIDGE_NORMALISED.replace('stp=false\n', '') }));
    expect(await networkManagerRenderer.validate(context, [file(path, BRIDGE_KEYFILE)])).toBe(
      `NetworkManager would ignore bridge.stp=false in ${path} (a value it cannot read)`,
    );
  });

  it('says how to get nmcli when it is missing', async () => {
    const { context } = scene(() => ({ exitCode: -1, notFound: true }));
    expect(await networkManagerRenderer.validate(context, [file(path, BRIDGE_KEYFILE)])).toMatch(
      /nmcli is not installed.*install network-manager$/,
    );
  });
});

describe('handOver with the lease kept by NetworkManager', () => {
  const plan = leasedPlan();
  const [uuid = '', portUuid = ''] = (
    plan.steps.find((step) => step.kind === 'keep-lease')?.commands ?? []
  ).flatMap((command) =>
    command.kind === 'exec' && command.argv[2] === 'up' ? [command.argv[4] as string] : [],
  );
  const inMemory = '/run/NetworkManager/system-connections/bridge-migrate-fcbr0.nmconnection';
  const portInMemory = '/run/NetworkManager/system-connections/bridge-migrate-fcbr0-port.nmconnection';
  const onDisk = '/etc/NetworkManager/system-connections/fcbr0.nmconnection';
  const portOnDisk = '/etc/NetworkManager/system-connections/fcbr0-port-ens18.nmconnection';

  function handOverScene(activeFile: string) {
    const s = scene((argv) => {
      if (argv === 'nmcli -t -f UUID,FILENAME connection show')
        return {
          stdout: `${uuid}:${inMemory}\n${uuid}:${onDisk}\n${portUuid}:${portInMemory}\nfd796c76-c90f-4011-805c-ab25cfa7a02c:/run/NetworkManager/system-connections/ens18.nmconnection\n`,
        };
      if (argv === 'nmcli -t -f UUID,FILENAME,DEVICE connection show --active')
        return { stdout: `${uuid}:${activeFile}:fcbr0\n${portUuid}:${portOnDisk}:ens18\n` };
      return undefined;
    });
    mkdirSync(join(s.rootDir, '/run/NetworkManager/system-connections'), { recursive: true });
    writeFileSync(join(s.rootDir, inMemory), '[connection]\n');
    writeFileSync(join(s.rootDir, portInMemory), '[connection]\n');
    writeFileSync(join(s.rootDir, '/run/NetworkManager/system-connections/ens18.nmconnection'), '');
    return s;
  }

  it('removes only the in-memory bridge and port profiles, reloads, and checks both run from the written files', async () => {
    const { context, calls, rootDir, notes } = handOverScene(onDisk);
    expect(uuid).toMatch(/^[0-9a-f-]{36}$/);
    expect(await networkManagerRenderer.handOver(context, plan)).toBeNull();
    expect(calls.map((call) => call.argv)).toEqual([
      'nmcli -t -f UUID,FILENAME connection show',
      'nmcli connection reload',
      'nmcli -t -f UUID,FILENAME,DEVICE connection show --active',
    ]);
    expect(existsSync(join(rootDir, inMemory))).toBe(false);
    expect(existsSync(join(rootDir, portInMemory))).toBe(false);
    expect(existsSync(join(rootDir, '/run/NetworkManager/system-connections/ens18.nmconnection'))).toBe(true);
    expect(notes).toContain(`NetworkManager runs fcbr0 from ${onDisk}`);
    expect(notes).toContain(`NetworkManager runs ens18 from ${portOnDisk}`);
  });

  it('fails when the bridge still runs from the in-memory profile after the reload', async () => {
    const { context } = handOverScene(inMemory);
    expect(await networkManagerRenderer.handOver(context, plan)).toBe(
      `NetworkManager still runs fcbr0 from the in-memory profile ${inMemory}`,
    );
  });

  it('fails with the command when nmcli fails', async () => {
    const { context } = scene((argv) =>
      argv === 'nmcli connection reload'
        ? { exitCode: 8, stderr: 'Error: NetworkManager is not running.\n' }
        : undefined,
    );
    expect(await networkManagerRenderer.handOver(context, plan)).toBe(
      'nmcli connection reload exited 8: Error: NetworkManager is not running.',
    );
  });

  it('handBack lets go of both links, reloads, and makes the window profiles again', async () => {
    const { context, calls } = scene();
    expect(await networkManagerRenderer.handBack(context, plan)).toBeNull();
    const argv = calls.map((call) => call.argv);
    expect(argv.slice(0, 3)).toEqual([
      'nmcli device set fcbr0 managed no',
      'nmcli device set ens18 managed no',
      'nmcli connection reload',
    ]);
    expect(argv.slice(3).filter((line) => !line.includes('managed no'))).toEqual([
      expect.stringMatching(/^nmcli connection add save no type bridge con-name bridge-migrate-fcbr0 /),
      expect.stringMatching(
        /^nmcli connection add save no type ethernet con-name bridge-migrate-fcbr0-port /,
      ),
      'nmcli device set fcbr0 managed yes',
      `nmcli connection up uuid ${uuid}`,
      `nmcli connection up uuid ${portUuid}`,
    ]);
  });
});

describe('handOver of a static NetworkManager uplink (no in-memory profile)', () => {
  it('reloads, then unmanages and manages the bridge so NM autoconnects the written profile', async () => {
    const { context, calls } = scene();
    const plan = buildPlan(networkManagerServer(), request());
    expect(await networkManagerRenderer.handOver(context, plan)).toBeNull();
    expect(calls.map((call) => call.argv)).toEqual([
      'nmcli connection reload',
      'nmcli device set fcbr0 managed no',
      'nmcli device set fcbr0 managed yes',
    ]);
  });
});
