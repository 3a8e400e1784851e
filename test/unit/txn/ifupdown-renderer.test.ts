import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ConfigFile, Plan } from '../../../source/plan/types.js';
import type { Runner, RunResult } from '../../../source/system/runner.js';
import { defaultDuidLine, leaseSecondsFor } from '../../../source/txn/persist/dhclient-lease-file.js';
import { ifupdownRenderer } from '../../../source/txn/persist/ifupdown-renderer.js';
import type { PersistContext } from '../../../source/txn/persist/persist-renderer.js';

const DUID = 'default-duid "\\000\\001\\000\\0012\\242\\326E\\002bm\\000\\000w";';
const NETNS = 'net:[4026532999]';
const PS = [
  '  700 4026532999 dhclient -4 -v -i -pf /run/dhclient.fcbr0.pid -lf /var/lib/dhcp/x.leases fcbr0',
  '  701 4026532999 dhclient fcbr0',
  '  702 4026531840 dhclient fcbr0',
  '  703 4026532999 dhclient ens18',
].join('\n');

interface Call {
  argv: string[];
  input?: string;
}

let root: string;
beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'bm-ifupdown-unit-'));
  mkdirSync(join(root, 'var/lib/dhcp'), { recursive: true });
  mkdirSync(join(root, 'state'));
});
afterEach(() => rmSync(root, { recursive: true, force: true }));

/** A host that answers by argv: ifupdown's state, the clients ps lists, /proc of each. */
function fakeHost(answer: (argv: string[]) => Partial<RunResult> | undefined = () => undefined) {
  const calls: Call[] = [];
  let up = false;
  const runner: Runner = {
    async run(argv, options) {
      calls.push({ argv: [...argv], ...(options?.input === undefined ? {} : { input: options.input }) });
      const reply = (fields: Partial<RunResult>): RunResult => ({
        argv,
        exitCode: 0,
        stdout: '',
        stderr: '',
        durationMs: 1,
        timedOut: false,
        notFound: false,
        ...fields,
      });
      const [program, first] = argv;
      if (program === 'flock' && argv.includes('tee') && argv.includes('-a')) up = true;
      if (program === 'ifup') up = true;
      const own = answer([...argv]);
      if (own) return reply(own);
      if (program === 'ifquery') return reply({ stdout: up ? 'fcbr0=fcbr0\n' : '' });
      if (program === 'ps') return reply({ stdout: PS });
      if (program === 'readlink' && first === '/proc/self/ns/net') return reply({ stdout: `${NETNS}\n` });
      const proc = /^\/proc\/(\d+)\/(cmdline|status|exe)$/.exec(argv[argv.length - 1] ?? '');
      if (proc) {
        const line = PS.split('\n').find((row) => row.trim().startsWith(`${proc[1]} `)) ?? '';
        const args = line.trim().split(/\s+/).slice(2);
        if (proc[2] === 'cmdline') return reply({ stdout: `${args.join('\0')}\0` });
        if (proc[2] === 'exe') return reply({ stdout: '/usr/sbin/dhclient\n' });
        const uid = proc[1] === '701' ? 1000 : 0;
        return reply({ stdout: `Name:\tdhclient\nUid:\t${uid}\t${uid}\t${uid}\t${uid}\n` });
      }
      return reply({});
    },
  };
  return { runner, calls };
}

function context(runner: Runner): PersistContext {
  return { runner, rootDir: root, stateDir: join(root, 'state'), note: () => {} };
}

function planWith(method: string): Plan {
  const after = `auto fcbr0\niface fcbr0 inet ${method}\n    bridge_ports ens18\n`;
  const file: ConfigFile = {
    path: '/etc/network/interfaces',
    renderer: 'ifupdown',
    before: '',
    after,
    diff: '',
    note: '',
  };
  return { nic: 'ens18', bridge: 'fcbr0', config: [file] } as unknown as Plan;
}

const argvs = (calls: Call[]) => calls.map((call) => call.argv.join(' '));

