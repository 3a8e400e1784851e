/**
 * Plan: what a migration would do, as data. Built by pure functions from a HostSnapshot and the
 * operator's request; rendered by the preview, printed by `plan --json`, carried out by txn/.
 */
import type { DhcpLease, HostSnapshot } from '../host/snapshot.js';
import type { ProcessSignal } from '../system/process-signal.js';

export interface PlanRequest {
  /** Uplink to move; null picks the interface of the default route. */
  nic: string | null;
  bridge: string;
  /** Dead-man deadline in seconds. */
  timeoutSec: number;
  persist: PersistChoice;
  /**
   * The commands another session runs, as the CLI builds them for where it runs (default: the
   * host's default state directory). Argv data (operator-commands.ts); rendered only at the edge.
   */
  commands?: OperatorCommands;
  /** Set when the snapshot is a replayed recording (--replay), not this host: every output says so. */
  replay?: ReplaySource | null;
  /**
   * The named network namespace the plan is made in (`bridge-migrate lab` runs in one): every root
   * command shown for the operator to run by hand gets `ip netns exec NS`, or it would act on the
   * machine's own interfaces (operator-commands.ts hereCommand).
   */
  netns?: string | null;
}

/** The recording a --replay plan was made from, as its capture header names it. */
export interface ReplaySource {
  /** The recording's own name (its header), as written by whoever captured it. */
  name: string;
  /** The --replay file. */
  file: string;
  /** When the recording was captured (its header's ISO time), not when it was replayed. */
  capturedAt: string;
  origin: 'captured' | 'composed';
}

export type PersistChoice = 'auto' | 'netplan' | 'networkmanager' | 'ifupdown' | 'none';

export type VerdictLevel = 'blocker' | 'warning' | 'info';

export interface Verdict {
  /** Stable id used by tests and --json consumers ("wifi-uplink", "docker-forward-drop", ...). */
  id: string;
  level: VerdictLevel;
  /** One sentence: what is wrong or risky. */
  reason: string;
  /** One sentence: what to do about it. */
  fix: string;
}

/**
 * A command is data: an argv run directly, or a list of `ip` batch lines run as one
 * `ip -batch -` (the executor feeds the lines on stdin). Nothing ever passes through a shell.
 */
export type Command =
  | { kind: 'exec'; argv: string[] }
  | { kind: 'ip-batch'; lines: string[][] }
  /**
   * Send a signal to a process (stopping a DHCP client). A kind of its own, not a `kill` argv, so the
   * executor knows to check the target is still the plan's process before signalling it: the
   * process the probe saw, by its start time (/proc/PID/stat field 22; null when the probe could not
   * read it) and its exact argv. A journal written before they were recorded lacks both (the engine
   * checks at run time): such a command, like one with a null start time, is never sent.
   */
  | { kind: 'signal'; pid: number; signal: ProcessSignal; startTime: string | null; argv: string[] }
  /** Start a long-running program detached (restarting a stopped DHCP client on revert). */
  | { kind: 'spawn-detached'; argv: string[] }
  /**
   * Stop what a spawn-detached of this step started (the bridge's DHCP client): every root process
   * in our network namespace whose argv is exactly `argv` and whose program is argv[0]. Found by
   * its argv, not a pid: the pid is only known when it starts, and a client that goes to the
   * background once it has a lease (udhcpc without -f, dhclient) carries on in a forked child.
   */
  | { kind: 'stop-started'; argv: string[]; signal: ProcessSignal }
  /**
   * Replace a runtime-only file (the renderer hold). `path` is where the file lives on the host,
   * always under /run (so it vanishes at reboot); the executor joins it under --root-dir and
   * refuses any path that would land elsewhere. `mode` is the file's permission bits.
   */
  | { kind: 'write-file'; path: string; content: string; mode: number }
  /** Remove a file that write-file wrote; one that is already gone is fine. Same path rules. */
  | { kind: 'remove-file'; path: string };

export type StepKind =
  | 'stage-bridge'
  | 'remove-nat'
  | 'cutover'
  | 'stop-dhcp'
  | 'renderer-hold'
  | 'keep-lease';

