/**
 * The planner's cutover against the real kernel, for the NetworkManager shape that broke it: the
 * uplink's address is noprefixroute and its prefix route was added by hand as "proto kernel metric
 * 100" (what NetworkManager does), with the default route via 198.51.100.1. The namespace is
 * probed, planned, staged, and the cutover's forward batch runs with `ip -n NS -batch FILE`, then
 * its inverse and the staging's inverse; `ip -j addr/route/rule` must come back byte for byte.
 *
 * Only the stage-bridge and cutover steps run (the probe sees the machine's processes through ps,
 * so DHCP clients are cleared from the snapshot: nothing outside the namespace is ever touched).
 */
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { probeHost } from '../../source/host/probe.js';
import { buildPlan } from '../../source/plan/build.js';
import { commandText, ipBatchFile } from '../../source/plan/command-text.js';
import type { Command, Plan, Step } from '../../source/plan/types.js';
import { silentLog } from '../../source/system/debug-log.js';
import { createExecRunner } from '../../source/system/exec-runner.js';
import { createHostFiles } from '../../source/system/host-files.js';
import { expectSuccess, type Runner, type RunResult } from '../../source/system/runner.js';

const isRoot = process.getuid?.() === 0;
const NS = `bmpk${randomBytes(3).toString('hex')}`;
const exec = createExecRunner(silentLog);

const inNs = (...args: string[]) => exec.run(['ip', '-n', NS, ...args]);

/** The state the revert must restore, as the kernel prints it. */
async function kernelState(): Promise<Record<string, string>> {
  const listings: Record<string, string[]> = {
    addresses: ['-j', 'addr', 'show'],
    routes4: ['-4', '-j', 'route', 'show', 'table', 'all'],
    routes6: ['-6', '-j', 'route', 'show', 'table', 'all'],
    rules4: ['-4', '-j', 'rule', 'show'],
    rules6: ['-6', '-j', 'rule', 'show'],
  };
  const entries = await Promise.all(
    Object.entries(listings).map(async ([key, args]) => [key, expectSuccess(await inNs(...args)).stdout]),
  );
  return Object.fromEntries(entries);
}

/** Runs one planner command inside the namespace: `ip` commands with -n, batches from a file. */
async function run(command: Command, scratch: string): Promise<RunResult> {
  if (command.kind === 'ip-batch') {
    const file = join(scratch, `batch-${randomBytes(3).toString('hex')}`);
    await writeFile(file, ipBatchFile(command.lines), { mode: 0o600 });
    return exec.run(['ip', '-n', NS, '-batch', file]);
  }
  if (command.kind !== 'exec' || command.argv[0] !== 'ip')
    throw new Error(`not run here: ${commandText(command).join(' ')}`);
  return exec.run(['ip', '-n', NS, ...command.argv.slice(1)]);
}

async function runAll(commands: Command[], scratch: string): Promise<void> {
  for (const command of commands) {
    const result = await run(command, scratch);
    expect(result.stderr, JSON.stringify(command)).toBe('');
    expectSuccess(result);
  }
}

function stepOf(plan: Plan, kind: Step['kind']): Step {
  const step = plan.steps.find((candidate) => candidate.kind === kind);
  if (!step) throw new Error(`no ${kind} step`);
  return step;
}

