import { describe, expect, test } from 'vitest';
import type { HostSnapshot } from '../../../source/host/snapshot.js';
import { silentLog } from '../../../source/system/debug-log.js';
import type { Runner, RunResult } from '../../../source/system/runner.js';
import {
  deriveChecks,
  passedAtBaseline,
  runCheck,
  runVerifyChecks,
} from '../../../source/txn/engine/connectivity.js';
import type { CheckResult, EngineDeps, EngineEvent } from '../../../source/txn/engine/engine-api.js';
import { engineContext } from '../../../source/txn/engine/engine-context.js';

type SnapshotParts = Pick<HostSnapshot, 'defaultGateways' | 'ssh' | 'dns'>;

function snapshot(parts: Partial<SnapshotParts>): HostSnapshot {
  return {
    defaultGateways: [{ family: 4, gateway: '198.51.100.1', dev: 'ens18', metric: null, protocol: null }],
    ssh: null,
    dns: { nameservers: [], search: [], source: null },
    ...parts,
  } as HostSnapshot;
}

const plan = { nic: 'ens18', bridge: 'fcbr0' };

describe('deriveChecks', () => {
  test('gateway ARP and ICMP out of the uplink, then through the bridge', () => {
    expect(deriveChecks(snapshot({}), plan)).toEqual([
      {
        id: 'gateway-arp',
        kind: 'arp',
        title: 'Gateway 198.51.100.1 answers ARP',
        target: '198.51.100.1',
        viaBefore: 'ens18',
        viaAfter: 'fcbr0',
      },
      {
        id: 'gateway-icmp',
        kind: 'icmp',
        title: 'Gateway 198.51.100.1 answers ping',
        target: '198.51.100.1',
        viaBefore: 'ens18',
        viaAfter: 'fcbr0',
      },
    ]);
  });

  test("the operator's peer, and each nameserver once (at most three)", () => {
    const checks = deriveChecks(
      snapshot({
        ssh: {
          clientAddr: '203.0.113.9',
          clientPort: 50000,
          serverAddr: '198.51.100.240',
          serverPort: 22,
          viaDev: 'ens18',
        },
        dns: {
          nameservers: [
            '198.51.100.53',
            '198.51.100.53',
            '127.0.0.1',
            '203.0.113.53',
            '198.51.100.54',
            'bogus',
          ],
          search: [],
          source: '/etc/resolv.conf',
        },
      }),
      plan,
    );
    expect(checks.slice(2).map((check) => [check.id, check.target, check.viaBefore, check.viaAfter])).toEqual(
      [
        ['peer-icmp', '203.0.113.9', 'ens18', 'fcbr0'],
        ['dns', '198.51.100.53', 'ens18', 'fcbr0'],
        ['dns', '127.0.0.1', 'lo', 'lo'],
        ['dns', '203.0.113.53', 'ens18', 'fcbr0'],
      ],
    );
  });

  test('a peer reached over another interface keeps it; a loopback peer or no gateway gives no check', () => {
    const other = deriveChecks(
      snapshot({
        ssh: {
          clientAddr: '203.0.113.9',
          clientPort: 1,
          serverAddr: '203.0.113.1',
          serverPort: 22,
          viaDev: 'eth1',
        },
      }),
      plan,
    );
    expect(other.at(-1)).toMatchObject({ id: 'peer-icmp', viaBefore: 'eth1', viaAfter: 'eth1' });
    const local = deriveChecks(
      snapshot({
        defaultGateways: [],
        ssh: {
          clientAddr: '127.0.0.1',
          clientPort: 1,
          serverAddr: '127.0.0.1',
          serverPort: 22,
          viaDev: 'lo',
        },
      }),
      plan,
    );
    expect(local).toEqual([]);
  });

  test('only checks that passed at baseline are required, matched by id and target', () => {
    const specs = deriveChecks(
      snapshot({ dns: { nameservers: ['198.51.100.53', '198.51.100.54'], search: [], source: null } }),
      plan,
    );
    const result = (id: string, target: string, ok: boolean): CheckResult => ({
      id,
      target,
      ok,
      title: '',
      via: '',
      detail: '',
      durationMs: 1,
    });
    const baseline = [
      result('gateway-arp', '198.51.100.1', true),
      result('gateway-icmp', '198.51.100.1', false),
      result('dns', '198.51.100.53', false),
      result('dns', '198.51.100.54', true),
    ];
    expect(passedAtBaseline(specs, baseline).map((spec) => `${spec.id} ${spec.target}`)).toEqual([
      'gateway-arp 198.51.100.1',
      'dns 198.51.100.54',
    ]);
  });
});

function scriptedRunner(answer: (argv: readonly string[], call: number) => Partial<RunResult>) {
  const calls: string[][] = [];
  const runner: Runner = {
    async run(argv) {
      calls.push([...argv]);
      return {
        argv: [...argv],
        exitCode: 0,
        stdout: '',
        stderr: '',
        durationMs: 1,
        timedOut: false,
        notFound: false,
        ...answer(argv, calls.length),
      };
    },
  };
  return { runner, calls };
}

