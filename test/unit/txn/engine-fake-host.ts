/**
 * A small in-memory host for the engine's unit tests: links, IPv4 addresses, routes and rules that
 * the `ip` commands of a plan change (one command at a time or from an `ip -batch` file), printed
 * back as `ip -j` JSON for the probes; processes with /proc entries; and connectivity that the test
 * decides. It interprets only the forms the planner writes and fails loudly on anything else, so a
 * command the engine was not meant to run shows up as a failure. Every argv is recorded.
 *
 * Deliberately not modelled: routes the kernel derives from addresses (the tests' hosts have none),
 * route validity (a test marks lines to refuse instead), IPv6.
 */
import type { FileReader } from '../../../source/system/files.js';
import type { Runner, RunResult } from '../../../source/system/runner.js';

export interface FakeLink {
  name: string;
  mac: string;
  mtu: number;
  up: boolean;
  master: string | null;
  bridge: boolean;
}
export interface FakeAddress {
  ifname: string;
  local: string;
  prefixlen: number;
  broadcast?: string;
}
export interface FakeRoute {
  dst: string;
  gateway?: string;
  dev: string;
  table: string;
  metric?: number;
}
export interface FakeRule {
  priority: number;
  iif?: string;
  table: string;
}
export interface FakeProcess {
  argv: string[];
  netns: string;
  /** Real and effective uid; root when left out. */
  uid?: number;
  /** /proc/PID/exe; when left out, argv[0] if it is a path, busybox for udhcpc, else /usr/sbin/NAME. */
  exe?: string;
  /** The parent's pid, which lists this one in /proc/PARENT/task/PARENT/children. */
  parent?: number;
  /** /proc/PID/stat field 22 (start time, clock ticks since boot); when left out, 100000 + pid. */
  startTime?: string;
}

function exeOf(process: FakeProcess): string {
  const first = process.argv[0] ?? '';
  if (process.exe) return process.exe;
  if (first.startsWith('/')) return first;
  return first === 'udhcpc' ? '/usr/bin/busybox' : `/usr/sbin/${first}`;
}

export interface FakeState {
  links: FakeLink[];
  addresses: FakeAddress[];
  routes: FakeRoute[];
  rules: FakeRule[];
  processes: Map<number, FakeProcess>;
}

export interface BatchSeen {
  argv: string[];
  /** The lines ip read on stdin (`ip -batch -`), as the real ip would. */
  lines: string[];
}

export interface FakeHostOptions {
  /** Whether `target` answers a check sent out of `via`. */
  answers?: (target: string, via: string, kind: 'arp' | 'icmp') => boolean;
  /** A line (joined by spaces) the kernel refuses, with its error. */
  refuse?: (line: string) => string | null;
  /** Whether iputils arping is installed (else busybox's is used). */
  iputilsArping?: boolean;
  /** Content of /etc/resolv.conf (none by default). */
  resolvConf?: string;
}

export const OUR_NETNS = 'net:[4026531840]';
export const UPLINK_MAC = '52:54:00:12:34:56';

export function dhcpHost(): FakeState {
  return {
    links: [
      { name: 'lo', mac: '00:00:00:00:00:00', mtu: 65536, up: true, master: null, bridge: false },
      { name: 'ens18', mac: UPLINK_MAC, mtu: 1500, up: true, master: null, bridge: false },
    ],
    addresses: [{ ifname: 'ens18', local: '198.51.100.240', prefixlen: 24, broadcast: '198.51.100.255' }],
    routes: [{ dst: 'default', gateway: '198.51.100.1', dev: 'ens18', table: 'main' }],
    rules: [],
    processes: new Map([
      [4242, { argv: ['udhcpc', '-f', '-i', 'ens18', '-s', '/etc/udhcpc.sh'], netns: OUR_NETNS }],
    ]),
  };
}

