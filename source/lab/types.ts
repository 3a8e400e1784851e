import type { DebugLog } from '../system/debug-log.js';
import type { Runner, RunResult } from '../system/runner.js';
import type { Lease } from './dhcp.js';
import type { LabNames } from './names.js';
import type { LabProcess, StopOutcome } from './processes.js';
import type { NetnsSnapshot } from './snapshot.js';
import type { TcpSession } from './tcp-echo.js';

/** How the host namespace's uplink gets its IPv4 configuration. */
export type HostAddressing =
  | {
      kind: 'dhcp';
      /**
       * Leave a udhcpc running in the foreground of its own process, bound to the uplink, the way
       * a distro leaves a DHCP client running (it is `Lab.dhcpClient`). Default: a one-shot client
       * that exits once the address is applied.
       */
      keepClient?: boolean;
      /** Give the address the lease time as valid/preferred lifetime (`dynamic`), as networkd does. */
      leaseLifetimes?: boolean;
    }
  | {
      kind: 'static';
      /** CIDR addresses on the uplink, in order: the first is primary, later ones in its subnet secondary. */
      addresses: string[];
      /** Default gateway; default 198.51.100.1, null for no default route. */
      gateway?: string | null;
      routes?: StaticRoute[];
      rules?: StaticRule[];
    };

export interface StaticRoute {
  /** Destination prefix, e.g. 203.0.113.0/24. */
  to: string;
  via?: string;
  metric?: number;
  /** Routing table number; the main table when left out. */
  table?: number;
}

/** An IPv4 policy rule in the host namespace (`ip rule add priority P [from] [to] [iif] [oif] table T`). */
export interface StaticRule {
  priority: number;
  table: number;
  from?: string;
  to?: string;
  iif?: string;
  oif?: string;
}

export interface LabOptions {
  host?: HostAddressing;
  /** Name of the host's uplink veth; default `ens18`. */
  uplink?: string;
  /** The uplink's fixed, locally administered MAC (the DHCP reservation uses it). */
  hostMac?: string;
  /** MTU of every LAN link: the switch, its ports, the host's uplink, the peer and VM links. */
  mtu?: number;
  /** The router's dnsmasq also serves DNS on the gateway address (default off: DHCP only). */
  dns?: boolean;
  /** dnsmasq lease time, e.g. `1h` (the default) or `2m`. */
  leaseTime?: string;
  /** The router reserves 198.51.100.240 for the host's MAC (default true); false: a pool address bound to its client id. */
  reservation?: boolean;
  /** Runs every command; default the project's exec runner with `log`. */
  runner?: Runner;
  log?: DebugLog;
  /** Where the lab's temp dir is made; default os.tmpdir(). */
  tempRoot?: string;
  /** Upper bound on any background program's life (the Runner kills it then); default 2 hours. */
  processLifetimeMs?: number;
  /** Wait until no IPv6 address is tentative (DAD done), so snapshots are stable; default true. */
  settleIpv6?: boolean;
}

export interface ExecOptions {
  timeoutMs?: number;
  /** Throw CommandFailed on failure (default true); with false the caller reads the result. */
  check?: boolean;
}

export interface SpawnOptions {
  /** Used in errors and log file names; default the program name. */
  label?: string;
  /** Run inside `unshare -m --propagation private` (for programs that write under /run). */
  privateMounts?: boolean;
}

export interface PingResult {
  transmitted: number;
  received: number;
  /** At least one reply arrived. */
  ok: boolean;
  output: string;
}

export interface LabVm {
  readonly name: string;
  readonly ns: string;
  /** The guest's NIC inside the VM namespace. */
  readonly guestLink: string;
  /** The other end of the veth, in the host namespace (up, no master): attach it to a bridge. */
  readonly hostLink: string;
  /** Runs a one-shot udhcpc on the guest NIC and returns the lease it applied. */
  dhcp(): Promise<Lease>;
}

export interface TeardownReport {
  /** How many programs the lab had started (each is ended unless listed in `problems`). */
  processesStopped: number;
  namespacesDeleted: string[];
  problems: string[];
}

export interface Lab {
  readonly names: LabNames;
  readonly prefix: string;
  /** The lab's private temp dir (0700): scripts, process logs, lease and pid files. */
  readonly dir: string;
  readonly ns: { readonly router: string; readonly host: string; readonly peer: string };
  readonly uplink: string;
  readonly hostMac: string;
  readonly mtu: number | null;
  /** The host's first IPv4 address (the DHCP reservation, or the first static address). */
  readonly hostAddress: string;
  readonly gateway: string;
  readonly peerAddress: string;
  /** The long-running DHCP client bound to the uplink, when `keepClient` was asked for. */
  readonly dhcpClient: LabProcess | null;
  /** The router's DHCP server. */
  readonly dnsmasq: LabProcess;
  /** Every namespace this lab created, in creation order. */
  namespaces(): readonly string[];
  /** Every background program this lab started. */
  processes(): readonly LabProcess[];
  exec(ns: string, argv: readonly string[], options?: ExecOptions): Promise<RunResult>;
  spawn(ns: string, argv: readonly string[], options?: SpawnOptions): Promise<LabProcess>;
  /** SIGTERM by pid, SIGKILL after a bounded wait; never signals a pid that was already reaped. */
  stop(process: LabProcess): Promise<StopOutcome>;
  snapshot(ns: string): Promise<NetnsSnapshot>;
  ping(ns: string, address: string, count?: number, timeoutSec?: number): Promise<PingResult>;
  addVm(name?: string): Promise<LabVm>;
  /** An echo session: socat in `serverNs` (default host), one kept connection from `clientNs` (default peer). */
  openTcpSession(options?: {
    port?: number;
    serverNs?: string;
    clientNs?: string;
    serverAddress?: string;
  }): Promise<TcpSession>;
  /**
   * A power cycle of the host: ends every program the lab started in the host namespace (stop a
   * NetworkdMachine first), deletes the namespace and makes a fresh one with the same uplink name
   * and MAC on the same switch port, up, with no address — what the host's boot config then finds.
   */
  rebootHost(): Promise<void>;
  /** Waits (bounded) until no IPv6 address in `ns` is tentative. */
  settle(ns: string): Promise<void>;
  /** Stops every program by pid, deletes every namespace, removes the temp dir. Idempotent. */
  teardown(): Promise<TeardownReport>;
}