/** What the executor checks after a step: the state the step promises. */
export type Expectation =
  | { kind: 'link-exists'; ifname: string; mac: string | null; mtu: number; up: boolean }
  | { kind: 'link-master'; ifname: string; master: string | null }
  | { kind: 'address-on'; ifname: string; family: 4 | 6; local: string; prefixlen: number }
  | { kind: 'address-absent'; ifname: string; family: 4 | 6; local: string; prefixlen: number }
  | {
      kind: 'route-via';
      family: 4 | 6;
      table: string;
      dst: string;
      dev: string;
      gateway: string | null;
      metric: number | null;
    }
  | { kind: 'process-gone'; pid: number }
  /**
   * A process the step started runs (root's, in our network namespace, argv exactly this) and has
   * settled: asleep with no child, its start-up script done (txn/engine/started-client.ts).
   */
  | { kind: 'process-running'; argv: string[] }
  /** A runtime file (host path, under /run) holds exactly `content`. */
  | { kind: 'file-content'; path: string; content: string };

export interface Step {
  id: string;
  kind: StepKind;
  title: string;
  /** Why this step exists, for the preview. */
  detail: string;
  /** Causes a brief outage window if it goes wrong (the cutover). */
  disruptive: boolean;
  commands: Command[];
  /** Exact inverse, run in order to undo this step after it ran. */
  inverse: Command[];
  expect: Expectation[];
}

/** A tool that checks a config file without loading it: `iptables-restore --test`, `nft -c`. */
export type ConfigCheck = 'iptables-restore' | 'nft';

export interface ConfigFile {
  /** Path as it would be on the host (relative to --root-dir). */
  path: string;
  /** Who reads the file at boot: the network renderer, or the firewall (plan/persist/firewall.ts). */
  renderer: 'netplan' | 'networkmanager' | 'ifupdown' | 'firewall';
  /**
   * The file's own check at persist (txn/persist/file-checks.ts), for files the renderer does not
   * read; absent: the renderer's validate checks it.
   */
  check?: ConfigCheck;
  /** Current content (null when the file does not exist yet). */
  before: string | null;
  /** Content to write (null when the file would be removed). */
  after: string | null;
  /** Unified diff of before → after, labelled with the path. */
  diff: string;
  /** Why this file is touched. */
  note: string;
}

export interface Topology {
  /** One line per device, before and after; the preview draws them. */
  before: TopologyNode[];
  after: TopologyNode[];
}

export interface TopologyNode {
  name: string;
  role: 'uplink' | 'bridge' | 'port' | 'tap' | 'other';
  addresses: string[];
  master: string | null;
  defaultRoute: boolean;
  /** The DHCP lease the uplink holds and the identity it was obtained with; only when one was read. */
  lease?: DhcpLease;
}

export interface Plan {
  request: PlanRequest;
  nic: string;
  bridge: string;
  verdicts: Verdict[];
  /** True when any verdict is a blocker: the plan must not be applied. */
  blocked: boolean;
  steps: Step[];
  config: ConfigFile[];
  persistWith: 'netplan' | 'networkmanager' | 'ifupdown' | 'none';
  topology: Topology;
  deadlineSec: number;
  /** The recording this plan replays; null for a plan of this host. Absent in older plans. */
  replay?: ReplaySource | null;
  /** The snapshot the plan was built from (carried so journal and preview share one source). */
  snapshotTakenAt: string;
}

export type { HostSnapshot };

/** A command that runs a program with arguments and nothing on stdin. */
export type ExecCommand = Extract<Command, { kind: 'exec' }>;

/** The commands another session runs, built once per run (operator-commands.ts buildOperatorCommands). */
export interface OperatorCommands {
  confirm: ExecCommand;
  /** With --yes: the operator is told to run it from a shell, where the y/N question is in the way. */
  rollback: ExecCommand;
  /** `rollback` without --yes: on a terminal it opens the guided screen and asks y/N first. */
  guidedRollback: ExecCommand;
  status: ExecCommand;
  /** A new guardian for the pending change whose guardian is gone (cli/rearm-command.ts). */
  rearm: ExecCommand;
}