describe('ifupdown renderer: handOver', () => {
  // Under --root-dir the state is the root's (ROOT/run/network), never this machine's /run/network.
  it('records a static bridge in ifupdown state under its lock, without running ifup (ip addr add would fail)', async () => {
    const { runner, calls } = fakeHost();
    expect(await ifupdownRenderer.handOver(context(runner), planWith('static'))).toBeNull();
    expect(calls.filter((call) => call.argv[0] === 'flock')).toEqual([
      {
        argv: ['flock', `${root}/run/network/.ifstate.lock`, 'tee', '-a', `${root}/run/network/ifstate`],
        input: 'fcbr0=fcbr0\n',
      },
      {
        argv: ['flock', `${root}/run/network/.ifstate.lock`, 'tee', `${root}/run/network/ifstate.fcbr0`],
        input: 'fcbr0\n',
      },
    ]);
    expect(argvs(calls).some((argv) => argv.startsWith('ifup'))).toBe(false);
  });

  it("DHCP: copies the uplink's DUID, stops only root's client of the bridge in this namespace, runs ifup and renews the lifetime", async () => {
    writeFileSync(join(root, 'var/lib/dhcp/dhclient.ens18.leases'), `${DUID}\nlease {\n}\n`);
    const { runner, calls } = fakeHost((argv) => {
      if (argv[0] === 'ifup') {
        // What dhclient does once bound: append the lease to the file it was given.
        const leases = join(root, 'var/lib/dhcp/dhclient.fcbr0.leases');
        writeFileSync(
          leases,
          `${readFileSync(leases, 'utf8')}lease {\n  interface "fcbr0";\n  fixed-address 198.51.100.240;\n  option dhcp-lease-time 120;\n}\n`,
        );
        return {};
      }
      if (argv[0] === 'ip' && argv.includes('show'))
        return {
          stdout: JSON.stringify([
            { addr_info: [{ local: '198.51.100.240', prefixlen: 24, valid_life_time: 31 }] },
          ]),
        };
      return undefined;
    });
    expect(await ifupdownRenderer.handOver(context(runner), planWith('dhcp'))).toBeNull();
    expect(readFileSync(join(root, 'var/lib/dhcp/dhclient.fcbr0.leases'), 'utf8').split('\n')[0]).toBe(DUID);
    const run = argvs(calls);
    expect(run.filter((argv) => argv.startsWith('kill'))).toEqual(['kill -KILL 700']);
    expect(run.indexOf('kill -KILL 700')).toBeLessThan(
      run.indexOf(`ifup --state-dir ${root}/run/network -i ${root}/etc/network/interfaces fcbr0`),
    );
    expect(run).toContain('ip addr change 198.51.100.240/24 dev fcbr0 valid_lft 120 preferred_lft 120');
  });

  it("says what ifup said when it fails, and never claims the bridge is ifupdown's", async () => {
    const { runner } = fakeHost((argv) =>
      argv[0] === 'ifup'
        ? { exitCode: 1, stderr: 'Error: boom\nifup: failed to bring up fcbr0\n' }
        : undefined,
    );
    expect(await ifupdownRenderer.handOver(context(runner), planWith('dhcp'))).toBe(
      'ifup fcbr0 failed: ifup: failed to bring up fcbr0.',
    );
  });
});

describe('ifupdown renderer: handBack', () => {
  it("stops ifupdown's client on the bridge (SIGKILL: no release) and takes the bridge out of the state", async () => {
    const { runner, calls } = fakeHost();
    expect(await ifupdownRenderer.handBack(context(runner), planWith('dhcp'))).toBeNull();
    expect(argvs(calls).filter((argv) => /^(kill|flock|rm)/.test(argv))).toEqual([
      'kill -KILL 700',
      `flock ${root}/run/network/.ifstate.lock sed -i -e /^fcbr0=/d ${root}/run/network/ifstate`,
      `rm -f -- ${root}/run/network/ifstate.fcbr0`,
    ]);
  });

  it('a bridge name with regex characters is matched literally', async () => {
    const { runner, calls } = fakeHost();
    const plan = { ...planWith('dhcp'), bridge: 'br.v[1]' } as Plan;
    await ifupdownRenderer.handBack(context(runner), plan);
    expect(argvs(calls)).toContain(
      `flock ${root}/run/network/.ifstate.lock sed -i -e /^br\\.v\\[1\\]=/d ${root}/run/network/ifstate`,
    );
  });
});

describe('dhclient lease files (hostile text)', () => {
  it('copies a default-duid line only in the form dhclient writes it', () => {
    expect(defaultDuidLine(`${DUID}\nlease {\n}\n`)).toBe(DUID);
    expect(defaultDuidLine('default-duid "\\000\\001" ; ')).toBeNull();
    expect(defaultDuidLine('default-duid "a"b";')).toBeNull();
    expect(defaultDuidLine('default-duid "\\000\x1b[2J";')).toBeNull();
  });

  it('reads the lease time of the newest lease for the address', () => {
    const text = [
      'lease {',
      '  fixed-address 198.51.100.240;',
      '  option dhcp-lease-time 60;',
      '}',
      'lease {',
      '  fixed-address 198.51.100.9;',
      '  option dhcp-lease-time 99;',
      '}',
      'lease {',
      '  fixed-address 198.51.100.240;',
      '  option dhcp-lease-time 120;',
      '}',
    ].join('\n');
    expect(leaseSecondsFor(text, '198.51.100.240')).toBe(120);
    expect(leaseSecondsFor(text, '198.51.100.7')).toBeNull();
    expect(
      leaseSecondsFor(
        'lease {\n  fixed-address 198.51.100.240;\n  option dhcp-lease-time 1e9;\n}\n',
        '198.51.100.240',
      ),
    ).toBeNull();
  });
});
