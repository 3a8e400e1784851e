/**
 * NetworkManager's part of persisting (persist-renderer.ts), through nmcli only (no systemd PID 1).
 *
 * validate: each keyfile through `nmcli --offline connection modify` (NM 1.42 has --offline; it
 * needs no daemon and writes nothing), and NM's normalised output read back for keys it dropped
 * (nm-keyfile-check.ts).
 *
 * handOver, when the window's lease was kept by NM (steps/keep-lease-nm.ts): the bridge and its
 * port are active with in-memory profiles whose UUIDs are the written keyfiles'. NM lets a profile under
 * /run/NetworkManager/system-connections shadow the /etc one of the same UUID, so the in-memory
 * files are removed and `nmcli connection reload` makes the written files the profiles of the active
 * connections, without touching the devices (lab, NM 1.42: no address or route changed, the bridge
 * stays "connected" and DHCP goes on renewing). `nmcli connection up` of the written profile would
 * tear the active one down first and flush the bridge (165 ms without its address in the lab).
 * Without a kept lease (a static uplink) the bridge is only mirrored by NM ("connected
 * (externally)"): reload, then unmanaged and managed again, and NM autoconnects the written profile
 * from "disconnected", keeping the addresses it did not add.
 *
 * handBack (the files restored): NM lets go of both links without touching them, reloads (the
 * written profiles are gone), and with a kept lease the window's in-memory profiles are made again as
 * the keep-lease step made them, so the runtime revert that follows finds the state it undoes.
 */
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { splitTerse } from '../../host/parse/nmcli.js';
import { nmProfileUuidsOf } from '../../plan/steps/keep-lease-nm.js';
import type { ConfigFile, Plan, Step } from '../../plan/types.js';
import { CommandFailed, succeeded } from '../../system/runner.js';
import { keysNmDropped } from './nm-keyfile-check.js';
import type { PersistContext, PersistRenderer } from './persist-renderer.js';

const NMCLI_TIMEOUT_MS = 15_000;
/** Where `nmcli connection add save no` keeps a profile (NM 1.42). */
const IN_MEMORY_DIR = '/run/NetworkManager/system-connections/';

export const networkManagerRenderer: PersistRenderer = {
  name: 'networkmanager',

  async validate(context, files) {
    for (const file of files) {
      if (file.renderer !== 'networkmanager' || file.after === null) continue;
      const problem = await validateKeyfile(context, file);
      if (problem) return problem;
    }
    return null;
  },

  async handOver(context, plan) {
    const keeper = keepLeaseStep(plan);
    if (keeper) {
      const [bridgeUuid, portUuid] = nmProfileUuidsOf(keeper);
      if (!bridgeUuid || !portUuid) return 'the keep-lease step names no bridge and port profiles';
      const rows = await connectionRows(context, ['UUID', 'FILENAME']);
      if (typeof rows === 'string') return rows;
      for (const [rowUuid = '', filename = ''] of rows) {
        if (![bridgeUuid, portUuid].includes(rowUuid) || !filename.startsWith(IN_MEMORY_DIR)) continue;
        if (!isPlainPath(filename))
          return `NetworkManager names the in-memory profile ${filename}, which is not a plain path`;
        await rm(join(context.rootDir, filename), { force: true });
        context.note(`removed the in-memory profile ${filename}`);
      }
      const problem = await nmcli(context, ['connection', 'reload']);
      if (problem) return problem;
      return activeFromDisk(context, [
        [bridgeUuid, plan.bridge],
        [portUuid, plan.nic],
      ]);
    }
    for (const argv of [
      ['connection', 'reload'],
      ['device', 'set', plan.bridge, 'managed', 'no'],
      ['device', 'set', plan.bridge, 'managed', 'yes'],
    ]) {
      const problem = await nmcli(context, argv);
      if (problem) return problem;
    }
    return null;
  },

  async handBack(context, plan) {
    for (const argv of [
      ['device', 'set', plan.bridge, 'managed', 'no'],
      ['device', 'set', plan.nic, 'managed', 'no'],
      ['connection', 'reload'],
    ]) {
      const problem = await nmcli(context, argv);
      if (problem) return problem;
    }
    const keeper = keepLeaseStep(plan);
    if (!keeper) return null;
    // The window as the keep-lease step left it: the same nmcli commands (its hold-file removal
    // is already done, and letting go again is harmless).
    for (const command of keeper.commands) {
      if (command.kind !== 'exec' || command.argv[0] !== 'nmcli') continue;
      const problem = await nmcli(context, command.argv.slice(1));
      if (problem) return problem;
    }
    return null;
  },
};