export function fakeHost(state: FakeState, options: FakeHostOptions = {}) {
  const calls: string[][] = [];
  const batches: BatchSeen[] = [];
  const answers = options.answers ?? (() => true);

  const result = (
    argv: readonly string[],
    exitCode: number,
    stdout = '',
    stderr = '',
    notFound = false,
  ): RunResult => ({
    argv: [...argv],
    exitCode,
    stdout,
    stderr,
    durationMs: 1,
    timedOut: false,
    notFound,
  });

  function apply(tokens: string[]): string | null {
    const refused = options.refuse?.(tokens.join(' '));
    if (refused) return refused;
    return interpret(state, tokens);
  }

  const runner: Runner = {
    async run(argv, runOptions) {
      calls.push([...argv]);
      const key = argv.join(' ');
      switch (key) {
        case 'ip -j -d link show':
          return result(argv, 0, JSON.stringify(linkJson(state)));
        case 'ip -j address show':
          return result(argv, 0, JSON.stringify(addressJson(state)));
        case 'ip -4 -j route show table all':
          return result(argv, 0, JSON.stringify(state.routes.map(routeJson)));
        case 'ip -4 -j rule show':
          return result(argv, 0, JSON.stringify(ruleJson(state)));
        case 'ip -6 -j route show table all':
        case 'ip -6 -j rule show':
          return result(argv, 0, '[]');
        case 'ps -eo pid=,netns=,args=':
          return result(
            argv,
            0,
            [...state.processes]
              .map(([pid, process]) => `${pid} ${/\d+/.exec(process.netns)?.[0]} ${process.argv.join(' ')}`)
              .join('\n'),
          );
      }
      if (argv[0] === 'ip' && argv[1] === '-j' && argv[2] === 'route' && argv[3] === 'get') {
        return result(argv, 0, JSON.stringify([{ dst: argv[4], dev: 'ens18' }]));
      }
      if (argv[0] === 'ip' && (argv[1] === '-batch' || argv[2] === '-batch')) {
        const force = argv[1] === '-force';
        const path = argv.at(-1) as string;
        // Only stdin: the engine must never need a file (a full or read-only state dir).
        if (path !== '-')
          return result(argv, 1, '', `the fake host reads batches from stdin only, not ${path}\n`);
        const lines = (runOptions?.input ?? '').split('\n').filter(Boolean);
        batches.push({ argv: [...argv], lines });
        let stderr = '';
        for (const [index, line] of lines.entries()) {
          const error = apply(line.split(' '));
          if (!error) continue;
          stderr += `${error}\nCommand failed ${path}:${index + 1}\n`;
          if (!force) return result(argv, 1, '', stderr);
        }
        return result(argv, stderr ? 1 : 0, '', stderr);
      }
      if (argv[0] === 'ip' && !(argv[1] as string).startsWith('-')) {
        const error = apply(argv.slice(1));
        return error ? result(argv, 1, '', `${error}\n`) : result(argv, 0);
      }
      if (argv[0] === 'kill') {
        const pid = Number(argv.at(-1));
        if (!state.processes.delete(pid)) return result(argv, 1, '', `kill: (${pid}) - No such process\n`);
        return result(argv, 0);
      }
      if (argv[0] === 'arping' || (argv[0] === 'busybox' && argv[1] === 'arping')) {
        if (argv[0] === 'arping' && !options.iputilsArping) return result(argv, 127, '', '', true);
        const via = argv[argv.indexOf('-I') + 1] as string;
        const ok = answers(argv.at(-1) as string, via, 'arp');
        const reply = ok ? `Unicast reply from ${argv.at(-1)} [AA:BB:CC:00:00:01] 0.5ms\n` : '';
        return result(argv, ok ? 0 : 1, `${reply}Received ${ok ? 1 : 0} response(s)\n`);
      }
      if (argv[0] === 'ping') {
        const via = argv[argv.indexOf('-I') + 1] as string;
        const ok = answers(argv.at(-1) as string, via, 'icmp');
        const body = ok ? '64 bytes from x: icmp_seq=1 ttl=64 time=0.4 ms\n' : '';
        return result(argv, ok ? 0 : 1, `${body}3 packets transmitted, ${ok ? 3 : 0} received\n`);
      }
      // Everything else the full probe asks (nmcli, networkctl, nft, ...) is "not installed" here.
      return result(argv, 127, '', '', true);
    },
  };

  const files: FileReader = {
    async readFile(path) {
      if (path === '/etc/resolv.conf') return options.resolvConf ?? null;
      const cmdline = /^\/proc\/(\d+)\/cmdline$/.exec(path);
      if (cmdline) {
        const process = state.processes.get(Number(cmdline[1]));
        return process ? `${process.argv.join('\0')}\0` : null;
      }
      const status = /^\/proc\/(\d+)\/status$/.exec(path);
      if (status) {
        const process = state.processes.get(Number(status[1]));
        const uid = process?.uid ?? 0;
        return process ? `Name:\t${process.argv[0]}\nUid:\t${uid}\t${uid}\t${uid}\t${uid}\n` : null;
      }
      // Every process sleeps; its children are those naming it as parent (started-client.ts).
      const stat = /^\/proc\/(\d+)\/stat$/.exec(path);
      if (stat) {
        const process = state.processes.get(Number(stat[1]));
        // proc(5): field 22 (start time) is the 20th after the state.
        const start = process?.startTime ?? String(100_000 + Number(stat[1]));
        return process
          ? `${stat[1]} (${process.argv[0]}) S 1 1 1 0 -1 4194560 0 0 0 0 0 0 0 0 20 0 1 0 ${start} 0\n`
          : null;
      }
      const children = /^\/proc\/(\d+)\/task\/\1\/children$/.exec(path);
      if (children) {
        const pid = Number(children[1]);
        if (!state.processes.has(pid)) return null;
        return [...state.processes]
          .flatMap(([child, process]) => (process.parent === pid ? [`${child} `] : []))
          .join('');
      }
      return null;
    },
    async listDir(path) {
      return path === '/proc' ? [...state.processes.keys()].map(String).sort() : null;
    },
    async readLink(path) {
      if (path === '/proc/self/ns/net') return OUR_NETNS;
      const netns = /^\/proc\/(\d+)\/ns\/net$/.exec(path);
      if (netns) return state.processes.get(Number(netns[1]))?.netns ?? null;
      const exe = /^\/proc\/(\d+)\/exe$/.exec(path);
      const process = exe ? state.processes.get(Number(exe[1])) : undefined;
      return process ? exeOf(process) : null;
    },
  };

  /** Commands that change the host: `ip` without -j (reads), and `kill`. */
  const changes = () =>
    calls.filter((argv) => (argv[0] === 'ip' && !argv.includes('-j')) || argv[0] === 'kill');

  return { runner, files, calls, batches, changes, state };
}