function context(runner: Runner, events: EngineEvent[] = []) {
  // Checks use only the runner, the listener, the log and the DNS query.
  const deps: Pick<EngineDeps, 'runner' | 'listener' | 'log' | 'queryDns'> = {
    runner,
    listener: (event) => events.push(event),
    log: silentLog,
    queryDns: async () => ({ ok: false, reason: 'no reply in 2000 ms', durationMs: 2000 }),
  };
  return engineContext(deps as EngineDeps);
}

const gatewayArp = deriveChecks(snapshot({}), plan)[0] as NonNullable<
  ReturnType<typeof deriveChecks>[number]
>;
const gatewayIcmp = deriveChecks(snapshot({}), plan)[1] as NonNullable<
  ReturnType<typeof deriveChecks>[number]
>;

describe('runCheck', () => {
  test('ping: any reply passes; its summary and time make the detail', async () => {
    const { runner, calls } = scriptedRunner(() => ({
      exitCode: 0,
      stdout:
        '64 bytes from 198.51.100.1: icmp_seq=2 ttl=64 time=0.512 ms\n\n--- stats ---\n3 packets transmitted, 1 received, 66% packet loss\n',
    }));
    const result = await runCheck(context(runner), gatewayIcmp, 'fcbr0');
    expect(calls).toEqual([['ping', '-n', '-c', '3', '-i', '0.2', '-W', '1', '-I', 'fcbr0', '198.51.100.1']]);
    expect(result).toMatchObject({
      id: 'gateway-icmp',
      via: 'fcbr0',
      ok: true,
      detail: '1/3 replies, first in 0.512 ms',
    });
  });

  test('ping without replies fails, naming the error', async () => {
    const { runner } = scriptedRunner(() => ({
      exitCode: 2,
      stdout: '',
      stderr: 'ping: connect: Network is unreachable\n',
    }));
    expect(await runCheck(context(runner), gatewayIcmp, 'fcbr0')).toMatchObject({
      ok: false,
      detail: 'no reply to 3 pings in 1.4 s (ping: connect: Network is unreachable)',
    });
  });

  test('arping falls back to busybox when iputils arping is missing, and reads the replying MAC', async () => {
    const { runner, calls } = scriptedRunner((argv) =>
      argv[0] === 'arping'
        ? { exitCode: 127, notFound: true }
        : {
            stdout:
              'Unicast reply from 198.51.100.1 [FA:42:15:14:51:12] 0.012ms\nSent 1 probe(s)\nReceived 1 response(s)\n',
          },
    );
    const result = await runCheck(context(runner), gatewayArp, 'ens18');
    expect(calls.map((argv) => argv[0])).toEqual(['arping', 'busybox']);
    expect(result).toMatchObject({ ok: true, detail: '1 ARP reply from fa:42:15:14:51:12' });
    const none = scriptedRunner(() => ({ exitCode: 127, notFound: true }));
    expect(await runCheck(context(none.runner), gatewayArp, 'ens18')).toMatchObject({
      ok: false,
      detail: 'neither arping nor busybox is installed',
    });
  });

  test('DNS: the query result becomes the check', async () => {
    const dns = {
      id: 'dns',
      kind: 'dns' as const,
      title: 'Nameserver answers',
      target: '198.51.100.53',
      viaBefore: 'ens18',
      viaAfter: 'fcbr0',
    };
    const { runner } = scriptedRunner(() => ({}));
    expect(await runCheck(context(runner), dns, 'ens18')).toMatchObject({
      ok: false,
      detail: 'no reply in 2000 ms',
    });
  });
});

describe('runVerifyChecks', () => {
  test('a required check that fails at first is retried until it passes; informational ones run once', async () => {
    const { runner, calls } = scriptedRunner((argv, call) =>
      argv.at(-1) === '198.51.100.1' && call < 3
        ? { exitCode: 1, stdout: '3 packets transmitted, 0 received\n' }
        : { stdout: '3 packets transmitted, 3 received\n' },
    );
    const peer = { ...gatewayIcmp, id: 'peer-icmp', target: '203.0.113.9' };
    const events: EngineEvent[] = [];
    const results = await runVerifyChecks(context(runner, events), [gatewayIcmp], [peer]);
    expect(results.map((result) => [result.id, result.ok, result.via])).toEqual([
      ['gateway-icmp', true, 'fcbr0'],
      ['peer-icmp', true, 'fcbr0'],
    ]);
    expect(calls.filter((argv) => argv.at(-1) === '198.51.100.1')).toHaveLength(2);
    expect(calls.filter((argv) => argv.at(-1) === '203.0.113.9')).toHaveLength(1);
    expect(events.map((event) => event.kind === 'check' && `${event.phase} ${event.result.id}`)).toEqual([
      'verify gateway-icmp',
      'verify peer-icmp',
    ]);
  });

  test('a check that never passes is tried a bounded number of times and reported failed', async () => {
    const { runner, calls } = scriptedRunner(() => ({
      exitCode: 1,
      stdout: '3 packets transmitted, 0 received\n',
    }));
    const [result] = await runVerifyChecks(context(runner), [gatewayIcmp], []);
    expect(result?.ok).toBe(false);
    expect(calls.length).toBeGreaterThanOrEqual(2);
    expect(calls.length).toBeLessThanOrEqual(4);
  });
});