describe.skipIf(!isRoot)('cutover of a NetworkManager-style uplink on the real kernel', () => {
  let scratch = '';
  let plan: Plan;
  let before: Record<string, string> = {};

  beforeAll(async () => {
    scratch = await mkdtemp(join(tmpdir(), 'bmpk-'));
    expectSuccess(await exec.run(['ip', 'netns', 'add', NS]));
    // NetworkManager's way: the address without a prefix route, then the prefix route and the
    // default route added by NetworkManager itself, metric 100 for Ethernet.
    const setup = [
      ['link', 'set', 'lo', 'up'],
      ['link', 'add', 'ens18', 'type', 'veth', 'peer', 'name', 'lan0'],
      ['link', 'set', 'lan0', 'up'],
      ['link', 'set', 'ens18', 'up'],
      ['addr', 'add', '198.51.100.37/24', 'broadcast', '198.51.100.255', 'dev', 'ens18', 'noprefixroute'],
      [
        'route',
        'add',
        '198.51.100.0/24',
        'dev',
        'ens18',
        'proto',
        'kernel',
        'scope',
        'link',
        'src',
        '198.51.100.37',
        'metric',
        '100',
      ],
      ['route', 'add', 'default', 'via', '198.51.100.1', 'dev', 'ens18', 'proto', 'dhcp', 'metric', '100'],
    ];
    // No IPv6 DAD, so link-local addresses do not flip from tentative while the test compares.
    const sysctls = ['net.ipv6.conf.all.accept_dad=0', 'net.ipv6.conf.default.accept_dad=0'];
    for (const setting of sysctls)
      expectSuccess(await exec.run(['ip', 'netns', 'exec', NS, 'sysctl', '-qw', setting]));
    for (const args of setup) expectSuccess(await inNs(...args));

    const inside: Runner = {
      run: (argv, options) => exec.run(['ip', 'netns', 'exec', NS, ...argv], options),
    };
    // An empty --root-dir: no renderer config, so only the runtime steps matter here.
    const snapshot = await probeHost({
      runner: inside,
      files: createHostFiles(),
      env: { uid: 0, sshConnection: null, rootDir: scratch },
    });
    snapshot.dhcpClients = [];
    plan = buildPlan(snapshot, { nic: 'ens18', bridge: 'fcbr0', timeoutSec: 120, persist: 'none' });
    before = await kernelState();
  });

  afterAll(async () => {
    await exec.run(['ip', 'netns', 'del', NS]);
    if (scratch) await rm(scratch, { recursive: true, force: true });
  });

  it('plans the NetworkManager prefix route into the cutover before the default route', () => {
    expect(plan.steps.map((step) => step.kind)).toEqual(['stage-bridge', 'cutover']);
    const batch = stepOf(plan, 'cutover').commands[0];
    const lines = batch?.kind === 'ip-batch' ? batch.lines.map((line) => line.join(' ')) : [];
    const prefix = lines.findIndex((line) =>
      line.startsWith('route replace 198.51.100.0/24 dev fcbr0 proto kernel'),
    );
    expect(prefix).toBeGreaterThan(0);
    expect(prefix).toBeLessThan(lines.findIndex((line) => line.startsWith('route replace default')));
  });

  it('runs the forward batch, moving every route to fcbr0, and its inverse restores ip -j addr/route/rule exactly', async () => {
    const stage = stepOf(plan, 'stage-bridge');
    const cutover = stepOf(plan, 'cutover');
    await runAll(stage.commands, scratch);
    await runAll(cutover.commands, scratch);

    const routes = JSON.parse(
      expectSuccess(await inNs('-4', '-j', 'route', 'show', 'table', 'main')).stdout,
    ) as Array<{
      dst: string;
      dev: string;
      protocol?: string;
      metric?: number;
      gateway?: string;
    }>;
    expect(
      routes.map((route) => [route.dst, route.dev, route.protocol, route.metric, route.gateway ?? null]),
    ).toEqual([
      ['default', 'fcbr0', 'dhcp', 100, '198.51.100.1'],
      ['198.51.100.0/24', 'fcbr0', 'kernel', 100, null],
    ]);
    const ens18 = JSON.parse(expectSuccess(await inNs('-j', 'link', 'show', 'ens18')).stdout) as Array<{
      master?: string;
    }>;
    expect(ens18[0]?.master).toBe('fcbr0');

    await runAll(cutover.inverse, scratch);
    await runAll(stage.inverse, scratch);
    expect(await kernelState()).toEqual(before);
  });
});