/** Copy of the parts the probes print, to compare before and after. */
export function stateView(state: FakeState) {
  return structuredClone({
    links: state.links,
    addresses: state.addresses,
    routes: state.routes,
    rules: state.rules,
  });
}

function interpret(state: FakeState, tokens: string[]): string | null {
  const [object, verb, ...rest] = tokens;
  const value = (name: string) => {
    const at = rest.indexOf(name);
    return at >= 0 ? rest[at + 1] : undefined;
  };
  const device =
    value('dev') ?? (object === 'link' && verb !== 'set' && verb !== 'del' ? value('name') : undefined);
  if (object === 'link') {
    if (verb === 'add') {
      const name = value('name') as string;
      if (state.links.some((link) => link.name === name)) return 'RTNETLINK answers: File exists';
      state.links.push({
        name,
        mac: '02:00:00:00:00:99',
        mtu: 1500,
        up: false,
        master: null,
        bridge: value('type') === 'bridge',
      });
      return null;
    }
    const link = state.links.find((candidate) => candidate.name === device);
    if (!link) return `Cannot find device "${device}"`;
    if (verb === 'del') {
      state.links = state.links.filter((candidate) => candidate !== link);
      for (const other of state.links) if (other.master === link.name) other.master = null;
      state.addresses = state.addresses.filter((address) => address.ifname !== link.name);
      state.routes = state.routes.filter((route) => route.dev !== link.name);
      return null;
    }
    if (verb === 'set') {
      if (value('address')) link.mac = value('address') as string;
      if (value('mtu')) link.mtu = Number(value('mtu'));
      if (rest.includes('up')) link.up = true;
      if (rest.includes('down')) link.up = false;
      if (value('master')) link.master = value('master') as string;
      if (rest.includes('nomaster')) link.master = null;
      return null;
    }
  }
  if (object === 'addr') {
    const [local, length] = (rest[0] as string).split('/');
    if (!state.links.some((link) => link.name === device)) return `Cannot find device "${device}"`;
    const same = (address: FakeAddress) =>
      address.ifname === device && address.local === local && address.prefixlen === Number(length);
    if (verb === 'add') {
      if (state.addresses.some(same)) return 'Error: ipv4: Address already assigned.';
      state.addresses.push({
        ifname: device as string,
        local: local as string,
        prefixlen: Number(length),
        ...(value('broadcast') ? { broadcast: value('broadcast') } : {}),
      });
      return null;
    }
    if (verb === 'del') {
      if (!state.addresses.some(same)) return 'Error: ipv4: Address not found.';
      state.addresses = state.addresses.filter((address) => !same(address));
      return null;
    }
  }
  if (object === 'route' && (verb === 'replace' || verb === 'del')) {
    const route: FakeRoute = {
      dst: rest[0] as string,
      dev: device as string,
      table: value('table') ?? 'main',
      ...(value('via') ? { gateway: value('via') } : {}),
      ...(value('metric') ? { metric: Number(value('metric')) } : {}),
    };
    const sameKey = (other: FakeRoute) =>
      other.dst === route.dst && other.table === route.table && other.metric === route.metric;
    if (verb === 'del' && !state.routes.some(sameKey)) return 'RTNETLINK answers: No such process';
    state.routes = state.routes.filter((other) => !sameKey(other));
    if (verb === 'replace') state.routes.push(route);
    return null;
  }
  if (object === 'rule' && (verb === 'add' || verb === 'del')) {
    const rule: FakeRule = {
      priority: Number(value('priority')),
      table: value('lookup') as string,
      ...(value('iif') ? { iif: value('iif') } : {}),
    };
    const same = (other: FakeRule) => JSON.stringify(other) === JSON.stringify(rule);
    if (verb === 'add') state.rules.push(rule);
    else if (state.rules.some(same)) state.rules.splice(state.rules.findIndex(same), 1);
    else return 'RTNETLINK answers: No such file or directory';
    return null;
  }
  return `fake host: unsupported command "${tokens.join(' ')}"`;
}