/** The keep-lease step NetworkManager runs (it adds an in-memory profile), or null. */
function keepLeaseStep(plan: Plan): Step | null {
  return (
    plan.steps.find(
      (step) =>
        step.kind === 'keep-lease' &&
        step.commands.some(
          (command) =>
            command.kind === 'exec' && command.argv.slice(0, 3).join(' ') === 'nmcli connection add',
        ),
    ) ?? null
  );
}

async function validateKeyfile(context: PersistContext, file: ConfigFile): Promise<string | null> {
  const result = await context.runner.run(['nmcli', '--offline', 'connection', 'modify'], {
    input: file.after ?? '',
    timeoutMs: NMCLI_TIMEOUT_MS,
  });
  if (result.notFound)
    return `nmcli is not installed, so ${file.path} cannot be checked; install network-manager`;
  if (!succeeded(result)) {
    const why = (result.stderr.trim() || result.stdout.trim()).split('\n')[0] ?? '';
    return `NetworkManager refuses ${file.path}: ${why}`;
  }
  const dropped = keysNmDropped(file.after ?? '', result.stdout);
  if (dropped.length > 0)
    return `NetworkManager would ignore ${dropped.join(', ')} in ${file.path} (a value it cannot read)`;
  context.note(`nmcli --offline accepts ${file.path}`);
  return null;
}

async function nmcli(context: PersistContext, args: readonly string[]): Promise<string | null> {
  const result = await context.runner.run(['nmcli', ...args], { timeoutMs: NMCLI_TIMEOUT_MS });
  if (succeeded(result)) {
    context.note(`nmcli ${args.join(' ')}`);
    return null;
  }
  return new CommandFailed(result).message;
}

/** `nmcli -t -f FIELDS connection show [--active]` rows, or a problem sentence. */
async function connectionRows(
  context: PersistContext,
  fields: readonly string[],
  active = false,
): Promise<string[][] | string> {
  const argv = ['nmcli', '-t', '-f', fields.join(','), 'connection', 'show', ...(active ? ['--active'] : [])];
  const result = await context.runner.run(argv, { timeoutMs: NMCLI_TIMEOUT_MS });
  if (!succeeded(result)) return new CommandFailed(result).message;
  return result.stdout
    .split('\n')
    .filter((line) => line !== '')
    .map(splitTerse);
}

/** Each device's active connection is its written profile (the file is not under /run). */
async function activeFromDisk(
  context: PersistContext,
  expected: ReadonlyArray<readonly [string, string]>,
): Promise<string | null> {
  const rows = await connectionRows(context, ['UUID', 'FILENAME', 'DEVICE'], true);
  if (typeof rows === 'string') return rows;
  for (const [uuid, device] of expected) {
    const row = rows.find(([rowUuid]) => rowUuid === uuid);
    if (!row) return `NetworkManager has no active profile ${uuid} on ${device} after the reload`;
    const [, filename = '', shownDevice = ''] = row;
    if (shownDevice !== device)
      return `NetworkManager runs profile ${uuid} on ${shownDevice || 'no device'}, not ${device}`;
    if (filename.startsWith(IN_MEMORY_DIR))
      return `NetworkManager still runs ${device} from the in-memory profile ${filename}`;
    context.note(`NetworkManager runs ${device} from ${filename}`);
  }
  return null;
}

/** Absolute, no empty, "." or ".." segment: what NM reports for a file it wrote itself. */
function isPlainPath(path: string): boolean {
  return (
    path.startsWith('/') &&
    path
      .split('/')
      .slice(1)
      .every((part) => !['', '.', '..'].includes(part))
  );
}