function linkJson(state: FakeState) {
  return state.links.map((link, index) => ({
    ifindex: index + 1,
    ifname: link.name,
    flags: link.up ? ['BROADCAST', 'MULTICAST', 'UP', 'LOWER_UP'] : ['BROADCAST', 'MULTICAST'],
    mtu: link.mtu,
    operstate: link.up ? 'UP' : 'DOWN',
    address: link.mac,
    ...(link.master ? { master: link.master } : {}),
    ...(link.bridge
      ? { linkinfo: { info_kind: 'bridge', info_data: { stp_state: 0, forward_delay: 0 } } }
      : {}),
  }));
}

function addressJson(state: FakeState) {
  return state.links.map((link) => ({
    ifname: link.name,
    addr_info: state.addresses
      .filter((address) => address.ifname === link.name)
      .map((address) => ({
        family: 'inet',
        local: address.local,
        prefixlen: address.prefixlen,
        ...(address.broadcast ? { broadcast: address.broadcast } : {}),
        scope: 'global',
        valid_life_time: 4294967295,
        preferred_life_time: 4294967295,
      })),
  }));
}

function routeJson(route: FakeRoute) {
  return {
    dst: route.dst,
    ...(route.gateway ? { gateway: route.gateway } : {}),
    dev: route.dev,
    ...(route.table !== 'main' ? { table: route.table } : {}),
    ...(route.metric !== undefined ? { metric: route.metric } : {}),
    flags: [],
  };
}

function ruleJson(state: FakeState) {
  return [
    { priority: 0, src: 'all', table: 'local' },
    ...state.rules.map((rule) => ({
      priority: rule.priority,
      src: 'all',
      ...(rule.iif ? { iif: rule.iif } : {}),
      table: rule.table,
    })),
    { priority: 32766, src: 'all', table: 'main' },
  ];
}
